from odoo import fields, models


class ResCompany(models.Model):
    """Document control of the capability commitment (初始评审报告): its form number and revision."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crr_form_no_capability = fields.Char(string="Initial Review Report Form No.", default="QR-8.2-05")
    crr_form_rev_capability = fields.Char(string="Initial Review Report Revision", default="A")
