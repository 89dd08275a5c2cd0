from odoo import fields, models


class CrrContractTypeWizard(models.TransientModel):
    _name = "crr.contract.type.wizard"
    _description = "Override the Contract Type of an Order"
    _inherit = ["crr.guard.mixin"]

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    contract_type = fields.Selection(
        [("regular", "Regular Contract"), ("special", "Special Contract")], required=True, default="special"
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self._crr_check_single(self)
        self._crr_check_access("write")
        self.order_id.action_override_contract_type(self.contract_type, self.reason)
        return {"type": "ir.actions.act_window_close"}
