from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .crr_step_check import crr_check_step

PROPOSAL_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# the content of the proposal, fixed once submitted (the general manager approves it)
PROPOSAL_CONTENT_FIELDS = {"order_id", "partner_id", "scope", "estimated_amount", "company_id", "planned_start_date",
                           "planned_end_date", "feasibility"}


class CrrProjectProposal(models.Model):
    """Project proposal (立项建议书) of a tender or a project order: drawn up by sales, approved by the general
    manager, who names the project manager (提交总经理批准并任命项目经理).

    The approval is a subject of the review engine (``crr.review.mixin``): submitting opens one round asking
    the final approval department (the general manager); approving requires the project manager, named by
    the general manager with the approval (``action_approve(project_manager_id)``).
    """

    _name = "crr.project.proposal"
    _description = "Project Proposal"
    _inherit = ["crr.review.document.mixin", "crr.review.mixin", "crr.record.guard.mixin", "crr.guard.mixin",
                "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # crr.review.document.mixin
    _crr_sequence_code = "crr.project.proposal"
    _crr_content_fields = PROPOSAL_CONTENT_FIELDS

    # crr.review.mixin: one approval round per proposal
    _crr_review_line_field = "project_proposal_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "to_approve", "approved": "approved", "rejected": "rejected"}

    _crr_action_fields = {
        "state": "action_submit, action_approve / action_reject (the general manager's review line), action_cancel",
        "project_manager_id": "action_approve (the general manager names the project manager when approving)",
        "submitted_by_id": "action_submit",
        "submitted_date": "action_submit",
    }

    title = fields.Char(string="Project", required=True, tracking=True)
    order_id = fields.Many2one(
        "sale.order", string="Tender / Quotation", index="btree_not_null", ondelete="restrict", tracking=True,
        check_company=True, domain="[('partner_id', 'child_of', partner_id)]",
        help="The tender or quotation of the project.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
    )
    scope = fields.Text(string="Project Scope", help="What the project delivers: products, services, milestones.")
    feasibility = fields.Text(
        string="Feasibility Analysis", help="Summary of the project feasibility analysis (项目可行性分析报告)."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    estimated_amount = fields.Monetary(currency_field="currency_id", tracking=True)
    planned_start_date = fields.Date(string="Planned Start", tracking=True)
    planned_end_date = fields.Date(string="Planned End", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Proposed By", default=lambda self: self.env.user, tracking=True, index=True,
        domain=[("share", "=", False)],
    )
    project_manager_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True, index="btree_not_null",
        help="Named by the general manager when approving the proposal.",
    )
    state = fields.Selection(
        PROPOSAL_STATES, string="Status", default="draft", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    review_line_ids = fields.One2many("crr.review.line", "project_proposal_id", string="Approvals", copy=False)
    approved_by_id = fields.Many2one("res.users", compute="_compute_approval")
    approved_date = fields.Datetime(string="Approved On", compute="_compute_approval")
    rejection_reason = fields.Text(compute="_compute_approval")

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A project proposal reference must be unique.")
    _amount_positive = models.Constraint(
        "CHECK(estimated_amount >= 0)", "The estimated amount of a project proposal cannot be negative."
    )

    @api.depends("review_line_ids.state", "review_line_ids.reviewer_id")
    def _compute_approval(self):
        for proposal in self:
            lines = proposal.review_line_ids
            approved = lines.filtered(lambda line: line.is_final_approval and line.state in APPROVED_LINE_STATES)[-1:]
            rejected = lines.filtered(lambda line: line.state == "rejected")[-1:]
            proposal.approved_by_id = approved.reviewer_id
            proposal.approved_date = approved.decision_date
            proposal.rejection_reason = rejected.opinion

    @api.constrains("order_id", "partner_id")
    def _check_order_customer(self):
        for proposal in self.filtered("order_id"):
            if proposal.order_id.partner_id.commercial_partner_id != proposal.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._("The quotation %(order)s is not the customer's.", order=proposal.order_id.name)
                )

    @api.constrains("planned_start_date", "planned_end_date")
    def _check_dates(self):
        for proposal in self:
            if proposal.planned_start_date and proposal.planned_end_date \
                    and proposal.planned_end_date < proposal.planned_start_date:
                raise ValidationError(
                    self.env._("The planned end of %(name)s is before its planned start.", name=proposal.name)
                )

    @api.onchange("order_id")
    def _onchange_order_id(self):
        for proposal in self.filtered("order_id"):
            proposal.partner_id = proposal.order_id.partner_id.commercial_partner_id
            proposal.estimated_amount = proposal.order_id.amount_untaxed
            proposal.title = proposal.title or proposal.order_id.name

    def write(self, vals):
        self._crr_check_write(vals)
        return super().write(vals)

    def _crr_content_locked_message(self):
        return self.env._(
            "Project proposal %(name)s was submitted: its content is what the general manager approves "
            "and can no longer be edited. Cancel it and create a new proposal.",
            name=self.name,
        )

    def _crr_kept_message(self):
        if self.filtered(lambda r: r.state != "draft" or r.review_line_ids):
            return self.env._("Submitted project proposals are kept: cancel them instead.")
        return None

    # -- review engine hooks ---------------------------------------------------------------------------
    def _crr_review_line_name(self, line):
        return self.env._(
            "Project proposal %(proposal)s / %(department)s", proposal=self.name or "",
            department=line.department_id.name or "",
        )

    def _crr_review_activity_summary(self):
        return self.env._(
            "Approve project proposal %(proposal)s (%(customer)s) and name the project manager",
            proposal=self.name, customer=self.partner_id.name,
        )

    def _crr_review_check_approval(self, line, completes_round):
        if line.is_final_approval and not self.project_manager_id:
            raise UserError(
                self.env._(
                    "Name the project manager of %(name)s to approve it: use Approve on the project proposal.",
                    name=self.name,
                )
            )

    def _crr_review_reopen_error(self, line):
        if self.state != "to_approve":
            return self.env._("The approval of project proposal %(name)s is closed.", name=self.name)
        return None

    def _crr_review_round_ended(self, state, lines):
        partners = self.submitted_by_id.partner_id | self.user_id.partner_id
        if state == "approved":
            partners |= self.project_manager_id.partner_id
            body = self.env._(
                "Project approved by the general manager; project manager: %(manager)s.",
                manager=self.project_manager_id.name,
            )
        elif state == "rejected":
            body = self.env._(
                "Project proposal rejected: %(reasons)s",
                reasons="; ".join(filter(None, lines.filtered(lambda line: line.state == "rejected").mapped("opinion"))),
            )
        else:
            return
        self.sudo().message_post(body=body, partner_ids=partners.ids, subtype_xmlid="mail.mt_comment")

    # -- approvers -------------------------------------------------------------------------------------
    def _crr_approval_departments(self):
        """The final approval departments (the general manager) of the proposal's company."""
        self.ensure_one()
        final = self.env["crr.department"].sudo().search(
            [("company_id", "=", self.company_id.id), ("is_final_approval", "=", True)]
        )
        if not final:
            raise UserError(
                self.env._(
                    "Company %(company)s has no final approval department (the general manager): configure "
                    "one in the review departments.",
                    company=self.company_id.name,
                )
            )
        return final

    def _crr_pending_lines(self):
        """The pending approval lines, decided as the user (the review line checks who may decide)."""
        crr_check_step(self, ("to_approve",))
        lines = self.sudo().review_line_ids.filtered(lambda line: line.state == "pending")
        if not lines:
            raise UserError(self.env._("Project proposal %(name)s waits for no approval.", name=self[:1].name))
        return lines.with_env(self.env)

    # -- actions ---------------------------------------------------------------------------------------
    def action_submit(self):
        crr_check_step(self, ("draft",))
        for proposal in self:
            if not (proposal.scope or "").strip():
                raise UserError(self.env._("Describe the scope of project proposal %(name)s.", name=proposal.name))
        for proposal in self:
            departments = proposal._crr_approval_departments()
            with crr_scope():
                proposal.sudo().write(
                    {"state": "to_approve", "submitted_by_id": self.env.uid, "submitted_date": fields.Datetime.now()}
                )
            proposal.sudo()._crr_open_round(departments)
            proposal.message_post(
                body=self.env._(
                    "Project proposal submitted for approval: %(departments)s.",
                    departments=", ".join(departments.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_approve(self, project_manager_id=None, opinion=None):
        """The general manager approves the proposal and names its project manager (required)."""
        self._crr_check_single(self)
        lines = self._crr_pending_lines()
        self._crr_text_arg(opinion, self.env._("opinion"))
        if isinstance(project_manager_id, models.BaseModel):
            project_manager_id = project_manager_id.id
        if project_manager_id in (None, False):
            manager = self.project_manager_id
        elif isinstance(project_manager_id, int) and not isinstance(project_manager_id, bool):
            manager = self.env["res.users"].sudo().browse(project_manager_id).exists()
            if not manager:
                raise ValidationError(self.env._("The project manager %(id)s does not exist.", id=project_manager_id))
        else:
            raise ValidationError(
                self.env._("Give the project manager as the id of a user (got %(value)s).",
                           value=self._crr_short(project_manager_id))
            )
        if not manager:
            raise UserError(self.env._("Name the project manager of %(name)s to approve it.", name=self.name))
        if manager.share or self.company_id not in manager.company_ids:
            raise ValidationError(
                self.env._(
                    "%(user)s cannot manage the project: choose an internal user of %(company)s.",
                    user=manager.name, company=self.company_id.name,
                )
            )
        lines._crr_check_decider(opinion=opinion)
        if not self.env.su and not all(line.can_decide for line in lines):
            # the line's own check says why (department, four-eyes), before anything is written
            lines.sudo()._crr_check_decision("approved")
        with crr_scope():
            self.sudo().write({"project_manager_id": manager.id})
        lines.action_approve(opinion=opinion)
        return True

    def action_reject(self, reason=None):
        """The general manager rejects the proposal, with a reason."""
        self._crr_text_arg(reason, self.env._("reason"), required=True)
        for proposal in self:
            proposal._crr_pending_lines()[:1].action_reject(opinion=reason)
        return True

    def action_cancel(self):
        crr_check_step(self, ("draft", "to_approve"))
        for proposal in self:
            with crr_scope():
                proposal.sudo().write({"state": "cancelled"})
            proposal.sudo()._crr_close_round()
            proposal.message_post(body=self.env._("Project proposal cancelled."), subtype_xmlid="mail.mt_note")
        return True

    def action_open_approve_wizard(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Project Proposal"),
            "res_model": "crr.project.proposal.approve.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_proposal_id": self.id},
        }

    def action_open_order(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {"type": "ir.actions.act_window", "res_model": "sale.order", "res_id": self.order_id.id,
                "view_mode": "form"}

    def action_print(self):
        self._crr_check_access("read")
        return self.env.ref("customer_requirement_review.action_report_crr_project_proposal").report_action(self)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Project Proposal %(name)s", name=self.name)
