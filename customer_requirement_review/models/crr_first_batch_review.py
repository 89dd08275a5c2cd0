from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .crr_step_check import crr_check_step

FIRST_BATCH_STATES = [
    ("open", "To Review"),
    ("passed", "Passed"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CrrFirstBatchReview(models.Model):
    """First-batch supply review (新开发改型新顾客首批供货评审): the first supply of a newly developed or
    modified product, or to a new customer, is reviewed when it is supplied. Opened at the first delivery
    when the Inventory bridge is installed, otherwise when the order is confirmed."""

    _name = "crr.first.batch.review"
    _description = "First-Batch Supply Review"
    _inherit = ["crr.review.document.mixin", "crr.review.mixin", "crr.record.guard.mixin", "mail.thread",
                "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # crr.review.document.mixin
    _crr_sequence_code = "crr.first.batch.review"

    # crr.review.mixin: one round asking the reviewing department (Quality by default)
    _crr_review_line_field = "first_batch_review_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "open", "approved": "passed", "rejected": "failed"}

    _crr_action_fields = {
        "state": "the review line of the department (action_pass / action_fail), action_cancel",
    }

    order_id = fields.Many2one(
        "sale.order", string="Sales Order", required=True, index=True, ondelete="restrict", check_company=True
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer", index=True)
    product_ids = fields.Many2many(
        "product.product", "crr_first_batch_review_product_rel", "review_id", "product_id", string="Products",
        help="The products supplied for the first time to this customer.",
    )
    reason = fields.Selection(
        [("new_product", "New Product for the Customer"), ("new_customer", "New Customer"),
         ("modified_product", "Modified Product")],
        required=True, default="new_product",
    )
    department_id = fields.Many2one(
        "crr.department", string="Reviewing Department", check_company=True,
        help="The department that reviews the first batch (Quality by default).",
    )
    state = fields.Selection(
        FIRST_BATCH_STATES, string="Status", default="open", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    inspection_result = fields.Text(help="Inspection of the first batch before and at delivery.")
    customer_feedback = fields.Text(help="The customer's feedback on the first batch.")
    conclusion = fields.Text(tracking=True)
    review_line_ids = fields.One2many("crr.review.line", "first_batch_review_id", string="Review Lines", copy=False)
    reviewer_id = fields.Many2one("res.users", compute="_compute_reviewer")
    review_date = fields.Datetime(compute="_compute_reviewer")

    @api.depends("review_line_ids.state")
    def _compute_reviewer(self):
        for review in self:
            decided = review.review_line_ids.filtered(lambda line: line.state in (*APPROVED_LINE_STATES, "rejected"))[:1]
            review.reviewer_id = decided.reviewer_id
            review.review_date = decided.decision_date

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)  # named by crr.review.document.mixin
        line_vals = []
        for record in records.sudo():
            if record.department_id:
                line_vals += record._crr_round_line_vals(record.department_id)
        # one round per review, the lines of all of them created at once
        self.sudo()._crr_create_round_lines(line_vals)
        return records

    def _crr_kept_message(self):
        return self.env._("First-batch supply reviews are kept: cancel them instead.") if self else None

    # -- review engine hooks --------------------------------------------------------------------------
    def _crr_review_line_name(self, line):
        return self.env._(
            "First batch %(review)s / %(department)s", review=self.name or "", department=line.department_id.name or ""
        )

    def _crr_review_activity_summary(self):
        return self.env._("First-batch supply review of %(order)s", order=self.order_id.name)

    def _crr_review_check_approval(self, line, completes_round):
        if not (self.conclusion or "").strip():
            raise UserError(self.env._("Write the conclusion of %(name)s first.", name=self.name))

    def _crr_review_reopen_error(self, line):
        if self.state == "cancelled":
            return self.env._("%(name)s is cancelled.", name=self.name)
        return None

    # -- actions -----------------------------------------------------------------------------------
    def _crr_my_lines(self):
        crr_check_step(self, ("open",))
        # decided as the user: the review line checks that the user reviews for the department
        return self.sudo().review_line_ids.filtered(lambda line: line.state == "pending").with_env(self.env)

    def action_pass(self):
        self._crr_my_lines().action_approve()
        return True

    def action_fail(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        for review in self:
            if not (review.conclusion or "").strip():
                raise UserError(self.env._("Write the conclusion of %(name)s first.", name=review.name))
            review._crr_my_lines().action_reject(opinion=review.conclusion)
        return True

    def action_cancel(self):
        lines = self._crr_my_lines()
        if not self.env.user.has_group("customer_requirement_review.group_crr_manager"):
            raise AccessError(self.env._("Only review managers cancel a first-batch supply review."))
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        for review in self:
            review.sudo()._crr_close_round(lines.sudo().filtered(lambda line, r=review: line.first_batch_review_id == r))
        return True
