from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crr_on_time_target = fields.Float(related="company_id.crr_on_time_target", readonly=False)
    crr_countermeasure_days = fields.Integer(related="company_id.crr_countermeasure_days", readonly=False)
