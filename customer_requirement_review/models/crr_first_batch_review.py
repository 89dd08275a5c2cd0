from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

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
    _inherit = ["crr.action.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _crr_action_fields = {
        "state": "Passed / Failed / Cancel",
        "reviewer_id": "Passed / Failed",
        "review_date": "Passed / Failed",
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
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
    reviewer_id = fields.Many2one("res.users", readonly=True, copy=False)
    review_date = fields.Datetime(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for record in records.sudo():
            sequence = self.env["ir.sequence"].with_company(record.company_id).next_by_code("crr.first.batch.review")
            record.name = sequence or record.name
            for user in record.department_id.user_ids:
                record.activity_schedule(
                    activity_type_id=todo.id if todo else False,
                    summary=self.env._("First-batch supply review of %(order)s", order=record.order_id.name),
                    user_id=user.id,
                )
        return records

    @api.ondelete(at_uninstall=False)
    def _unlink_except_kept(self):
        if self:
            raise UserError(self.env._("First-batch supply reviews are kept: cancel them instead."))

    def _crr_decide(self, state):
        self.check_access("write")
        for review in self:
            if review.company_id not in self.env.companies:
                raise AccessError(self.env._("%(name)s belongs to another company.", name=review.name))
            if review.state != "open":
                raise UserError(self.env._("%(name)s is already decided.", name=review.name))
            reviewers = review.department_id.user_ids
            if reviewers and self.env.user not in reviewers and not self.env.user.has_group(
                "customer_requirement_review.group_crr_manager"
            ):
                raise AccessError(
                    self.env._("Only the reviewers of %(department)s decide %(name)s.",
                               department=review.department_id.name, name=review.name)
                )
            if state in ("passed", "failed") and not (review.conclusion or "").strip():
                raise UserError(self.env._("Write the conclusion of %(name)s first.", name=review.name))
        for review in self:
            review.sudo().write({"state": state, "reviewer_id": self.env.uid, "review_date": fields.Datetime.now()})
            review.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_pass(self):
        return self._crr_decide("passed")

    def action_fail(self):
        return self._crr_decide("failed")

    def action_cancel(self):
        return self._crr_decide("cancelled")
