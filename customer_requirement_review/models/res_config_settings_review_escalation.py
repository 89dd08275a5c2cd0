from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crr_escalation_days = fields.Integer(related="company_id.crr_escalation_days", readonly=False)
