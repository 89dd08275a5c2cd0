from odoo import fields, models


class CrrReviewDecisionWizard(models.TransientModel):
    _name = "crr.review.decision.wizard"
    _description = "Review Decision (approve with conditions or reject)"
    _inherit = ["crr.guard.mixin"]

    line_id = fields.Many2one("crr.review.line", string="Review Line", required=True, ondelete="cascade")
    decision = fields.Selection(
        [("approved", "Approve with Conditions"), ("rejected", "Reject")], required=True, default="approved"
    )
    opinion = fields.Text(required=True, help="Your opinion: why you reject, or what the conditions address.")
    conditions = fields.Text(help="Conditions attached to the approval (e.g. prepayment, delivery by air).")

    def action_confirm(self):
        self._crr_check_single(self)
        self._crr_check_access("write")
        if self.decision == "rejected":
            self.line_id.action_reject(opinion=self.opinion)
        else:
            self.line_id.action_approve_with_conditions(opinion=self.opinion, conditions=self.conditions or "")
        return {"type": "ir.actions.act_window_close"}
