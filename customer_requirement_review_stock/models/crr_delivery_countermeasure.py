from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError

CAUSE_CATEGORIES = [
    ("capacity", "Production Capacity"),
    ("material", "Material Shortage"),
    ("quality", "Quality Problem"),
    ("equipment", "Equipment Breakdown"),
    ("planning", "Planning Error"),
    ("transport", "Transport"),
    ("customer", "Customer Change"),
    ("other", "Other"),
]


class CrrDeliveryCountermeasure(models.Model):
    """Delay countermeasure form (交货延误对策表): opened by a late or short delivery; the meeting's cause,
    countermeasure and recurrence prevention, the extra freight cost, who told the customer and when."""

    _name = "crr.delivery.countermeasure"
    _description = "Delay Countermeasure"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin", "crr.stock.state.mixin"
    ]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    _crr_create_only_fields = frozenset({"name"})
    _crr_action_fields = {
        "state": "Close / Cancel / Reopen",
        "customer_informed_date": "Customer Informed",
        "customer_informed_by_id": "Customer Informed",
        "closed_date": "Close",
        "closed_by_id": "Close",
        "picking_id": "(set when the delivery is validated)",
        "order_id": "(set when the delivery is validated)",
        "delay_type": "(set when the delivery is validated)",
        "sale_line_ids": "(set when the delivery is validated)",
        "promised_date": "(set when the delivery is validated)",
        "delivery_date": "(set when the delivery is validated)",
        "days_late": "(set when the delivery is validated)",
    }

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, index="btree_not_null", check_company=True,
        ondelete="restrict",
    )
    order_id = fields.Many2one(
        "sale.order", string="Sales Order", readonly=True, index="btree_not_null", check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer", store=True, index=True)
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson", store=True)
    sale_line_ids = fields.Many2many(
        "sale.order.line", string="Delayed Lines", readonly=True,
        help="The order lines delivered late or short by this delivery.",
    )
    delay_type = fields.Selection(
        [("late", "Late"), ("short", "Short"), ("late_short", "Late and Short")],
        string="Delay", readonly=True, required=True, default="late", index=True,
    )
    promised_date = fields.Date(readonly=True, help="Earliest promised date of the delayed lines.")
    delivery_date = fields.Date(string="Delivered On", readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="avg")
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, check_company=True, domain=[("share", "=", False)],
        help="Calls the meeting and records the countermeasure; has a to-do activity until it is closed.",
    )
    meeting_date = fields.Date(tracking=True, help="Date of the meeting held about the delay.")
    cause_category = fields.Selection(CAUSE_CATEGORIES, tracking=True)
    cause = fields.Text(tracking=True, help="Why the delivery was late or short (原因分析).")
    countermeasure = fields.Text(tracking=True, help="What is done for this delivery (对策).")
    recurrence_prevention = fields.Text(tracking=True, help="What prevents the delay from happening again (防止再发).")
    currency_id = fields.Many2one(related="company_id.currency_id")
    extra_freight_cost = fields.Monetary(
        tracking=True, help="Extra freight paid because of the delay (express shipment, special transport)."
    )
    excess_cost = fields.Monetary(
        string="Other Excess Cost", tracking=True, help="Other excess cost of the delay (overtime, penalties)."
    )
    customer_informed_date = fields.Datetime(string="Customer Informed On", readonly=True, tracking=True)
    customer_informed_by_id = fields.Many2one("res.users", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("cancelled", "Cancelled")],
        string="Status", default="draft", required=True, readonly=True, index=True, tracking=True, copy=False,
    )
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A countermeasure reference is unique.")
    _costs_positive = models.Constraint(
        "CHECK(COALESCE(extra_freight_cost, 0) >= 0 AND COALESCE(excess_cost, 0) >= 0)",
        "Costs cannot be negative.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
                    "crr.delivery.countermeasure") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - {"message_main_attachment_id", "activity_ids"}:
            locked = self.filtered(lambda record: record.state in ("closed", "cancelled"))
            if locked:
                raise UserError(self.env._(
                    "The delay countermeasure %(name)s is closed or cancelled and read-only; reopen it first.",
                    name=locked[0].name,
                ))
        return super().write(vals)

    # -- opening (internal flow: validation of a delivery) ---------------------------------------------
    @api.model
    def _crr_open_for_picking(self, picking, late_lines, short_lines):
        """Open the countermeasure of a late or short delivery (called as superuser when it is validated),
        with a to-do activity for its owner."""
        lines = late_lines | short_lines
        delay_type = "late_short" if late_lines and short_lines else ("late" if late_lines else "short")
        order = picking.sale_id
        company = picking.company_id
        owner = self._crr_default_owner(picking)
        delivery_date = company._crr_local_date(picking.date_done)
        promised = min(date for date in lines.mapped("crr_promised_date") if date) if any(
            lines.mapped("crr_promised_date")) else False
        with crr_scope():
            record = self.sudo().create({
                "company_id": company.id,
                "picking_id": picking.id,
                "order_id": order.id,
                "sale_line_ids": [fields.Command.set(lines.ids)],
                "delay_type": delay_type,
                "promised_date": promised,
                "delivery_date": delivery_date,
                "days_late": max((delivery_date - promised).days, 0) if promised and delivery_date else 0,
                "user_id": owner.id,
                "state": "open",
            })
        if owner:
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(record) + timedelta(days=company.crr_countermeasure_days),
                summary=self.env._("Delay countermeasure %(name)s", name=record.name),
                note=self.env._(
                    "Delivery %(picking)s of %(order)s was %(delay)s: hold the meeting, record the cause, the "
                    "countermeasure and the recurrence prevention, and tell the customer.",
                    picking=picking.name, order=order.name,
                    delay=dict(self._fields["delay_type"]._description_selection(self.env))[delay_type],
                ),
                user_id=owner.id,
            )
        picking.message_post(
            body=self.env._("Late or short delivery: delay countermeasure %(name)s opened.", name=record.name),
            subtype_xmlid="mail.mt_note",
        )
        return record

    @api.model
    def _crr_default_owner(self, picking):
        """A member of the company's logistics department (物流部), else the order's salesperson, else the
        delivery's responsible."""
        logistics = self.env["crr.department"].sudo().search(
            [("code", "=", "logistics"), ("company_id", "in", [picking.company_id.id, False])], limit=1
        )
        users = logistics.user_ids.filtered(lambda user: not user.share and picking.company_id in user.company_ids)
        return users[:1] or picking.sale_id.user_id or picking.user_id

    # -- actions --------------------------------------------------------------------------------------
    def action_customer_informed(self):
        """The customer was told of the delay and of the countermeasure (now, by the current user)."""
        self._crr_check_access("write")
        self._crr_check_state(("open",), self.env._("Customer Informed"))
        with crr_scope():
            self.sudo().write(
                {"customer_informed_date": fields.Datetime.now(), "customer_informed_by_id": self.env.uid}
            )
        return True

    def _crr_close_missing(self):
        self.ensure_one()
        missing = []
        for name in ("cause_category", "cause", "countermeasure", "recurrence_prevention"):
            value = self[name]
            if not (value.strip() if isinstance(value, str) else value):
                missing.append(self._fields[name]._description_string(self.env))
        if not self.customer_informed_date:
            missing.append(self.env._("the customer informed"))
        return missing

    def action_close(self):
        self._crr_check_access("write")
        self._crr_check_state(("open",), self.env._("Close"))
        for record in self:
            missing = record._crr_close_missing()
            if missing:
                raise UserError(self.env._(
                    "The delay countermeasure %(name)s cannot be closed, missing: %(missing)s.",
                    name=record.name, missing=", ".join(missing),
                ))
        with crr_scope():
            self.sudo().write({"state": "closed", "closed_date": fields.Datetime.now(), "closed_by_id": self.env.uid})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _crr_check_manager(self):
        """Cancel and reopen: access and company of the countermeasures, and the Review Manager group."""
        self._crr_check_access("write")
        self._crr_check_group(
            "customer_requirement_review.group_crr_manager",
            self.env._("Only review managers may cancel or reopen delay countermeasures."),
        )

    def action_cancel(self):
        """Cancel a countermeasure opened wrongly (e.g. the customer had agreed to the later date)."""
        self._crr_check_manager()
        self._crr_check_state(("draft", "open"), self.env._("Cancel"))
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reopen(self):
        self._crr_check_manager()
        self._crr_check_state(("closed", "cancelled"), self.env._("Reopen"))
        with crr_scope():
            self.sudo().write({"state": "open", "closed_date": False, "closed_by_id": False})
        return True

    def _crr_kept_message(self):
        kept = self.filtered(lambda record: record.state != "draft")
        if kept:
            return self.env._(
                "The delay countermeasure %(name)s is a quality record and cannot be deleted: cancel it instead.",
                name=kept[0].name,
            )
        return None

    def action_print(self):
        return self.env.ref("customer_requirement_review_stock.action_report_crr_delivery_countermeasure").report_action(self)
