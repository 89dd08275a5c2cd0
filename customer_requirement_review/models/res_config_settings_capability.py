from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crr_form_no_capability = fields.Char(related="company_id.crr_form_no_capability", readonly=False)
    crr_form_rev_capability = fields.Char(related="company_id.crr_form_rev_capability", readonly=False)
