from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class CrrWarrantyTerm(models.Model):
    """Warranty terms list (顾客保固要求一览表): the warranty of a product, of a customer, or of a product for
    a customer. The most specific term applies (customer and product, then product, then product category,
    then customer, then the company's general term)."""

    _name = "crr.warranty.term"
    _description = "Warranty Term"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True, index="btree_not_null")
    product_tmpl_id = fields.Many2one("product.template", string="Product", check_company=True)
    categ_id = fields.Many2one("product.category", string="Product Category")
    months = fields.Integer(string="Warranty (months)", required=True, default=12)
    conditions = fields.Text(
        translate=True,
        help="What the warranty covers: within it, company-caused defects are repaired or replaced free.",
    )

    _months_positive = models.Constraint("CHECK(months >= 0)", "The warranty cannot be negative.")

    @api.model
    def _crr_find(self, partner, product, company):
        """The term that applies to ``product`` sold to ``partner`` (commercial entity), or an empty record."""
        customer = partner.commercial_partner_id
        terms = self.search([
            ("company_id", "=", company.id),
            "|", ("partner_id", "=", False), ("partner_id", "=", customer.id),
            "|", ("product_tmpl_id", "=", False), ("product_tmpl_id", "=", product.product_tmpl_id.id),
        ])

        def score(term):
            if term.categ_id and f"/{term.categ_id.id}/" not in f"/{product.categ_id.parent_path or ''}":
                return -1
            return (4 if term.product_tmpl_id else 2 if term.categ_id else 0) + (1 if term.partner_id else 0)

        scored = [(score(term), -term.sequence, -term.id, term) for term in terms]
        scored = [item for item in scored if item[0] >= 0]
        return max(scored, key=lambda item: item[:3])[3] if scored else self.browse()

    def _crr_end_date(self, start):
        self.ensure_one()
        return start + relativedelta(months=self.months) if start else False
