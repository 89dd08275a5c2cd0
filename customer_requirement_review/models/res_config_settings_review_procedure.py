from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crr_review_checklist = fields.Boolean(related="company_id.crr_review_checklist", readonly=False)
    crr_block_unverified_special = fields.Boolean(related="company_id.crr_block_unverified_special", readonly=False)
