from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .crr_sample_round import VERDICTS
from .crr_step_check import crr_check_step

SAMPLE_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for Approval"),
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
    rounds until the customer approves it (样品承认书, signed on the portal) or rejects it.

    The approval is a subject of the review engine (``crr.review.mixin``): submitting opens one round
    asking the department manager's department (Sales, or the company's first department) and the final
    approval department (the general manager, waiting until the manager approved); the decisions are the
    review lines' (``action_approve`` / ``action_reject``), with their four-eyes, substitutes and records.
    """

    _name = "crr.sample.request"
    _description = "Sample Request"
    _inherit = ["crr.review.document.mixin", "crr.review.mixin", "crr.record.guard.mixin", "portal.mixin",
                "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # crr.review.document.mixin
    _crr_sequence_code = "crr.sample.request"
    _crr_content_fields = SAMPLE_CONTENT_FIELDS

    # crr.review.mixin: one approval round per request
    _crr_review_line_field = "sample_request_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "to_approve", "approved": "approved", "rejected": "refused"}

    _crr_action_fields = {
        "state": "action_submit, then the approval lines (action_approve_manager / action_approve_gm / "
        "action_refuse), action_cancel, the customer's verdict on a sample round",
        "submitted_by_id": "action_submit",
        "submitted_date": "action_submit",
        "accepted_date": "the customer's verdict on a sample round",
    }

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
    review_line_ids = fields.One2many("crr.review.line", "sample_request_id", string="Approvals", copy=False)
    approval_step = fields.Char(compute="_compute_approvals", help="The approval step the request waits for.")
    manager_id = fields.Many2one("res.users", string="Approved by Manager", compute="_compute_approvals")
    manager_date = fields.Datetime(string="Manager Approved On", compute="_compute_approvals")
    gm_id = fields.Many2one("res.users", string="Approved by General Manager", compute="_compute_approvals")
    gm_date = fields.Datetime(string="GM Approved On", compute="_compute_approvals")
    refused_by_id = fields.Many2one("res.users", compute="_compute_approvals")
    refusal_reason = fields.Text(compute="_compute_approvals")
    accepted_date = fields.Datetime(string="Customer Approved On", readonly=True, copy=False)
    round_ids = fields.One2many("crr.sample.round", "request_id", string="Sample Rounds", copy=False)
    round_count = fields.Integer(compute="_compute_round_info")
    last_round_id = fields.Many2one("crr.sample.round", compute="_compute_round_info")
    last_verdict = fields.Selection(VERDICTS, compute="_compute_round_info")
    can_sign = fields.Boolean(compute="_compute_round_info", help="A sent round waits for the customer's verdict.")

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A sample request reference must be unique.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The sample quantity must be positive.")

    @api.depends("review_line_ids.state", "review_line_ids.reviewer_id")
    def _compute_approvals(self):
        for request in self:
            lines = request.review_line_ids
            managers = lines.filtered(lambda line: not line.is_final_approval and line.state in APPROVED_LINE_STATES)
            gms = lines.filtered(lambda line: line.is_final_approval and line.state in APPROVED_LINE_STATES)
            refused = lines.filtered(lambda line: line.state == "rejected")[:1]
            pending = lines.filtered(lambda line: line.state == "pending")
            request.manager_id = managers[:1].reviewer_id
            request.manager_date = managers[:1].decision_date
            request.gm_id = gms[:1].reviewer_id
            request.gm_date = gms[:1].decision_date
            request.refused_by_id = refused.reviewer_id
            request.refusal_reason = refused.opinion
            request.approval_step = ", ".join(pending.department_id.mapped("name")) if request.state == "to_approve" \
                else False

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

    def _crr_content_locked_message(self):
        return self.env._(
            "Sample request %(name)s was submitted: its content is what the managers approved and can "
            "no longer be edited. Cancel it and create a new request.",
            name=self.name,
        )

    def _crr_kept_message(self):
        if self.filtered(lambda r: r.state != "draft" or r.round_ids):
            return self.env._("Submitted sample requests are kept: cancel them instead.")
        return None

    # -- review engine hooks --------------------------------------------------------------------------
    def _crr_review_line_name(self, line):
        return self.env._(
            "Sample %(request)s / %(department)s", request=self.name or "", department=line.department_id.name or ""
        )

    def _crr_review_activity_summary(self):
        return self.env._(
            "Approve sample request %(request)s (%(customer)s)", request=self.name, customer=self.partner_id.name
        )

    def _crr_review_reopen_error(self, line):
        if self.state != "to_approve":
            return self.env._("The approval of sample request %(name)s is closed.", name=self.name)
        return None

    def _crr_review_round_ended(self, state, lines):
        requester = self.submitted_by_id.partner_id | self.user_id.partner_id
        if state == "approved":
            body = self.env._("Approved by the department manager and the general manager: the sample can be made.")
        elif state == "rejected":
            refused = lines.filtered(lambda line: line.state == "rejected")
            body = self.env._(
                "Sample request refused by %(departments)s: %(reasons)s",
                departments=", ".join(refused.department_id.mapped("name")),
                reasons="; ".join(filter(None, refused.mapped("opinion"))),
            )
        else:
            return
        self.sudo().message_post(body=body, partner_ids=requester.ids, subtype_xmlid="mail.mt_comment")

    # -- approvers ---------------------------------------------------------------------------------
    def _crr_approval_departments(self):
        """The department manager's department (Sales, else the company's first department) and the
        final approval departments (the general manager)."""
        self.ensure_one()
        Department = self.env["crr.department"].sudo()
        company = [("company_id", "=", self.company_id.id)]
        manager = Department.search([*company, ("code", "=", "sales")], limit=1) or Department.search(
            [*company, ("is_final_approval", "=", False)], order="sequence, id", limit=1
        )
        final = Department.search([*company, ("is_final_approval", "=", True)])
        if not final:
            raise UserError(
                self.env._(
                    "Company %(company)s has no final approval department (the general manager): configure "
                    "one in the review departments.",
                    company=self.company_id.name,
                )
            )
        return manager | final

    def _crr_check_access(self, states):
        crr_check_step(self, states)

    def _crr_step_lines(self, final):
        """The pending approval lines of the step (the general manager's with ``final``)."""
        self._crr_check_access(("to_approve",))
        lines = self.sudo().review_line_ids.filtered(
            lambda line: line.state in ("pending", "waiting") and line.is_final_approval == final
        )
        if not lines or any(line.state == "waiting" for line in lines):
            raise UserError(
                self.env._("Sample request %(name)s does not wait for this approval.", name=self[:1].name)
            )
        # decided as the user: the review line checks that the user reviews for the department
        return lines.with_env(self.env)

    # -- actions -----------------------------------------------------------------------------------
    def action_submit(self):
        self._crr_check_access(("draft",))
        for request in self:
            departments = request._crr_approval_departments()
            with crr_scope():
                request.sudo().write(
                    {"state": "to_approve", "submitted_by_id": self.env.uid, "submitted_date": fields.Datetime.now()}
                )
            request.sudo()._crr_open_round(departments)
            request.message_post(
                body=self.env._(
                    "Sample request submitted for approval: %(departments)s.",
                    departments=", ".join(departments.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_approve(self):
        """Approve the step the request waits for (the department manager's, then the general manager's)."""
        for request in self:
            pending = request.sudo().review_line_ids.filtered(lambda line: line.state == "pending")
            if pending and all(line.is_final_approval for line in pending):
                request.action_approve_gm()
            else:
                request.action_approve_manager()
        return True

    def action_approve_manager(self):
        """The department manager approves (the review line of the manager's department)."""
        for request in self:
            request._crr_step_lines(final=False).action_approve()
        return True

    def action_approve_gm(self):
        """The general manager approves (the final approval line, open once the manager approved)."""
        for request in self:
            request._crr_step_lines(final=True).action_approve()
        return True

    def action_refuse(self, reason=None):
        """The approver of the current step refuses the request, with a reason."""
        reason = self.env["crr.guard.mixin"]._crr_text_arg(reason, self.env._("reason"))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for refusing the sample request."))
        for request in self:
            request._crr_check_access(("to_approve",))
            lines = request.sudo().review_line_ids.filtered(lambda line: line.state == "pending")
            lines.with_env(self.env)[:1].action_reject(opinion=reason)
        return True

    def action_open_refuse_wizard(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Sample Request"),
            "res_model": "crr.sample.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_cancel(self):
        self._crr_check_access(("draft", "to_approve", "approved"))
        for request in self:
            with crr_scope():
                request.sudo().write({"state": "cancelled"})
            request.sudo()._crr_close_round()
            request.message_post(body=self.env._("Sample request cancelled."), subtype_xmlid="mail.mt_note")
        return True

    def _crr_round_decided(self, sample_round):
        """Called (as superuser) when the customer's verdict on a round is recorded."""
        self.ensure_one()
        if sample_round.verdict == "approved":
            with crr_scope():
                self.sudo().write({"state": "accepted", "accepted_date": fields.Datetime.now()})
            orders = self.order_id.filtered(lambda o: o.state in ("draft", "sent"))
            if orders:
                orders._crr_update_sample_fact()
        elif sample_round.verdict == "rejected":
            with crr_scope():
                self.sudo().write({"state": "rejected"})

    def action_preview_sample(self):
        """The sample as the customer sees it on the portal (and signs it there)."""
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_print_approval_form(self):
        return self.env.ref("customer_requirement_review.action_report_crr_sample_approval").report_action(self)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Sample Approval %(name)s", name=self.name)
