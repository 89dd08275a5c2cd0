from odoo import api, fields, models, tools


class CrrRequirementTemplate(models.Model):
    _name = "crr.requirement.template"
    _description = "Customer Requirement Template"
    _inherit = ["mail.thread", "crr.config.cache.mixin", "crr.guard.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        check_company=True,
        tracking=True,
        help="Customer special requirements: applied to this customer's quotations (and its contacts').",
    )
    product_category_id = fields.Many2one(
        "product.category",
        index=True,
        tracking=True,
        help="Applied to quotations selling a product of this category or of one of its subcategories.",
    )
    line_ids = fields.One2many("crr.requirement.template.line", "template_id", string="Requirements", copy=True)
    note = fields.Text(translate=True)

    @api.model
    @tools.ormcache("company_id")
    def _crr_company_template_ids(self, company_id):
        """Ids of the company's active templates, in order (read at each review request, cached per
        company; any change to a template clears the cache: ``crr.config.cache.mixin``)."""
        return tuple(self.sudo().with_context(active_test=True).search([("company_id", "=", company_id)]).ids)

    @api.model
    def _crr_matching(self, order):
        """Active templates of the order's company matching its customer or product categories.

        A template with neither a customer nor a category applies to every quotation.
        """
        templates = self.sudo().browse(self._crr_company_template_ids(order.company_id.id))
        if not templates:
            return self.browse()
        partner = order.partner_id.commercial_partner_id
        # the order lines' categories are read only when a template filters on a category
        categories = order.order_line.product_id.categ_id if templates.product_category_id else None
        result = self.browse()
        for template in templates:
            if template.partner_id and template.partner_id.commercial_partner_id != partner:
                continue
            if template.product_category_id and not any(
                category.parent_path.startswith(template.product_category_id.parent_path) for category in categories
            ):
                continue
            result |= template
        return result
