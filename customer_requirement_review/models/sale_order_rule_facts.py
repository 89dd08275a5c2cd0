from odoo import fields, models
from odoo.tools import SQL

from .crr_record_guard_mixin import crr_scope


# split from sale_order.py by concern on purpose (one concern per file)
class SaleOrder(models.Model):
    """The facts the review rules read (margin, new product, first order, stock, payment days...) and the
    classification of quotations by the rules."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # what the facts and the classification read of the orders' companies (read alone: the company's row is wide)
    _crr_rule_fact_company_fields = (
        "currency_id", "account_use_credit_limit", "crr_review_mode", "crr_amount_threshold", "crr_margin_threshold",
        "crr_payment_days_threshold",
    )

    # -- helper fields -------------------------------------------------------------------------
    def _crr_product_lines(self):
        """The lines of ``self`` that are not sections or notes, read in one query with only the fields the
        review uses (a line's row is wide)."""
        return self.env["sale.order.line"].sudo().search_fetch(
            [("order_id", "in", self.ids), ("display_type", "=", False)],
            ["order_id", "product_id", "product_uom_id", "product_uom_qty"],
            order="id",
        )

    def _crr_update_rule_fields(self, lines=None):
        """Compute the stored helper fields of the rules, in batch for ``self``.

        Queries do not depend on the number of order lines: lines, products and payment terms are read
        in batch, and the sales history in at most two queries whose cost does not grow with the
        customers' history (see ``_crr_sales_history``). ``lines``: ``self._crr_product_lines()`` if the
        caller has them.
        """
        orders = self.sudo()
        if lines is None:
            lines = orders._crr_product_lines()
        lines = lines.filtered("product_id")
        # only the values the rules need: the rows of products are wide, and a review request reads nothing
        # else of them
        lines.product_id.fetch(["product_tmpl_id", "standard_price"])
        lines.product_id.product_tmpl_id.fetch(["uom_id", "type"])
        # of the companies, only what the facts read: their rows are wide (no query when the review request has
        # read them with the chatter's columns)
        orders.company_id.fetch(self._crr_rule_fact_company_fields)
        sold, returning = orders._crr_sales_history()
        lines_by_order = lines.grouped("order_id")
        needed_by_order = {}
        cost_by_order = {}
        limits = orders._crr_authority_limits()
        for order in orders:
            cost = 0.0
            needed = {}
            for line in lines_by_order.get(order, lines.browse()):
                product = line.product_id
                qty = line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id, round=False) \
                    if line.product_uom_id and product.uom_id else line.product_uom_qty
                cost += product.standard_price * qty
                needed[product] = needed.get(product, 0.0) + qty
            needed_by_order[order] = needed
            cost_by_order[order] = cost
        in_stock_by_order = orders._crr_all_in_stock(needed_by_order)
        capability_by_order = orders._crr_capability_facts(needed_by_order)
        more_by_order = orders._crr_more_rule_facts(lines, sold)
        for order in orders:
            company = order.company_id
            bought = sold[order.id]
            needed = needed_by_order[order]
            cost = cost_by_order[order]
            in_stock = in_stock_by_order[order]
            if company.currency_id != order.currency_id and cost:
                cost = company.currency_id._convert(
                    cost, order.currency_id, company, order.date_order or fields.Date.today()
                )
            amount = order.amount_untaxed
            limit = limits.get(order.id, 0.0)
            company_amount = amount if order.currency_id == company.currency_id or not amount else \
                order.currency_id._convert(amount, company.currency_id, company, order.date_order or fields.Date.today())
            if amount:
                margin = (amount - cost) / amount * 100.0
            else:
                margin = 0.0 if not cost else -100.0
            days = 0
            for term_line in order.payment_term_id.line_ids:
                extra = {
                    "days_after_end_of_month": 30,
                    "days_after_end_of_next_month": 60,
                    "days_end_of_month_on_the": 30,
                }.get(term_line.delay_type, 0)
                days = max(days, term_line.nb_days + extra)
            vals = {
                "crr_has_new_product": any(product.id not in bought for product in needed),
                "crr_is_first_order": order.id not in returning,
                "crr_margin_percent": margin,
                "crr_all_in_stock": in_stock,
                "crr_payment_term_days": days,
                "crr_large_order": bool(company.crr_amount_threshold) and amount >= company.crr_amount_threshold,
                "crr_over_authority": bool(limit) and company_amount > limit,
                "crr_low_margin": bool(needed) and margin < company.crr_margin_threshold,
                "crr_long_payment": days > company.crr_payment_days_threshold,
                **capability_by_order[order],
                **more_by_order.get(order, {}),
            }
            changed = {key: value for key, value in vals.items() if order[key] != value}
            if changed:
                # helper fields, not tracked: the tracking of the order's fields need not be prepared
                with crr_scope():
                    order.with_context(tracking_disable=True).write(changed)

    def _crr_more_rule_facts(self, lines, sold):
        """Hook: ``{order: {field: value}}`` of more rule facts of the orders ``self`` (sudo), written with the
        others in one write. ``lines``: their product lines; ``sold``: ``{order id: ids of the products its
        customer bought before}`` (``_crr_sales_history``)."""
        return {}

    def _crr_all_in_stock(self, needed_by_order):
        """Hook of the "Everything in Stock" rule fact, in batch for the orders ``self``.

        ``needed_by_order``: ``{order: {product: quantity in the product's unit}}``. Returns ``{order: bool}``.
        Here, without Inventory: services are available, goods are not known to be in stock. With Inventory
        installed, the bridge addon ``customer_requirement_review_stock`` reads the stock (a quantity on hand
        is used here if Inventory is installed without the bridge).
        """
        has_stock = "qty_available" in self.env["product.product"]._fields
        result = {}
        for order in self:
            needed = needed_by_order.get(order) or {}
            if has_stock:
                result[order] = bool(needed) and all(
                    product.type == "service" or product.qty_available >= qty for product, qty in needed.items()
                )
            else:
                result[order] = bool(needed) and all(product.type == "service" for product in needed)
        return result

    def _crr_authority_limits(self):
        """``{order id: authority limit of its salesperson in the order's company}`` (0: no limit), one query
        per company."""
        limits = {}
        for company, orders in self.grouped("company_id").items():
            users = orders.user_id.with_company(company)
            users.fetch(["crr_authority_limit"])
            for order in orders:
                limits[order.id] = order.user_id.with_company(company).crr_authority_limit if order.user_id else 0.0
        return limits

    def _crr_sales_history(self):
        """What the customers of ``self`` bought before, on confirmed orders other than ``self``.

        Returns ``(sold, returning)``: ``{order id: {product ids of its lines the customer bought before}}``
        and the ids of the orders whose customer (commercial partner, any of its contacts) has a confirmed
        order. Each (customer, product) pair of the quotations is one EXISTS that stops at the first
        confirmed line found through the partial index on confirmed lines: the cost does not grow with the
        customer's history. Only orders none of whose products were bought before need the second query,
        which stops at the customer's first confirmed order.
        """
        self.env["sale.order"].flush_model(["partner_id", "state"])
        self.env["sale.order.line"].flush_model(["order_id", "order_partner_id", "product_id", "state", "display_type"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        sold = {order_id: set() for order_id in self.ids}
        self.env.cr.execute(self._crr_sales_history_query())
        for order_id, product_id in self.env.cr.fetchall():
            sold[order_id].add(product_id)
        returning = {order_id for order_id, products in sold.items() if products}
        newcomers = [order_id for order_id in self.ids if order_id not in returning]
        if newcomers:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT quotation.id
                      FROM sale_order quotation
                      JOIN res_partner customer ON customer.id = quotation.partner_id
                     WHERE quotation.id = ANY(%(newcomers)s)
                       AND EXISTS (
                            SELECT 1
                              FROM sale_order other
                              JOIN res_partner contact ON contact.id = other.partner_id
                             WHERE contact.commercial_partner_id = customer.commercial_partner_id
                               AND other.state = 'sale'
                               AND other.id != ALL(%(orders)s)
                           )
                    """,
                    newcomers=newcomers,
                    orders=list(self.ids),
                )
            )
            returning.update(order_id for (order_id,) in self.env.cr.fetchall())
        return sold, returning

    def _crr_sales_history_query(self):
        """SQL: ``(order id, product id)`` for the products of the quotations ``self`` that their customer
        bought on a confirmed order other than ``self``."""
        return SQL(
            """
            WITH quoted AS (
                SELECT DISTINCT quotation.id AS order_id, customer.commercial_partner_id, line.product_id
                  FROM sale_order quotation
                  JOIN res_partner customer ON customer.id = quotation.partner_id
                  JOIN sale_order_line line ON line.order_id = quotation.id
                 WHERE quotation.id = ANY(%(orders)s)
                   AND line.product_id IS NOT NULL
                   AND line.display_type IS NULL
            )
            SELECT quoted.order_id, quoted.product_id
              FROM quoted
             WHERE EXISTS (
                    SELECT 1
                      FROM sale_order_line line
                      JOIN res_partner contact ON contact.id = line.order_partner_id
                     WHERE contact.commercial_partner_id = quoted.commercial_partner_id
                       AND line.product_id = quoted.product_id
                       AND line.state = 'sale'
                       AND line.order_id != ALL(%(orders)s)
                   )
            """,
            orders=list(self.ids),
        )


    # -- classification and request --------------------------------------------------------------
    def _crr_classify(self, lines=None):
        """Update the helper fields and evaluate the rules: ``{order: (departments, contract_type)}``
        (``_crr_classify_steps`` also gives the departments' steps)."""
        return {
            order: (departments, contract_type)
            for order, (departments, contract_type, _steps) in self._crr_classify_steps(lines).items()
        }

    def _crr_classify_steps(self, lines=None):
        """Update the helper fields and evaluate the rules: ``{order: (departments, contract_type, {department
        id: step})}``.

        A contract type overridden by a review manager stands: overridden to special, the departments of
        every special rule are added; overridden to regular, only the departments of the matching
        non-special rules are kept.
        """
        self._crr_update_rule_fields(lines)
        Rule = self.env["crr.review.rule"]
        result = Rule._crr_evaluate_steps(self)
        overridden = self.filtered("contract_type_overridden")
        # overridden to regular while the rules say special: the non-special rules alone, for all at once
        to_regular = overridden.filtered(
            lambda order: order.contract_type == "regular" and result[order.sudo()][1] == "special"
        )
        regular = Rule._crr_evaluate_steps(to_regular, contract_types=("regular", False)) if to_regular else {}
        for order in overridden:
            departments, rule_type, steps = result[order.sudo()]
            if order.contract_type == "special" and rule_type != "special":
                special_steps = Rule._crr_special_steps(order.company_id)
                departments |= departments.browse(list(special_steps))
                steps = {
                    department_id: max(steps.get(department_id, 0), special_steps.get(department_id, 0))
                    for department_id in set(steps) | set(special_steps)
                }
            elif order in to_regular:
                departments, _type, steps = regular[order.sudo()]
            result[order.sudo()] = (departments.sorted(lambda d: (d.sequence, d.id)), order.contract_type, steps)
        return {order: result[order.sudo()] for order in self}

    def _crr_needs_review(self, departments, contract_type):
        self.ensure_one()
        mode = self.company_id.crr_review_mode
        if mode == "off" or not departments:
            return False
        return not (mode == "special" and contract_type != "special")

