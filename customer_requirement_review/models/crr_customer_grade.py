from odoo import fields, models


class CrrCustomerGrade(models.Model):
    """Customer grade of the customer information list (顾客信息一览表): A, B, C... with the criteria
    the company grades by (region, organisation, finances, quality and technical needs)."""

    _name = "crr.customer.grade"
    _description = "Customer Grade"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code printed on the customer information list, e.g. A.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company,
        help="Leave empty to share the grade between companies.",
    )
    criteria = fields.Text(
        translate=True,
        help="What makes a customer of this grade: region, organisation, finances (sales volume, credit), "
        "quality and technical needs.",
    )
    min_annual_sales = fields.Monetary(
        string="Minimum Yearly Sales", currency_field="currency_id",
        help="Indicative yearly sales from which a customer is given this grade (0: no minimum).",
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, required=True
    )
    visit_interval_days = fields.Integer(
        string="Visit Every (days)", default=0,
        help="How often customers of this grade are visited or called (0: no planned visits).",
    )
    color = fields.Integer()
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _code_company_uniq = models.UniqueIndex(
        "(code, COALESCE(company_id, 0)) WHERE active", "A grade code must be unique per company."
    )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group([("crr_grade_id", "in", self.ids)], ["crr_grade_id"], ["__count"])
        )
        for grade in self:
            grade.partner_count = counts.get(grade, 0)

    def _compute_display_name(self):
        for grade in self:
            grade.display_name = f"{grade.code} - {grade.name}" if grade.code and grade.name else grade.name or ""
