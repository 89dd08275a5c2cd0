import logging

from odoo import api, fields, models

from .crr_record_guard_mixin import crr_flag, crr_scope

_logger = logging.getLogger(__name__)

DISTRIBUTION_ACTION = "the confirmation of the reviewed order (then the distribution job)"


class SaleOrder(models.Model):
    """The reviewed order and its requirements distributed to the departments at confirmation: one notice per
    department concerned (the departments that reviewed it and those responsible for its requirements), each
    acknowledged by one of its members; the department's head (or first member) gets a to-do until then."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_distribution_ids = fields.One2many(
        "crr.change.acknowledgement", "order_id", string="Order Distribution", readonly=True, copy=False,
        domain=[("notice_type", "=", "distribution")],
    )
    crr_distribution_pending_count = fields.Integer(
        string="Distribution To Acknowledge", compute="_compute_crr_distribution_pending_count"
    )
    crr_distribution_due = fields.Boolean(
        string="Distribution Being Sent",
        readonly=True,
        copy=False,
        help="Confirmed reviewed order whose distribution to the departments the job \"Requirement Review: "
        "distribute the confirmed orders\" sends within a minute of the confirmation.",
    )

    _crr_distribution_due_idx = models.Index("(id) WHERE crr_distribution_due")

    def _register_hook(self):
        # an action-only field (crr.record.guard.mixin), whichever extension of sale.order defines the fields last
        cls = type(self)
        cls._crr_action_fields = {**cls._crr_action_fields, "crr_distribution_due": DISTRIBUTION_ACTION}
        return super()._register_hook()

    @api.depends("crr_distribution_ids.state")
    def _compute_crr_distribution_pending_count(self):
        for order in self:
            order.crr_distribution_pending_count = len(
                order.crr_distribution_ids.filtered(lambda ack: ack.state == "pending")
            )

    def _action_confirm(self):
        """The reviewed orders confirmed are distributed by a job, within a minute, out of the confirmation's
        transaction (the notices, the departments' to-dos and the note cost as much as the confirmation itself):
        here they are marked (in the confirmation's own UPDATE) and the job is triggered."""
        result = super()._action_confirm()
        due = self.sudo().filtered(lambda o: o.state == "sale" and o.review_round)
        if due:
            with crr_scope():
                due.write({"crr_distribution_due": True})
            self.env["crr.job"]._crr_trigger_job("customer_requirement_review.ir_cron_crr_order_distribution")
        return result

    @api.model
    def _cron_crr_distribute(self, limit=200):
        """Distribute the confirmed reviewed orders marked at their confirmation (each in its own savepoint: an
        order that fails is logged and tried again at the next run, the others are distributed)."""
        orders = self.sudo().search([("crr_distribution_due", "=", True)], limit=limit, order="id")
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    # its note and the departments' to-dos in the salesperson's language, as when the distribution
                    # was sent by the confirmation itself (the job runs as OdooBot)
                    lang = order.user_id.lang or order.company_id.partner_id.lang or self.env.lang
                    order.with_context(lang=lang)._crr_distribute()
                    with crr_scope():
                        order.write({"crr_distribution_due": False})
            except Exception:
                _logger.exception("the distribution of %s failed; tried again at the next run", order.name)
        return len(orders)

    def _crr_distribute(self):
        """Send the confirmed reviewed orders to every department concerned (internal flow, after the
        confirmation's own checks): the notices and one to-do per department."""
        orders = self.sudo()
        # the review lines with their values, of all the orders in one query (the engine's read)
        orders._crr_fetch_review_lines()
        orders = orders.filtered(lambda o: o.state == "sale" and o.review_line_ids)
        if not orders:
            return
        done = {(ack.order_id.id, ack.department_id.id) for ack in orders.crr_distribution_ids}
        todo_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("sale.order")
        # mail.activity precomputes its res_model from this record: its name is known, its row need not be read
        self.env["ir.model"].browse(model_id)._update_cache({"model": "sale.order"}, validate=False)
        concerned = {
            order: (order.review_line_ids.department_id | order.requirement_ids.department_id).filtered(
                lambda d, o=order: d.active and d.company_id == o.company_id
            )
            for order in orders
        }
        # the departments' active members in one query (and what the to-dos read of them)
        members = self.env["crr.department"].sudo().union(*concerned.values())._crr_active_reviewers()
        vals_list, activity_vals = [], []
        for order in orders:
            for department in concerned[order].sorted():
                if (order.id, department.id) in done:
                    continue
                vals_list.append({"notice_type": "distribution", "order_id": order.id, "department_id": department.id})
                user = department._crr_todo_user(members[department.id])
                activity_vals.append(user and {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": todo_id or False,
                    "user_id": user.id,
                    "summary": self.env._("Acknowledge the order distribution (%(department)s)",
                                          department=department.name),
                    "date_deadline": fields.Date.context_today(self),
                })
        if not vals_list:
            return
        # the departments' to-dos do not make their heads followers of the order (every later message of the
        # order, the customer's e-mails included, would reach them): the to-do and the notice are their channel
        with crr_scope("no_subscribe"):
            activities = iter(self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                [vals for vals in activity_vals if vals]
            ))
        for vals, activity in zip(vals_list, activity_vals, strict=True):
            if activity:
                vals["activity_id"] = next(activities).id
        with crr_scope():
            acks = self.env["crr.change.acknowledgement"].sudo().create(vals_list)
        Notice = self.env["crr.review.notice"]
        for order, order_acks in acks.grouped("order_id").items():
            body = self.env._(
                "The reviewed order and its requirements were distributed to: %(departments)s.",
                departments=", ".join(order_acks.department_id.mapped("name")),
            )
            # in the order's chatter at once; the departments' members are notified by the engine's job (inbox or
            # e-mail, within a minute), out of the confirmation's transaction
            order._message_log(body=body)
            Notice._crr_queue(
                order, body, self.env["res.users"].union(*(members[d.id] for d in order_acks.department_id))
            )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """The to-dos of the order distribution do not subscribe their assignees (``_crr_distribute``)."""
        if crr_flag("no_subscribe"):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def action_crr_view_distribution(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_requirement_review.action_crr_order_distribution"
        )
        action["domain"] = [("notice_type", "=", "distribution"), ("order_id", "=", self.id)]
        return action
