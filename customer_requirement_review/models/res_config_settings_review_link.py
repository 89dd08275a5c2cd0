from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crr_review_link_days = fields.Integer(related="company_id.crr_review_link_days", readonly=False)
