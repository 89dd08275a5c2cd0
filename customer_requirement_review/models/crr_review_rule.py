import ast

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.fields import Command, Domain


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
    step_ids = fields.One2many(
        "crr.review.rule.step",
        "rule_id",
        string="Steps",
        copy=True,
        help="The order in which the departments of the rule review: a step opens when every department of the "
        "previous steps has approved; departments sharing a step review in parallel. A department without a "
        "step reviews in step 1; the final approval (general manager) is always the last step. When several "
        "matching rules require a department, the rules of the order's contract type decide its step.",
    )
    contract_type = fields.Selection(
        [("regular", "Regular Contract"), ("special", "Special Contract")],
        tracking=True,
        help="Contract type implied by this rule. When several rules match, special wins over regular; "
        "an order that no rule classifies is regular.",
    )
    description = fields.Text(translate=True)

    # -- steps ------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._crr_sync_steps(steps_changed=True, departments_changed=True)
        return rules

    def write(self, vals):
        result = super().write(vals)
        if "step_ids" in vals or "department_ids" in vals:
            self._crr_sync_steps(steps_changed="step_ids" in vals, departments_changed="department_ids" in vals)
        return result

    def _crr_sync_steps(self, steps_changed, departments_changed):
        """Keep the steps and the departments of the rules together: a department given a step is required by
        the rule; a department removed from the rule loses its step."""
        for rule in self:
            if steps_changed:
                missing = rule.step_ids.department_id - rule.department_ids
                if missing:
                    # the departments' own sync finds no step without its department
                    rule.write({"department_ids": [Command.link(d.id) for d in missing]})
            if departments_changed:
                orphans = rule.step_ids.filtered(lambda line, rule=rule: line.department_id not in rule.department_ids)
                if orphans:
                    orphans.unlink()

    def _crr_steps(self):
        """``{department id: step}`` of the rule's departments (step 1 without a step line)."""
        self.ensure_one()
        steps = {line.department_id.id: line.step for line in self.step_ids}
        return {department.id: steps.get(department.id, 1) for department in self.department_ids}

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
        """The company's active rules as ``(domain, contract type, active department ids, ((department id, step),
        ...))`` tuples, in order.

        Every review request evaluates them and they change rarely: cached per company, the cache is
        cleared by any change to a rule or a department (``crr.config.cache.mixin``).
        """
        rules = self.sudo().with_context(active_test=True).search([("company_id", "=", company_id)])
        return tuple(
            (
                tuple(rule._crr_parse_domain()),
                rule.contract_type or False,
                tuple(rule.department_ids.filtered("active").ids),
                tuple(sorted(rule._crr_steps().items())),
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
        ``_crr_evaluate_steps`` also gives the steps of the departments.
        """
        return {
            order: (departments, contract_type)
            for order, (departments, contract_type, _steps) in self._crr_evaluate_steps(orders, contract_types).items()
        }

    @api.model
    def _crr_evaluate_steps(self, orders, contract_types=None):
        """``_crr_evaluate`` with the steps: ``{order: (departments, contract_type, {department id: step})}``.

        A department that several matching rules require takes the highest step the rules of the order's
        contract type give it (their order stands), else the highest step the other matching rules give it. The rules come from the per-company cache and each rule
        domain is evaluated in memory (``filtered_domain``) on the prefetched orders: no query per rule or per
        order line.
        """
        orders = orders.sudo()
        # per order: {contract type of the rule (False: none): {department id: highest step}}
        found = {order: {} for order in orders}
        for company in orders.company_id:
            company_orders = orders.filtered(lambda order, company=company: order.company_id == company)
            for domain, contract_type, department_ids, steps in self._crr_company_rules(company.id):
                if contract_types is not None and contract_type not in contract_types:
                    continue
                matched = company_orders.filtered_domain(list(domain)) if domain else company_orders
                step_of = dict(steps)
                for order in matched:
                    type_steps = found[order].setdefault(contract_type, {})
                    for department_id in department_ids:
                        type_steps[department_id] = max(type_steps.get(department_id, 0), step_of.get(department_id, 1))
        result = {}
        for order, by_type in found.items():
            contract_type = "special" if "special" in by_type else "regular"
            # the rules of the order's contract type decide the step of their departments (the special rule's
            # "every department, then the general manager" is not reordered by a regular rule that also matched)
            steps = dict(by_type.get(contract_type, {}))
            for rule_type, type_steps in by_type.items():
                if rule_type == contract_type:
                    continue
                for department_id, step in type_steps.items():
                    if department_id not in by_type.get(contract_type, {}):
                        steps[department_id] = max(steps.get(department_id, 0), step)
            result[order] = (steps, contract_type)
        departments = self.env["crr.department"].sudo().browse(
            {department_id for steps, _type in result.values() for department_id in steps}
        )
        # what a review request reads of them: their name, order and step, and for their to-dos their head and
        # the change kinds they review again (one query)
        departments.fetch([
            "name", "code", "sequence", "active", "company_id", "is_final_approval", "head_id",
            "review_quantity_date", "review_price_payment", "review_specification",
        ])
        return {
            order: (
                departments.filtered(lambda d, ids=steps: d.id in ids).sorted(lambda d: (d.sequence, d.id)),
                contract_type,
                steps,
            )
            for order, (steps, contract_type) in result.items()
        }

    @api.model
    def _crr_special_departments(self, company):
        """Departments of the active rules implying a special contract (used by a type override)."""
        return self.env["crr.department"].sudo().browse(sorted(self._crr_special_steps(company)))

    @api.model
    def _crr_special_steps(self, company):
        """``{department id: step}`` of the active rules implying a special contract (highest step)."""
        steps = {}
        for _domain, contract_type, _department_ids, rule_steps in self._crr_company_rules(company.id):
            if contract_type == "special":
                for department_id, step in rule_steps:
                    steps[department_id] = max(steps.get(department_id, 0), step)
        return steps

    # -- new companies ---------------------------------------------------------------------------
    _DEFAULT_DEPARTMENT_CODES = (
        "sales", "technical", "quality", "production", "procurement", "logistics", "finance", "general_manager",
        "sales_manager",
    )
    _DEFAULT_RULES = (
        "crr_review_rule_every_order",
        "crr_review_rule_regular_in_stock",
        "crr_review_rule_regular_not_in_stock",
        "crr_review_rule_special",
        "crr_review_rule_large_order",
        "crr_review_rule_over_authority",
    )

    @api.model
    def _crr_setup_companies(self, companies, xmlids=None):
        """Give each company its own copy of the default departments and review rules (of the rules ``xmlids``
        only, if given: an upgrade adding new default rules).

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
        for xmlid in xmlids or self._DEFAULT_RULES:
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
                rule.copy(
                    {
                        "company_id": company.id,
                        "department_ids": [(6, 0, departments.ids)],
                        "step_ids": [
                            Command.create({"department_id": by_code[line.department_id.code].id, "step": line.step})
                            for line in rule.step_ids
                            if line.department_id.code in by_code
                        ],
                    }
                )
