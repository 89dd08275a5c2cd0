from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crr_sample_round import VERDICTS

SAMPLE_STATES = [
    ("draft", "Draft"),
    ("to_manager", "Waiting Department Manager"),
    ("to_gm", "Waiting General Manager"),
    ("approved", "Approved: Sample in Progress"),
    ("accepted", "Approved by the Customer"),
    ("refused", "Refused"),
    ("rejected", "Rejected by the Customer"),
    ("cancelled", "Cancelled"),
]
# the content of the request, fixed once submitted (the approvals stand on it)
SAMPLE_CONTENT_FIELDS = {
    "partner_id", "order_id", "product_id", "specification", "quantity", "uom_id", "due_date", "cost", "company_id",
}


class CrrSampleRequest(models.Model):
    """Sample request (样品需求单 / 业务样机审批表): the salesperson asks for a sample, the department
    manager then the general manager approve it before production makes it; the sample is sent in
    rounds until the customer approves it (样品承认书, signed on the portal) or rejects it."""

    _name = "crr.sample.request"
    _description = "Sample Request"
    _inherit = ["crr.action.guard.mixin", "portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _crr_action_fields = {
        "state": "Submit / Approve / Refuse / Cancel",
        "manager_id": "Approve (Department Manager)",
        "manager_date": "Approve (Department Manager)",
        "gm_id": "Approve (General Manager)",
        "gm_date": "Approve (General Manager)",
        "refused_by_id": "Refuse",
        "refusal_reason": "Refuse",
        "submitted_by_id": "Submit",
        "submitted_date": "Submit",
        "accepted_date": "the customer's verdict on a sample round",
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        domain=[("is_company", "=", True)],
    )
    order_id = fields.Many2one(
        "sale.order", string="Quotation", index="btree_not_null", tracking=True, check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', 'in', ('draft', 'sent'))]",
        help="The quotation waiting for this sample, if any.",
    )
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", tracking=True, check_company=True,
        help="The product sampled; leave empty for a new product described by its specification.",
    )
    specification = fields.Text(help="Specification, drawing reference and the customer's requirements.")
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True, tracking=True)
    uom_id = fields.Many2one("uom.uom", string="Unit")
    due_date = fields.Date(string="Needed By", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(string="Estimated Cost", currency_field="currency_id", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, tracking=True, index=True,
        domain=[("share", "=", False)],
    )
    reason = fields.Text(string="Purpose", help="Why the customer needs the sample.")
    state = fields.Selection(
        SAMPLE_STATES, string="Status", default="draft", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    manager_id = fields.Many2one("res.users", string="Approved by Manager", readonly=True, copy=False)
    manager_date = fields.Datetime(string="Manager Approved On", readonly=True, copy=False)
    gm_id = fields.Many2one("res.users", string="Approved by General Manager", readonly=True, copy=False)
    gm_date = fields.Datetime(string="GM Approved On", readonly=True, copy=False)
    refused_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False, tracking=True)
    accepted_date = fields.Datetime(string="Customer Approved On", readonly=True, copy=False)
    round_ids = fields.One2many("crr.sample.round", "request_id", string="Sample Rounds", copy=False)
    round_count = fields.Integer(compute="_compute_round_info")
    last_round_id = fields.Many2one("crr.sample.round", compute="_compute_round_info")
    last_verdict = fields.Selection(VERDICTS, compute="_compute_round_info")
    can_sign = fields.Boolean(compute="_compute_round_info", help="A sent round waits for the customer's verdict.")

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A sample request reference must be unique.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The sample quantity must be positive.")

    @api.depends("round_ids.verdict", "round_ids.sequence")
    def _compute_round_info(self):
        for request in self:
            rounds = request.round_ids.sorted("sequence")
            request.round_count = len(rounds)
            request.last_round_id = rounds[-1:]
            request.last_verdict = rounds[-1:].verdict
            request.can_sign = bool(
                request.state == "approved" and rounds[-1:] and rounds[-1].verdict == "pending" and rounds[-1].sent_date
            )

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/samples/{request.id}"

    @api.constrains("product_id", "specification")
    def _check_product_or_specification(self):
        for request in self:
            if not request.product_id and not (request.specification or "").strip():
                raise ValidationError(
                    self.env._("Sample request %(name)s: give the product or its specification.", name=request.name)
                )

    @api.constrains("order_id", "partner_id")
    def _check_order_customer(self):
        for request in self.filtered("order_id"):
            if request.order_id.partner_id.commercial_partner_id != request.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._("The quotation %(order)s is not the customer's.", order=request.order_id.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records.sudo():
            sequence = self.env["ir.sequence"].with_company(record.company_id).next_by_code("crr.sample.request")
            record.name = sequence or record.name
        return records

    def write(self, vals):
        if not self.env.su and SAMPLE_CONTENT_FIELDS & vals.keys():
            locked = self.filtered(lambda r: r.state != "draft")
            if locked:
                raise UserError(
                    self.env._(
                        "Sample request %(name)s was submitted: its content is what the managers approved and can "
                        "no longer be edited. Cancel it and create a new request.",
                        name=locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if self.filtered(lambda r: r.state != "draft" or r.round_ids):
            raise UserError(self.env._("Submitted sample requests are kept: cancel them instead."))

    # -- approvers ---------------------------------------------------------------------------------
    def _crr_is_department_manager(self, user):
        # superuser: internal flows (data files) only, never a client
        return self.env.su or user.has_group("sales_team.group_sale_manager")

    def _crr_is_general_manager(self, user):
        self.ensure_one()
        return self.env.su or user in self._crr_general_managers()

    def _crr_general_managers(self):
        self.ensure_one()
        return self.company_id._crr_general_managers()

    def _crr_check_access(self, states):
        """Access and company of the user to the requests, and their state, before any sudo write."""
        self.check_access("write")
        allowed = self.env.companies
        for request in self:
            if request.company_id not in allowed:
                raise AccessError(
                    self.env._("Sample request %(name)s belongs to another company.", name=request.name)
                )
            if request.state not in states:
                raise UserError(
                    self.env._(
                        "Sample request %(name)s is %(state)s: this step is not possible now.",
                        name=request.name,
                        state=dict(SAMPLE_STATES)[request.state],
                    )
                )

    def _crr_set_state(self, vals, body):
        for request in self:
            request.sudo().write(vals)
            request.activity_unlink(["mail.mail_activity_data_todo"])
            request.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _crr_ask(self, users, summary):
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for request in self:
            for user in users:
                request.sudo().activity_schedule(
                    activity_type_id=todo.id if todo else False,
                    summary=summary,
                    user_id=user.id,
                    date_deadline=fields.Date.context_today(self),
                )

    # -- actions -----------------------------------------------------------------------------------
    def action_submit(self):
        self._crr_check_access(("draft",))
        managers = self.env.ref("sales_team.group_sale_manager").sudo().all_user_ids.filtered(
            lambda user: not user.share
        )
        for request in self:
            request._crr_set_state(
                {"state": "to_manager", "submitted_by_id": self.env.uid, "submitted_date": fields.Datetime.now()},
                self.env._("Sample request submitted to the department manager."),
            )
            request._crr_ask(
                managers.filtered(lambda u, r=request: r.company_id in u.company_ids)[:5],
                self.env._("Approve sample request %(name)s", name=request.name),
            )
        return True

    def action_approve_manager(self):
        self._crr_check_access(("to_manager",))
        if not self._crr_is_department_manager(self.env.user):
            raise AccessError(self.env._("Only a department manager (Sales Administrator) approves sample requests."))
        for request in self:
            request._crr_set_state(
                {"state": "to_gm", "manager_id": self.env.uid, "manager_date": fields.Datetime.now()},
                self.env._("Approved by the department manager; waiting for the general manager."),
            )
            request._crr_ask(
                request._crr_general_managers(),
                self.env._("General manager's approval of sample request %(name)s", name=request.name),
            )
        return True

    def action_approve_gm(self):
        self._crr_check_access(("to_gm",))
        for request in self:
            if not request._crr_is_general_manager(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the general manager (a member of the final approval department) approves sample "
                        "request %(name)s.",
                        name=request.name,
                    )
                )
            request._crr_set_state(
                {"state": "approved", "gm_id": self.env.uid, "gm_date": fields.Datetime.now()},
                self.env._("Approved by the general manager: the sample can be made."),
            )
        return True

    def action_refuse(self, reason=None):
        """Department manager or general manager refuse the request, with a reason."""
        self._crr_check_access(("to_manager", "to_gm"))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for refusing the sample request."))
        for request in self:
            allowed = (
                self._crr_is_department_manager(self.env.user)
                if request.state == "to_manager"
                else request._crr_is_general_manager(self.env.user)
            )
            if not allowed:
                raise AccessError(self.env._("Only the approver of this step refuses sample request %(name)s.",
                                             name=request.name))
            request._crr_set_state(
                {"state": "refused", "refused_by_id": self.env.uid, "refusal_reason": reason},
                self.env._("Sample request refused: %(reason)s", reason=reason),
            )
        return True

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Sample Request"),
            "res_model": "crr.sample.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_cancel(self):
        self._crr_check_access(("draft", "to_manager", "to_gm", "approved"))
        for request in self:
            request._crr_set_state({"state": "cancelled"}, self.env._("Sample request cancelled."))
        return True

    def _crr_round_decided(self, sample_round):
        """Called (as superuser) when the customer's verdict on a round is recorded."""
        self.ensure_one()
        if sample_round.verdict == "approved":
            self.sudo().write({"state": "accepted", "accepted_date": fields.Datetime.now()})
            orders = self.order_id.filtered(lambda o: o.state in ("draft", "sent"))
            if orders:
                orders._crr_update_sample_fact()
        elif sample_round.verdict == "rejected":
            self.sudo().write({"state": "rejected"})

    def action_preview_sample(self):
        """The sample as the customer sees it on the portal (and signs it there)."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_print_approval_form(self):
        return self.env.ref("customer_requirement_review.action_report_crr_sample_approval").report_action(self)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Sample Approval %(name)s", name=self.name)
