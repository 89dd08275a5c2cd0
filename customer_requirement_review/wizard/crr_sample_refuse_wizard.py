from odoo import fields, models


class CrrSampleRefuseWizard(models.TransientModel):
    _name = "crr.sample.refuse.wizard"
    _description = "Refuse a Sample or Trial Request"

    request_id = fields.Many2one("crr.sample.request")
    trial_id = fields.Many2one("crr.trial.request")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        if self.trial_id:
            return self.trial_id.action_refuse(self.reason)
        return self.request_id.action_refuse(self.reason)
