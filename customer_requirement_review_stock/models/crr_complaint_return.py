from odoo import api, fields, models
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError, ValidationError

VERDICTS = [
    ("company_defect", "Company-Caused Defect"),
    ("customer_cause", "Customer Use or Handling"),
    ("no_defect", "No Defect Found"),
]
DECISIONS = [
    ("repair", "Repair"),
    ("replace", "Replace"),
    ("credit", "Credit"),
    ("no_action", "No Free Action (help analyse)"),
]
REVIEWER = "customer_requirement_review.group_crr_reviewer"


class CrrComplaintReturn(models.Model):
    """Return of goods from a complaint (退货): quality confirms, the warehouse receives the return picking,
    samples are kept for analysis; the quality verdict, then the decision (repair, replace, credit). Within
    the warranty (warranty terms per product or customer), company-caused defects are repaired or replaced
    free; outside it, the company helps analyse."""

    _name = "crr.complaint.return"
    _description = "Complaint Return"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin", "crr.stock.state.mixin"
    ]
    _order = "id desc"
    _check_company_auto = True

    _crr_create_only_fields = frozenset({"name"})
    _crr_action_fields = {
        "state": "Create Return Picking / Verdict / Decide / Cancel",
        "picking_id": "Create Return Picking",
        "quality_verdict": "Verdict",
        "verdict_date": "Verdict",
        "verdict_by_id": "Verdict",
        "decision": "Decide",
        "decision_date": "Decide",
        "decided_by_id": "Decide",
        "free_of_charge": "Decide",
        "warranty_status_decided": "Decide",
    }

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    complaint_id = fields.Many2one(
        "crr.complaint", required=True, index=True, check_company=True, ondelete="restrict", tracking=True
    )
    company_id = fields.Many2one(
        related="complaint_id.company_id", store=True, index=True, precompute=True, readonly=True
    )
    partner_id = fields.Many2one(
        related="complaint_id.partner_id", string="Customer", store=True, help="The customer of the complaint."
    )
    order_id = fields.Many2one(related="complaint_id.order_id", string="Sales Order", store=True)
    origin_picking_id = fields.Many2one(
        "stock.picking", string="Returned Delivery", check_company=True, tracking=True,
        domain="[('sale_id', '=', order_id), ('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
        help="The delivery the goods come back from.",
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True, tracking=True)
    quantity = fields.Float(digits="Product Unit", default=1.0, required=True, tracking=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Return Picking", readonly=True, check_company=True, index="btree_not_null",
        copy=False,
    )
    picking_state = fields.Selection(
        related="picking_id.state", string="Return Picking Status", help="Status of the return picking.",
        tracking=False,
    )
    sample_kept = fields.Boolean(string="Samples Kept", tracking=True, help="Samples kept for the cause analysis.")
    sample_note = fields.Char(string="Samples", help="Which samples are kept, and where.")
    # warranty
    warranty_term_id = fields.Many2one("crr.warranty.term", compute="_compute_warranty")
    warranty_start = fields.Date(compute="_compute_warranty", help="Date of the returned delivery.")
    warranty_end = fields.Date(compute="_compute_warranty")
    warranty_status = fields.Selection(
        [("in", "In Warranty"), ("out", "Out of Warranty"), ("none", "No Warranty Term")],
        compute="_compute_warranty",
    )
    warranty_status_decided = fields.Selection(
        [("in", "In Warranty"), ("out", "Out of Warranty"), ("none", "No Warranty Term")],
        string="Warranty at Decision", readonly=True, tracking=True,
    )
    # quality verdict and decision
    quality_verdict = fields.Selection(VERDICTS, readonly=True, tracking=True)
    verdict_note = fields.Text(tracking=True, help="The quality department's findings.")
    verdict_date = fields.Datetime(string="Verdict On", readonly=True)
    verdict_by_id = fields.Many2one("res.users", readonly=True)
    decision = fields.Selection(DECISIONS, readonly=True, tracking=True)
    decision_note = fields.Text(tracking=True)
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    free_of_charge = fields.Boolean(
        string="Free of Charge", readonly=True, tracking=True,
        help="Repair or replacement free of charge: company-caused defect within the warranty.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("waiting", "Waiting for Goods"),
            ("received", "Received"),
            ("verdict", "Verdict Given"),
            ("decided", "Decided"),
            ("cancelled", "Cancelled"),
        ],
        string="Status", default="draft", required=True, readonly=True, index=True, tracking=True, copy=False,
    )

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A return reference is unique.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The returned quantity must be positive.")

    @api.depends("product_id", "partner_id", "origin_picking_id.date_done", "company_id")
    def _compute_warranty(self):
        Term = self.env["crr.warranty.term"].sudo()
        for record in self:
            term = Term._crr_find(record.partner_id, record.product_id, record.company_id) \
                if record.product_id and record.company_id else Term
            start = record.company_id._crr_local_date(record.origin_picking_id.date_done) \
                if record.origin_picking_id.date_done else False
            end = term._crr_end_date(start) if term and start else False
            record.warranty_term_id = term
            record.warranty_start = start
            record.warranty_end = end
            if not term:
                record.warranty_status = "none"
            else:
                reference = fields.Date.to_date(record.complaint_id.date_received) or fields.Date.context_today(record)
                record.warranty_status = "in" if end and reference <= end else "out"

    @api.constrains("origin_picking_id", "complaint_id")
    def _check_origin(self):
        for record in self:
            if record.origin_picking_id and record.order_id and record.origin_picking_id.sale_id != record.order_id:
                raise ValidationError(self.env._(
                    "The returned delivery %(picking)s is not a delivery of the complaint's order %(order)s.",
                    picking=record.origin_picking_id.name, order=record.order_id.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                complaint = self.env["crr.complaint"].browse(vals.get("complaint_id"))
                company = complaint.company_id or self.env.company
                vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
                    "crr.complaint.return") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - {"message_main_attachment_id", "activity_ids"}:
            locked = self.filtered(lambda r: r.state in ("decided", "cancelled"))
            if locked:
                raise UserError(self.env._("The return %(name)s is decided or cancelled and read-only.",
                                           name=locked[0].name))
        return super().write(vals)

    # -- actions --------------------------------------------------------------------------------------
    def action_create_return_picking(self):
        """Quality confirmed the return: create the return picking of the delivery (Odoo's return of a
        transfer), linked to this return and to the complaint."""
        self._crr_check_single(self)
        self._crr_check_access("write")
        self._crr_check_state(("draft",), self.env._("Create Return Picking"))
        origin = self.origin_picking_id or self._crr_default_origin_picking()
        if not origin or origin.state != "done":
            raise UserError(self.env._("Choose the validated delivery the goods of %(name)s come back from.",
                                       name=self.name))
        origin.check_access("read")
        moves = origin.move_ids.filtered(lambda m: m.product_id == self.product_id and m.state == "done")
        if not moves:
            raise UserError(self.env._("The delivery %(picking)s did not deliver %(product)s.",
                                       picking=origin.name, product=self.product_id.display_name))
        wizard = self.env["stock.return.picking"].sudo().with_company(origin.company_id).create(
            {"picking_id": origin.id}
        )
        remaining = self.quantity
        for line in wizard.product_return_moves:
            if line.move_id in moves and remaining > 0:
                line.quantity = min(remaining, line.move_id.quantity)
                remaining -= line.quantity
            else:
                line.quantity = 0.0
        if self.product_id.uom_id.compare(remaining, 0.0) > 0:
            raise UserError(self.env._(
                "%(name)s returns more %(product)s than the delivery %(picking)s delivered.",
                name=self.name, product=self.product_id.display_name, picking=origin.name,
            ))
        picking = wizard._create_return()
        with crr_scope():
            picking.write({"crr_complaint_return_id": self.id})
            self.sudo().write({"picking_id": picking.id, "origin_picking_id": origin.id, "state": "waiting"})
        self.complaint_id.message_post(
            body=self.env._("Return %(name)s: return picking %(picking)s created.", name=self.name,
                            picking=picking.name),
            subtype_xmlid="mail.mt_note",
        )
        return self.action_open_picking()

    def _crr_default_origin_picking(self):
        """The latest validated delivery of the complaint's order that delivered the product."""
        self.ensure_one()
        deliveries = self.order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done" and not p.return_id
            and self.product_id in p.move_ids.product_id
        )
        return deliveries.sorted("date_done", reverse=True)[:1]

    def _crr_goods_received(self):
        """Internal: the return picking was validated (called as superuser by the picking)."""
        waiting = self.filtered(lambda r: r.state == "waiting")
        with crr_scope():
            waiting.sudo().write({"state": "received"})
        for record in waiting:
            record.message_post(body=self.env._("Returned goods received (%(picking)s).", picking=record.picking_id.name),
                                subtype_xmlid="mail.mt_note")

    def _crr_check_reviewer(self):
        """Verdict and decision: access and company of the returns, and the Reviewer group."""
        self._crr_check_access("write")
        self._crr_check_group(REVIEWER, self.env._("Only reviewers and review managers may judge and decide returns."))

    def action_set_verdict(self, verdict):
        """The quality department's verdict on the returned goods (reviewers)."""
        self._crr_selection_arg(verdict, self._fields["quality_verdict"])
        self._crr_check_reviewer()
        self._crr_check_state(("received",), self.env._("Verdict"))
        missing = self.filtered(lambda r: not (r.verdict_note or "").strip())
        if missing:
            raise UserError(self.env._("Write the quality findings of %(name)s before giving the verdict.",
                                       name=missing[0].name))
        with crr_scope():
            self.sudo().write({"quality_verdict": verdict, "verdict_date": fields.Datetime.now(),
                               "verdict_by_id": self.env.uid, "state": "verdict"})
        return True

    def action_verdict_company_defect(self):
        return self.action_set_verdict("company_defect")

    def action_verdict_customer_cause(self):
        return self.action_set_verdict("customer_cause")

    def action_verdict_no_defect(self):
        return self.action_set_verdict("no_defect")

    def action_decide(self, decision):
        """Repair, replace or credit (reviewers). Free of charge: company-caused defect within warranty."""
        self._crr_selection_arg(decision, self._fields["decision"])
        self._crr_check_reviewer()
        self._crr_check_state(("verdict",), self.env._("Decide"))
        for record in self:
            free = record.quality_verdict == "company_defect" and record.warranty_status == "in"
            if decision == "no_action" and free:
                raise UserError(self.env._(
                    "%(name)s is a company-caused defect within the warranty: repair or replace it free, or "
                    "credit the customer.", name=record.name,
                ))
            with crr_scope():
                record.sudo().write({
                    "decision": decision,
                    "decision_date": fields.Datetime.now(),
                    "decided_by_id": self.env.uid,
                    "free_of_charge": free and decision in ("repair", "replace"),
                    "warranty_status_decided": record.warranty_status,
                    "state": "decided",
                })
        return True

    def action_decide_repair(self):
        return self.action_decide("repair")

    def action_decide_replace(self):
        return self.action_decide("replace")

    def action_decide_credit(self):
        return self.action_decide("credit")

    def action_decide_no_action(self):
        return self.action_decide("no_action")

    def action_cancel(self):
        self._crr_check_access("write")
        self._crr_check_state(("draft", "waiting"), self.env._("Cancel"))
        open_pickings = self.picking_id.filtered(lambda p: p.state not in ("done", "cancel"))
        if open_pickings:
            open_pickings.check_access("write")
            open_pickings.sudo().action_cancel()
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        return True

    def _crr_kept_message(self):
        kept = self.filtered(lambda record: record.state != "draft")
        if kept:
            return self.env._(
                "The return %(name)s is a quality record and cannot be deleted: cancel it instead.",
                name=kept[0].name,
            )
        return None

    def action_open_picking(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": self.picking_id.id,
            "view_mode": "form",
        }
