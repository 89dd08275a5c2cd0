from odoo import fields, models


class CrrSubstanceDeclaration(models.Model):
    """The customer's environmental / restricted-substance standard (RoHS, REACH...) in the customer file,
    collected again every year: the standard, its version, when it was received and the document."""

    _name = "crr.substance.declaration"
    _description = "Customer Restricted Substance Standard"
    _inherit = ["crr.periodic.review.mixin"]
    _order = "next_review_date, id"
    _check_company_auto = True
    _crr_review_months = 12
    _crr_review_date_field = "received_date"

    name = fields.Char(string="Standard", required=True, tracking=True, help="For example RoHS 2011/65/EU.")
    version = fields.Char(tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        ondelete="restrict", domain=[("is_company", "=", True)],
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    received_date = fields.Date(string="Received On", required=True, default=fields.Date.context_today, tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "crr_substance_declaration_attachment_rel", "declaration_id", "attachment_id",
        string="Documents",
    )
    note = fields.Text()

    def _crr_review_user(self):
        return self.partner_id.commercial_partner_id.user_id or self.partner_id.user_id
