import ast

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class CrrReviewRule(models.Model):
    _name = "crr.review.rule"
    _description = "Requirement Review Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    domain = fields.Char(
        string="Condition",
        required=True,
        default="[]",
        tracking=True,
        help="Orders matching this condition need the departments of the rule. An empty condition "
        "matches every order. The review helper fields of the quotation (new product, first order, "
        "margin percent, everything in stock, payment term days, large order, low margin, long payment) "
        "are computed when the review is requested.",
    )
    department_ids = fields.Many2many(
        "crr.department",
        "crr_review_rule_department_rel",
        "rule_id",
        "department_id",
        string="Required Departments",
        check_company=True,
        help="Departments that must review an order matching this rule. Matching rules add up.",
    )
    contract_type = fields.Selection(
        [("regular", "Regular Contract"), ("special", "Special Contract")],
        tracking=True,
        help="Contract type implied by this rule. When several rules match, special wins over regular; "
        "an order that no rule classifies is regular.",
    )
    description = fields.Text(translate=True)

    # -- validation ------------------------------------------------------------------------------
    def _crr_parse_domain(self):
        """Return the rule's domain as a list, or raise a ValidationError saying what is wrong."""
        self.ensure_one()
        text = (self.domain or "").strip() or "[]"
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise ValidationError(
                self.env._(
                    "The condition of review rule %(rule)s is not a valid domain: %(error)s. "
                    "Edit it with the condition editor, e.g. [('amount_untaxed', '>=', 10000)].",
                    rule=self.name,
                    error=exc,
                )
            ) from exc
        if not isinstance(value, list | tuple):
            raise ValidationError(
                self.env._(
                    "The condition of review rule %(rule)s must be a list of conditions, e.g. "
                    "[('crr_is_first_order', '=', True)].",
                    rule=self.name,
                )
            )
        return list(value)

    @api.constrains("domain")
    def _check_domain(self):
        orders = self.env["sale.order"]
        for rule in self:
            value = rule._crr_parse_domain()
            try:
                Domain(value).validate(orders)
            except Exception as exc:  # any parsing problem is reported to the admin
                raise ValidationError(
                    self.env._(
                        "The condition of review rule %(rule)s cannot be used on quotations: %(error)s. "
                        "Check the field names and operators in the condition editor.",
                        rule=rule.name,
                        error=exc,
                    )
                ) from exc

    # -- evaluation ------------------------------------------------------------------------------
    @api.model
    def _crr_evaluate(self, orders):
        """Evaluate the active rules of the orders' companies on ``orders`` (batch).

        Returns ``{order: (departments, contract_type)}``; departments is the union of the departments
        of the matching rules (a ``crr.department`` recordset), contract_type ``special`` if any matching
        rule implies special, else ``regular``. Rules are read once and each rule domain is evaluated
        in memory (``filtered_domain``) on the prefetched orders: no query per rule or per order line.
        """
        orders = orders.sudo()
        rules = self.sudo().search([("company_id", "in", orders.company_id.ids)])
        rules.department_ids  # noqa: B018 - prefetch the departments of every rule at once
        result = {order: [self.env["crr.department"].sudo(), set()] for order in orders}
        for rule in rules:
            candidates = orders.filtered(lambda order, rule=rule: order.company_id == rule.company_id)
            domain = rule._crr_parse_domain()
            matched = candidates.filtered_domain(domain) if domain else candidates
            for order in matched:
                result[order][0] |= rule.department_ids.filtered("active")
                if rule.contract_type:
                    result[order][1].add(rule.contract_type)
        return {
            order: (departments.sorted(lambda d: (d.sequence, d.id)), "special" if "special" in types else "regular")
            for order, (departments, types) in result.items()
        }

    @api.model
    def _crr_special_departments(self, company):
        """Departments of the active rules implying a special contract (used by a type override)."""
        rules = self.sudo().search([("company_id", "=", company.id), ("contract_type", "=", "special")])
        return rules.department_ids.filtered("active")

    # -- new companies ---------------------------------------------------------------------------
    _DEFAULT_DEPARTMENT_CODES = (
        "sales", "technical", "quality", "production", "procurement", "logistics", "finance", "general_manager",
    )
    _DEFAULT_RULES = (
        "crr_review_rule_every_order",
        "crr_review_rule_regular_in_stock",
        "crr_review_rule_regular_not_in_stock",
        "crr_review_rule_special",
    )

    @api.model
    def _crr_setup_companies(self, companies):
        """Give each company its own copy of the default departments and review rules."""
        Department = self.env["crr.department"].sudo()
        templates = Department.browse()
        for code in self._DEFAULT_DEPARTMENT_CODES:
            template = self.env.ref(f"customer_requirement_review.crr_department_{code}", raise_if_not_found=False)
            if template:
                templates |= template.sudo()
        rules = self.browse()
        for xmlid in self._DEFAULT_RULES:
            rule = self.env.ref(f"customer_requirement_review.{xmlid}", raise_if_not_found=False)
            if rule:
                rules |= rule.sudo()
        for company in companies:
            existing = Department.with_context(active_test=False).search([("company_id", "=", company.id)])
            by_code = {department.code: department for department in existing}
            for template in templates:
                if template.code not in by_code:
                    by_code[template.code] = template.copy({"company_id": company.id, "user_ids": [(5, 0, 0)]})
            for rule in rules:
                if rule.company_id == company:
                    continue
                departments = Department.browse(
                    [by_code[d.code].id for d in rule.department_ids if d.code in by_code]
                )
                rule.copy({"company_id": company.id, "department_ids": [(6, 0, departments.ids)]})
