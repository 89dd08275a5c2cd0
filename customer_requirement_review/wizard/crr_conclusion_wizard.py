from odoo import fields, models

from ..models.sale_order_conclusion import CONCLUSIONS


class CrrConclusionWizard(models.TransientModel):
    _name = "crr.conclusion.wizard"
    _description = "Conclude the Review of an Order"
    _inherit = ["crr.guard.mixin"]

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    review_state = fields.Selection(related="order_id.review_state")
    conclusion = fields.Selection(CONCLUSIONS, required=True, default="accept")
    special_measures = fields.Text(help="What the company must do to meet the customer's special terms.")
    reason = fields.Text(string="Decline Reason", help="Told to the customer in the letter.")

    def action_confirm(self):
        self._crr_check_single(self)
        self._crr_check_access("write")
        if self.conclusion == "decline":
            return self.order_id.action_crr_decline(self.reason or "")
        self.order_id.action_crr_conclude(self.conclusion, self.special_measures or None)
        return {"type": "ir.actions.act_window_close"}
