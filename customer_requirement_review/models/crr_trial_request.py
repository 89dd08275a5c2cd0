from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .crr_step_check import crr_check_step

TRIAL_STATES = [
    ("draft", "Draft"),
    ("to_gm", "Waiting General Manager"),
    ("approved", "Approved by the General Manager"),
    ("in_trial", "At the Customer"),
    ("returned", "Returned"),
    ("sold", "Bought by the Customer"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
TRIAL_CONTENT_FIELDS = {"partner_id", "product_id", "quantity", "date_start", "date_end", "purpose", "company_id"}


class CrrTrialRequest(models.Model):
    """Trial use (试用): a product given to a customer for trial use needs the general manager's consent
    before it leaves (若产品需给顾客试用, 必须经总经理同意后, 方可试用).

    The consent is a subject of the review engine: submitting opens one round asking the final approval
    department (the general manager); delivering is refused until that round is approved.
    """

    _name = "crr.trial.request"
    _description = "Trial Use Request"
    _inherit = ["crr.review.document.mixin", "crr.review.mixin", "crr.record.guard.mixin", "mail.thread",
                "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # crr.review.document.mixin
    _crr_sequence_code = "crr.trial.request"
    _crr_content_fields = TRIAL_CONTENT_FIELDS

    _crr_review_line_field = "trial_request_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "to_gm", "approved": "approved", "rejected": "refused"}

    _crr_action_fields = {
        "state": "action_submit, the general manager's approval line (action_approve_gm / action_refuse), "
        "action_deliver, action_returned, action_sold, action_cancel",
        "delivered_date": "action_deliver",
        "delivered_by_id": "action_deliver",
    }

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        domain=[("is_company", "=", True)],
    )
    product_id = fields.Many2one("product.product", required=True, tracking=True, check_company=True)
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True, tracking=True)
    date_start = fields.Date(string="Trial From", tracking=True)
    date_end = fields.Date(string="Trial Until", tracking=True)
    purpose = fields.Text(help="Why the customer tries the product, and what the trial must show.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, tracking=True, index=True,
        domain=[("share", "=", False)],
    )
    state = fields.Selection(
        TRIAL_STATES, string="Status", default="draft", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    review_line_ids = fields.One2many("crr.review.line", "trial_request_id", string="Approvals", copy=False)
    gm_id = fields.Many2one("res.users", string="Approved by General Manager", compute="_compute_approval")
    gm_date = fields.Datetime(string="GM Approved On", compute="_compute_approval")
    refused_by_id = fields.Many2one("res.users", compute="_compute_approval")
    refusal_reason = fields.Text(compute="_compute_approval")
    delivered_date = fields.Datetime(string="Left the Company On", readonly=True, copy=False)
    delivered_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    result = fields.Text(string="Trial Result", tracking=True)

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A trial request reference must be unique.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The trial quantity must be positive.")

    @api.depends("review_line_ids.state", "review_line_ids.reviewer_id")
    def _compute_approval(self):
        for trial in self:
            approved = trial.review_line_ids.filtered(lambda line: line.state in APPROVED_LINE_STATES)[:1]
            refused = trial.review_line_ids.filtered(lambda line: line.state == "rejected")[:1]
            trial.gm_id = approved.reviewer_id
            trial.gm_date = approved.decision_date
            trial.refused_by_id = refused.reviewer_id
            trial.refusal_reason = refused.opinion

    def _crr_content_locked_message(self):
        return self.env._(
            "Trial request %(name)s was submitted: what the general manager approves can no longer be "
            "edited. Cancel it and create a new request.",
            name=self.name,
        )

    def _crr_kept_message(self):
        if self.filtered(lambda r: r.state != "draft"):
            return self.env._("Submitted trial requests are kept: cancel them instead.")
        return None

    def _crr_check_access(self, states):
        crr_check_step(self, states)

    def _crr_set_state(self, vals, body):
        for trial in self:
            with crr_scope():
                trial.sudo().write(vals)
            trial.message_post(body=body, subtype_xmlid="mail.mt_note")

    # -- review engine hooks ------------------------------------------------------------------------
    def _crr_review_line_name(self, line):
        return self.env._(
            "Trial use %(request)s / %(department)s", request=self.name or "", department=line.department_id.name or ""
        )

    def _crr_review_activity_summary(self):
        return self.env._("Approve trial use %(request)s (%(customer)s)", request=self.name, customer=self.partner_id.name)

    def _crr_review_reopen_error(self, line):
        if self.state not in ("to_gm", "approved"):
            return self.env._("Trial use %(name)s has left the approval: it cannot be reopened.", name=self.name)
        return None

    def _crr_review_round_ended(self, state, lines):
        if state == "approved":
            body = self.env._("Trial use approved by the general manager: the product may leave.")
        elif state == "rejected":
            body = self.env._(
                "Trial use refused by the general manager: %(reason)s",
                reason="; ".join(filter(None, lines.mapped("opinion"))),
            )
        else:
            return
        self.sudo().message_post(body=body, partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")

    # -- actions -----------------------------------------------------------------------------------
    def action_submit(self):
        self._crr_check_access(("draft",))
        for trial in self:
            final = self.env["crr.department"].sudo().search(
                [("company_id", "=", trial.company_id.id), ("is_final_approval", "=", True)]
            )
            if not final:
                raise UserError(
                    self.env._(
                        "Company %(company)s has no final approval department (the general manager): configure "
                        "one in the review departments.",
                        company=trial.company_id.name,
                    )
                )
            trial._crr_set_state({"state": "to_gm"}, self.env._("Trial use submitted to the general manager."))
            trial.sudo()._crr_open_round(final)
        return True

    def _crr_gm_lines(self):
        self._crr_check_access(("to_gm",))
        # decided as the user: the review line checks that the user reviews for the general manager
        return self.sudo().review_line_ids.filtered(lambda line: line.state == "pending").with_env(self.env)

    def action_approve_gm(self):
        for trial in self:
            trial._crr_gm_lines().action_approve()
        return True

    def action_refuse(self, reason=None):
        reason = self.env["crr.guard.mixin"]._crr_text_arg(reason, self.env._("reason"))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for refusing the trial use."))
        for trial in self:
            trial._crr_gm_lines().action_reject(opinion=reason)
        return True

    def action_open_refuse_wizard(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Trial Use"),
            "res_model": "crr.sample.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_trial_id": self.id},
        }

    def action_deliver(self):
        """The product leaves the company for the trial: only with the general manager's approval."""
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        self.check_access("write")
        for trial in self:
            if trial.state != "approved" or not trial.sudo().review_line_ids.filtered(
                lambda line: line.state in APPROVED_LINE_STATES and line.is_final_approval
            ):
                raise UserError(
                    self.env._(
                        "%(name)s cannot leave the company: a product is given to a customer for trial use only "
                        "with the general manager's approval (submit the request and wait for it).",
                        name=trial.name,
                    )
                )
        self._crr_check_access(("approved",))
        for trial in self:
            trial._crr_set_state(
                {"state": "in_trial", "delivered_date": fields.Datetime.now(), "delivered_by_id": self.env.uid},
                self.env._("Product delivered to the customer for trial use."),
            )
        return True

    def action_returned(self):
        self._crr_check_access(("in_trial",))
        self._crr_set_state({"state": "returned"}, self.env._("Trial product returned."))
        return True

    def action_sold(self):
        self._crr_check_access(("in_trial",))
        self._crr_set_state({"state": "sold"}, self.env._("The customer buys the trial product."))
        return True

    def action_cancel(self):
        self._crr_check_access(("draft", "to_gm", "approved"))
        self._crr_set_state({"state": "cancelled"}, self.env._("Trial request cancelled."))
        for trial in self:
            trial.sudo()._crr_close_round()
        return True
