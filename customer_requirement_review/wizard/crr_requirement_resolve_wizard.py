from odoo import fields, models


class CrrRequirementResolveWizard(models.TransientModel):
    _name = "crr.requirement.resolve.wizard"
    _description = "Resolve a Deviation"
    _inherit = ["crr.guard.mixin"]

    requirement_id = fields.Many2one("crr.requirement", required=True, ondelete="cascade")
    name = fields.Char(related="requirement_id.name", string="Customer Requirement")
    response_note = fields.Text(related="requirement_id.response_note")
    resolution = fields.Text(string="Deficiency Resolution", required=True)

    def action_confirm(self):
        self._crr_check_single(self)
        self._crr_check_access("write")
        self.requirement_id.action_crr_resolve(self.resolution)
        return {"type": "ir.actions.act_window_close"}
