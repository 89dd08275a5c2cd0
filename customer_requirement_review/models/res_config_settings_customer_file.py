from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crr_sample_required = fields.Boolean(related="company_id.crr_sample_required", readonly=False)
    crr_first_batch_review = fields.Boolean(related="company_id.crr_first_batch_review", readonly=False)
