import ast

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class CrrReviewRule(models.Model):
    _name = "crr.review.rule"
    _description = "Requirement Review Rule"
    _inherit = ["mail.thread", "crr.config.cache.mixin", "crr.guard.mixin"]
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
        orders = self.env["sale.order"].sudo()
        # one order to evaluate the condition on in memory, as the review requests do (filtered_domain)
        sample = orders.search([], limit=1)
        for rule in self:
            value = rule._crr_parse_domain()
            try:
                Domain(value).validate(orders)
                # the condition must work as the review uses it: a search in the database and an evaluation in
                # memory; a value of the wrong type (a text compared with an amount) fails here, not at every
                # later review request of the company
                with self.env.cr.savepoint():
                    orders.search(value, limit=1)
                sample.filtered_domain(value)
            except Exception as exc:  # any problem of the condition is reported to the admin
                raise ValidationError(
                    self.env._(
                        "The condition of review rule %(rule)s cannot be used on quotations: %(error)s. "
                        "Check the field names, operators and values (a number for an amount, True or False for "
                        "a flag) in the condition editor.",
                        rule=rule.name,
                        error=exc,
                    )
                ) from exc

    # -- evaluation ------------------------------------------------------------------------------
    @api.model
    @tools.ormcache("company_id")
    def _crr_company_rules(self, company_id):
        """The company's active rules as ``(domain, contract type, active department ids)`` tuples, in order.

        Every review request evaluates them and they change rarely: cached per company, the cache is
        cleared by any change to a rule or a department (``crr.config.cache.mixin``).
        """
        rules = self.sudo().with_context(active_test=True).search([("company_id", "=", company_id)])
        return tuple(
            (
                tuple(rule._crr_parse_domain()),
                rule.contract_type or False,
                tuple(rule.department_ids.filtered("active").ids),
            )
            for rule in rules
        )

    @api.model
    def _crr_evaluate(self, orders, contract_types=None):
        """Evaluate the active rules of the orders' companies on ``orders`` (batch).

        Returns ``{order: (departments, contract_type)}``; departments is the union of the departments
        of the matching rules (a ``crr.department`` recordset sorted by sequence), contract_type
        ``special`` if any matching rule implies special, else ``regular``. ``contract_types``, if given,
        restricts the evaluation to the rules of these types (``False`` for the rules implying none).
        The rules come from the per-company cache and each rule domain is evaluated in memory
        (``filtered_domain``) on the prefetched orders: no query per rule or per order line.
        """
        orders = orders.sudo()
        found = {order: (set(), set()) for order in orders}
        for company in orders.company_id:
            company_orders = orders.filtered(lambda order, company=company: order.company_id == company)
            for domain, contract_type, department_ids in self._crr_company_rules(company.id):
                if contract_types is not None and contract_type not in contract_types:
                    continue
                matched = company_orders.filtered_domain(list(domain)) if domain else company_orders
                for order in matched:
                    found[order][0].update(department_ids)
                    if contract_type:
                        found[order][1].add(contract_type)
        departments = self.env["crr.department"].sudo().browse(
            {department_id for department_ids, _types in found.values() for department_id in department_ids}
        )
        # what a review request reads of them (a department's row is wider)
        departments.fetch(["name", "sequence", "active", "company_id", "is_final_approval"])
        return {
            order: (
                departments.filtered(lambda d, ids=ids: d.id in ids).sorted(lambda d: (d.sequence, d.id)),
                "special" if "special" in types else "regular",
            )
            for order, (ids, types) in found.items()
        }

    @api.model
    def _crr_special_departments(self, company):
        """Departments of the active rules implying a special contract (used by a type override)."""
        ids = {
            department_id
            for _domain, contract_type, department_ids in self._crr_company_rules(company.id)
            if contract_type == "special"
            for department_id in department_ids
        }
        return self.env["crr.department"].sudo().browse(sorted(ids))

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
        """Give each company its own copy of the default departments and review rules.

        Runs with the module's rights (sudo): it is called when a company is created, by any user allowed to
        create companies, who need not be a review manager. A department code or the rules a company already has
        are left alone, so that it can run again for existing companies.
        """
        companies = companies.sudo()
        Department = self.env["crr.department"].sudo()
        templates = Department.browse()
        for code in self._DEFAULT_DEPARTMENT_CODES:
            template = self.env.ref(f"customer_requirement_review.crr_department_{code}", raise_if_not_found=False)
            if template:
                templates |= template.sudo()
        rules = self.sudo().browse()
        for xmlid in self._DEFAULT_RULES:
            rule = self.env.ref(f"customer_requirement_review.{xmlid}", raise_if_not_found=False)
            if rule:
                rules |= rule.sudo()
        # a company that has rules keeps them (the install hook runs this on every existing company)
        with_rules = set(
            self.sudo().with_context(active_test=False).search([("company_id", "in", companies.ids)]).company_id.ids
        )
        for company in companies:
            existing = Department.with_context(active_test=False).search([("company_id", "=", company.id)])
            by_code = {department.code: department for department in existing}
            for template in templates:
                if template.code not in by_code:
                    by_code[template.code] = template.copy({"company_id": company.id, "user_ids": [(5, 0, 0)]})
            if company.id in with_rules:
                # the company has its rules (its own, or this function ran for it before)
                continue
            for rule in rules:
                departments = Department.browse(
                    [by_code[d.code].id for d in rule.department_ids if d.code in by_code]
                )
                rule.copy({"company_id": company.id, "department_ids": [(6, 0, departments.ids)]})
