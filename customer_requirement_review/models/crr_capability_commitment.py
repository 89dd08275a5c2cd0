from datetime import date, datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crr_record_guard_mixin import crr_flag, crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .crr_step_check import crr_check_step

COMMITMENT_STATES = [
    ("draft", "Draft"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# the content the departments signed and the general manager approved: fixed once submitted
COMMITMENT_CONTENT_FIELDS = {"company_id", "year", "date_from", "date_to", "department_ids", "line_ids", "analysis"}
# a complaint rejected as unfounded or cancelled does not count against the order
NOT_COMPLAINTS = ("rejected", "cancelled")


class CrrCapabilityCommitment(models.Model):
    """Capability commitment (初始评审报告): every year the chief engineer has the departments assess the
    company's standing technical, production and service capability (products or product categories,
    specification ranges, monthly capacity); the report is countersigned by the departments and approved by
    the general manager. Only the orders beyond the approved commitment of their period get a special review
    (rule facts "Within the Capability Commitment", "Beyond Committed Capacity" of the quotation); a special
    order carried out successfully (fully delivered, no complaint) adds its products to the commitment.

    A subject of the review engine (``crr.review.mixin``): submitting opens a round asking the departments
    (step 1, in parallel) and the general manager (last step); a rejected commitment is put back to draft,
    corrected and submitted again (a new round, the previous kept as history).
    """

    _name = "crr.capability.commitment"
    _description = "Capability Commitment"
    _inherit = ["crr.review.document.mixin", "crr.review.mixin", "crr.record.guard.mixin", "crr.guard.mixin",
                "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # crr.review.document.mixin: a rejected commitment is corrected in draft and submitted again
    _crr_sequence_code = "crr.capability.commitment"
    _crr_content_fields = COMMITMENT_CONTENT_FIELDS
    _crr_content_editable_states = ("draft", "rejected")

    # crr.review.mixin: one round per submission
    _crr_review_line_field = "capability_commitment_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "in_review", "approved": "approved", "rejected": "rejected"}

    _crr_action_fields = {
        "state": "action_submit, then the review lines (action_approve / action_reject), action_reset_draft, "
        "action_cancel",
        "review_round": "action_submit",
        "submitted_by_id": "action_submit",
        "submitted_date": "action_submit",
    }

    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    date_from = fields.Date(
        string="Valid From", compute="_compute_period", store=True, readonly=False, required=True, precompute=True,
        index=True, help="The period the commitment covers (by default the year).",
    )
    date_to = fields.Date(
        string="Valid To", compute="_compute_period", store=True, readonly=False, required=True, precompute=True,
        index=True,
    )
    analysis = fields.Html(
        help="The departments' analysis of the standing technical, production and service capability.",
    )
    department_ids = fields.Many2many(
        "crr.department", "crr_capability_commitment_department_rel", "commitment_id", "department_id",
        string="Countersigning Departments", check_company=True,
        domain="[('company_id', '=', company_id), ('is_final_approval', '=', False)]",
        default=lambda self: self._default_department_ids(),
        help="The departments whose heads countersign the report (in parallel); the general manager approves "
        "last.",
    )
    line_ids = fields.One2many(
        "crr.capability.commitment.line", "commitment_id", string="Committed Capability", copy=True,
    )
    state = fields.Selection(
        COMMITMENT_STATES, string="Status", default="draft", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    review_round = fields.Integer(readonly=True, copy=False, default=0)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    review_line_ids = fields.One2many(
        "crr.review.line", "capability_commitment_id", string="Signatures", copy=False,
    )
    approved_by_id = fields.Many2one("res.users", string="Approved by", compute="_compute_approval")
    approved_date = fields.Datetime(string="Approved On", compute="_compute_approval")
    learned_line_count = fields.Integer(string="Learned Lines", compute="_compute_learned_line_count")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "A capability commitment reference must be unique."
    )

    @api.model
    def _default_department_ids(self):
        return self.env["crr.department"].search(
            [("company_id", "=", self.env.company.id), ("is_final_approval", "=", False)]
        )

    @api.depends("year")
    def _compute_period(self):
        for commitment in self:
            year = commitment.year if 1900 < (commitment.year or 0) < 10000 else fields.Date.today().year
            commitment.date_from = date(year, 1, 1)
            commitment.date_to = date(year, 12, 31)

    @api.depends("review_line_ids.state")
    def _compute_approval(self):
        for commitment in self:
            final = commitment.review_line_ids.filtered(
                lambda line, round_no=commitment.review_round: line.is_final_approval and line.state in APPROVED_LINE_STATES
                and line.round == round_no
            )[:1]
            commitment.approved_by_id = final.reviewer_id
            commitment.approved_date = final.decision_date

    @api.depends("line_ids.learned_order_id")
    def _compute_learned_line_count(self):
        for commitment in self:
            commitment.learned_line_count = len(commitment.line_ids.filtered("learned_order_id"))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for commitment in self:
            if commitment.date_from and commitment.date_to and commitment.date_from > commitment.date_to:
                raise ValidationError(
                    self.env._("Capability commitment %(name)s: the period ends before it starts.",
                               name=commitment.name)
                )

    def _compute_display_name(self):  # pylint: disable=missing-return
        for commitment in self:
            commitment.display_name = self.env._(
                "%(name)s (%(year)s)", name=commitment.name or "", year=commitment.year or ""
            )

    def write(self, vals):
        if not crr_flag("action") and COMMITMENT_CONTENT_FIELDS & vals.keys():
            self.check_access("write")  # who may not change it at all is told so first
        return super().write(vals)

    def _crr_check_editable(self):
        """Refuse to change the content of a submitted commitment (what the departments signed)."""
        self._crr_check_content_editable()

    def _crr_content_locked_message(self):
        return self.env._(
            "Capability commitment %(name)s was submitted: its content is what the departments signed and "
            "the general manager approved. A successful special order extends it (Learn from Special "
            "Orders); otherwise prepare the next commitment.",
            name=self.name,
        )

    def _crr_kept_message(self):
        if self.filtered(lambda commitment: commitment.state != "draft" or commitment.review_line_ids):
            return self.env._("Submitted capability commitments are kept: cancel them instead.")
        return None

    # -- review engine hooks ------------------------------------------------------------------------
    def _crr_review_round(self):
        self.ensure_one()
        return self.review_round

    def _crr_review_line_name(self, line):
        return self.env._(
            "Capability %(commitment)s / %(department)s", commitment=self.name or "",
            department=line.department_id.name or "",
        )

    def _crr_review_activity_summary(self):
        return self.env._("Sign the capability commitment %(name)s (%(year)s)", name=self.name, year=self.year)

    def _crr_review_reopen_error(self, line):
        if self.state != "in_review":
            return self.env._("The review of capability commitment %(name)s is closed.", name=self.name)
        return None

    def _crr_review_round_ended(self, state, lines):
        if state == "approved":
            body = self.env._("Countersigned by the departments and approved by the general manager.")
        elif state == "rejected":
            refused = lines.filtered(lambda line: line.state == "rejected")
            body = self.env._(
                "Capability commitment rejected by %(departments)s: %(reasons)s",
                departments=", ".join(refused.department_id.mapped("name")),
                reasons="; ".join(filter(None, refused.mapped("opinion"))),
            )
        else:
            return
        self.sudo().message_post(
            body=body, partner_ids=self.submitted_by_id.partner_id.ids, subtype_xmlid="mail.mt_comment"
        )

    # -- actions --------------------------------------------------------------------------------------
    def _crr_check_manager(self):
        self._crr_check_group(
            "customer_requirement_review.group_crr_manager",
            self.env._("Only review managers prepare, submit and cancel capability commitments."),
        )

    def _crr_review_departments(self):
        """The countersigning departments and the final approval (the general manager)."""
        self.ensure_one()
        final = self.env["crr.department"].sudo().search(
            [("company_id", "=", self.company_id.id), ("is_final_approval", "=", True), ("active", "=", True)]
        )
        if not final:
            raise UserError(
                self.env._(
                    "Company %(company)s has no final approval department (the general manager): configure one in "
                    "the review departments.",
                    company=self.company_id.name,
                )
            )
        return self.sudo().department_ids.filtered("active") | final

    def action_submit(self):
        """Submit the report for the departments' countersignatures, then the general manager's approval."""
        self._crr_check_manager()
        crr_check_step(self, ("draft",))
        for commitment in self:
            if not commitment.line_ids:
                raise UserError(
                    self.env._("Capability commitment %(name)s has no line: list the committed products or "
                               "categories first.", name=commitment.name)
                )
            departments = commitment._crr_review_departments()
            with crr_scope():
                commitment.sudo().write({
                    "state": "in_review",
                    "review_round": commitment.review_round + 1,
                    "submitted_by_id": self.env.uid,
                    "submitted_date": fields.Datetime.now(),
                })
            commitment.sudo()._crr_open_round(departments, round_no=commitment.review_round)
            commitment.message_post(
                body=self.env._(
                    "Submitted for signature: %(departments)s.", departments=", ".join(departments.mapped("name"))
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _crr_my_lines(self):
        """The pending lines of the current round the user decides (the review line checks the rights)."""
        # the signatories read the commitment (the review line checks that the user decides for the department)
        self._crr_check_access("read")
        not_in_review = self.filtered(lambda commitment: commitment.state != "in_review")
        if not_in_review:
            raise UserError(
                self.env._("Capability commitment %(name)s is not in review.", name=not_in_review[0].name)
            )
        pending = self.sudo().review_line_ids.filtered(
            lambda line: line.state == "pending" and line.round == line.capability_commitment_id.review_round
        ).with_env(self.env)
        mine = pending.filtered("can_decide")
        if not mine:
            raise UserError(
                self.env._("Capability commitment %(name)s waits for no signature of yours.", name=self[:1].name)
            )
        return mine[:1]

    def action_approve(self, opinion=None):
        """Sign (a department) or approve (the general manager) the commitment."""
        opinion = self._crr_text_arg(opinion, self.env._("opinion"))
        for commitment in self:
            commitment._crr_my_lines().action_approve(opinion=opinion)
        return True

    def action_reject(self, opinion=None):
        opinion = self._crr_text_arg(opinion, self.env._("reason of the rejection"), required=True)
        for commitment in self:
            commitment._crr_my_lines().action_reject(opinion=opinion)
        return True

    def action_reset_draft(self):
        """A rejected commitment goes back to draft to be corrected and submitted again (a new round)."""
        self._crr_check_manager()
        crr_check_step(self, ("rejected",))
        with crr_scope():
            self.sudo().write({"state": "draft"})
        return True

    def action_cancel(self):
        self._crr_check_manager()
        crr_check_step(self, ("draft", "in_review", "rejected"))
        for commitment in self:
            with crr_scope():
                commitment.sudo().write({"state": "cancelled"})
            commitment.sudo()._crr_close_round()
            commitment.message_post(body=self.env._("Capability commitment cancelled."), subtype_xmlid="mail.mt_note")
        return True

    def action_print(self):
        self._crr_check_access("read")
        return self.env.ref("customer_requirement_review.action_report_crr_capability_commitment").report_action(self)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Initial Review Report %(name)s", name=self.name)

    # -- learning from successful special orders ----------------------------------------------------
    def action_learn_from_orders(self):
        """Add the products of the special orders of the period carried out successfully (see
        ``_crr_successful_special_orders``) to the approved commitment, each line traced to its order."""
        self._crr_check_manager()
        crr_check_step(self, ("approved",))
        lines = self.sudo()._crr_learn_from_orders()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if lines else "info",
                "message": self.env._("%(count)s product(s) added from successful special orders.", count=len(lines)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _crr_successful_special_orders(self, company, date_from, date_to):
        """The special orders of ``company`` dated in the period and carried out successfully: confirmed, every
        product line fully delivered (delivered quantity at least the ordered quantity) and no complaint on the
        order (rejected or cancelled complaints aside). Three queries whatever the number of orders.

        Returns ``(orders, {order: its product lines})``."""
        Order = self.env["sale.order"].sudo()
        orders = Order.search([
            ("company_id", "=", company.id),
            ("contract_type", "=", "special"),
            ("state", "=", "sale"),
            ("date_order", ">=", datetime.combine(date_from, time.min)),
            ("date_order", "<=", datetime.combine(date_to, time.max)),
        ])
        if not orders:
            return orders, {}
        lines = self.env["sale.order.line"].sudo().search_fetch(
            [("order_id", "in", orders.ids), ("display_type", "=", False)],
            ["order_id", "product_id", "product_uom_qty", "qty_delivered", "product_uom_id"],
        )
        complained = {
            order.id for (order,) in self.env["crr.complaint"].sudo()._read_group(
                [("order_id", "in", orders.ids), ("state", "not in", NOT_COMPLAINTS)], ["order_id"]
            )
        }
        lines_by_order = lines.grouped("order_id")
        successful = orders.filtered(
            lambda order: order.id not in complained
            and order in lines_by_order
            and all(line.qty_delivered >= line.product_uom_qty for line in lines_by_order[order])
        )
        return successful, {order: lines_by_order[order] for order in successful}

    def _crr_learn_from_orders(self):
        """For each approved commitment of ``self``: a line per product of its successful special orders that the
        commitment does not cover yet, naming the order. Returns the new lines."""
        Line = self.env["crr.capability.commitment.line"].sudo()
        vals_list = []
        for commitment in self.sudo().filtered(lambda c: c.state == "approved"):
            orders, lines_by_order = self._crr_successful_special_orders(
                commitment.company_id, commitment.date_from, commitment.date_to
            )
            orders -= commitment.line_ids.learned_order_id
            added = {}
            for line in (line for order in orders for line in lines_by_order[order]):
                product = line.product_id
                if not product or product in added or commitment.line_ids._crr_covering(product):
                    continue
                # the order proves the capability, not a monthly capacity: none committed (the next yearly
                # report states it)
                added[product] = {
                    "commitment_id": commitment.id,
                    "product_id": product.id,
                    "capacity_uom_id": product.uom_id.id,
                    "specification": line.order_id.name,
                    "learned_order_id": line.order_id.id,
                    "learned_date": fields.Datetime.now(),
                }
            vals_list += added.values()
        if not vals_list:
            return Line
        with crr_scope():
            lines = Line.create(vals_list)
        for commitment, new_lines in lines.grouped("commitment_id").items():
            commitment.message_post(
                body=self.env._(
                    "Extended by the special orders carried out successfully: %(lines)s.",
                    lines=", ".join(
                        f"{line.product_id.display_name} ({line.learned_order_id.name})" for line in new_lines
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return lines

    @api.model
    def _cron_learn_from_orders(self):
        """Extend the approved commitments of today's period with the special orders carried out successfully."""
        today = fields.Date.context_today(self)
        commitments = self.sudo().search(
            [("state", "=", "approved"), ("date_from", "<=", today), ("date_to", ">=", today)]
        )
        commitments._crr_learn_from_orders()
