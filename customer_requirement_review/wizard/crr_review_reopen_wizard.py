from odoo import fields, models


class CrrReviewReopenWizard(models.TransientModel):
    _name = "crr.review.reopen.wizard"
    _description = "Reopen a Decided Review Line"
    _inherit = ["crr.guard.mixin"]

    line_id = fields.Many2one("crr.review.line", string="Review Line", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self._crr_check_single(self)
        self._crr_check_access("write")
        self.line_id.action_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
