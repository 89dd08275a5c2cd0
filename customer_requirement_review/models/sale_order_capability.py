from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import fields, models


class SaleOrder(models.Model):
    """The rule facts of the capability commitment (初始评审报告) and of the collection risk (收汇风险):
    computed with the other facts when the review is requested (``_crr_update_rule_fields``), in batch."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_commitment_id = fields.Many2one(
        "crr.capability.commitment", string="Capability Commitment", readonly=True, copy=False,
        index="btree_not_null", ondelete="restrict",
        help="The approved capability commitment of the order's company and date. Computed when the review is "
        "requested.",
    )
    crr_within_commitment = fields.Boolean(
        string="Within the Capability Commitment",
        readonly=True,
        copy=False,
        help="Every product of the quotation is covered (by itself or its category) by the approved capability "
        "commitment of the order's date. Only orders beyond the commitment get a special review. Computed when "
        "the review is requested.",
    )
    crr_beyond_capacity = fields.Boolean(
        string="Beyond Committed Capacity",
        readonly=True,
        copy=False,
        help="For a line of the capability commitment with a monthly capacity, the quantity of its products on the "
        "confirmed orders of the order's month plus this order's exceeds the capacity. Computed when the review "
        "is requested.",
    )
    crr_collection_risk = fields.Boolean(
        string="Collection Risk",
        readonly=True,
        copy=False,
        help="收汇风险: the customer has overdue receivables in the company, or, when the company uses credit "
        "limits (Invoicing settings), the customer's receivables, what remains to invoice on its confirmed orders "
        "and this order exceed its credit limit. Computed when the review is requested.",
    )

    def _crr_capability_facts(self, needed_by_order):
        """``{order: {fact: value}}`` of the commitment and collection facts of the orders ``self`` (sudo).

        ``needed_by_order``: ``{order: {product: quantity in the product's unit}}``. The number of queries does
        not depend on the number of orders: the commitments in one search, the month's confirmed quantities in
        one grouped query per company and month, the overdue receivables in one per company.
        """
        commitments = self._crr_commitments()
        if commitments:
            # the coverage of the products by the commitments' lines reads their templates and categories
            self._crr_prefetch_products(
                self.env["product.product"].browse(
                    {product.id for needed in needed_by_order.values() for product in needed}
                )
            )
        beyond = self._crr_beyond_capacity(needed_by_order, commitments)
        risk = self._crr_collection_risks()
        result = {}
        for order in self:
            commitment = commitments.get(order)
            needed = needed_by_order.get(order) or {}
            lines = commitment.line_ids if commitment else None
            result[order] = {
                "crr_commitment_id": commitment or self.env["crr.capability.commitment"],
                "crr_within_commitment": bool(commitment) and bool(needed) and all(
                    lines._crr_covering(product) for product in needed
                ),
                "crr_beyond_capacity": beyond.get(order, False),
                "crr_collection_risk": risk.get(order, False),
            }
        return result

    def _crr_prefetch_products(self, products):
        """Read what the coverage and the units need of ``products`` at once: their template, its category (and
        its path) and unit."""
        products = products.sudo()
        products.fetch(["product_tmpl_id"])
        products.product_tmpl_id.fetch(["categ_id", "uom_id"])
        products.product_tmpl_id.categ_id.fetch(["parent_path"])

    def _crr_order_day(self):
        self.ensure_one()
        return fields.Date.to_date(self.date_order or fields.Datetime.now())

    def _crr_commitments(self):
        """``{order: the approved commitment of its company covering its date}`` (the latest starting one)."""
        if not self:
            return {}
        days = [order._crr_order_day() for order in self]
        commitments = self.env["crr.capability.commitment"].sudo().search(
            [
                ("state", "=", "approved"),
                ("company_id", "in", self.company_id.ids),
                ("date_from", "<=", max(days)),
                ("date_to", ">=", min(days)),
            ],
            order="date_from desc, id desc",
        )
        if not commitments:
            return {}
        lines = commitments.line_ids
        lines.fetch(["commitment_id", "product_id", "categ_id", "capacity_qty", "capacity_uom_id"])
        lines.categ_id.fetch(["parent_path"])
        result = {}
        for order in self:
            day = order._crr_order_day()
            found = commitments.filtered(
                lambda c, o=order, d=day: c.company_id == o.company_id and c.date_from <= d <= c.date_to
            )[:1]
            if found:
                result[order] = found
        return result

    def _crr_beyond_capacity(self, needed_by_order, commitments):
        """``{order: bool}``: a line of the order's commitment with a monthly capacity that the month's confirmed
        quantities of its products plus the order's exceed."""
        # the lines with a capacity that cover a product of each order: {order: {line: {product: qty}}}
        covered = {}
        products = self.env["product.product"]
        for order, commitment in commitments.items():
            lines = commitment.line_ids.filtered(lambda line: line.capacity_qty > 0)
            if not lines:
                continue
            needed = needed_by_order.get(order) or {}
            products |= self.env["product.product"].union(*needed.keys()) if needed else products.browse()
            for product, qty in needed.items():
                line = commitment.line_ids._crr_covering(product)
                if line and line.capacity_qty > 0:
                    covered.setdefault(order, {}).setdefault(line, {})
                    covered[order][line][product] = covered[order][line].get(product, 0.0) + qty
        if not covered:
            return {}
        # the confirmed quantities of the month, per product in its unit: one grouped query per (company, month)
        months = {}
        for order in covered:
            day = order._crr_order_day().replace(day=1)
            months.setdefault((order.company_id, day), self.browse())
            months[(order.company_id, day)] |= order
        confirmed = {}
        Line = self.env["sale.order.line"].sudo()
        for (company, first_day), orders in months.items():
            category_products = self._crr_products_of_lines(
                [line for order in orders for line in covered[order]], products
            )
            groups = Line._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("display_type", "=", False),
                    ("order_id", "not in", self.ids),
                    ("order_id.date_order", ">=", datetime.combine(first_day, time.min)),
                    ("order_id.date_order", "<", datetime.combine(first_day + relativedelta(months=1), time.min)),
                    ("product_id", "in", category_products.ids),
                ],
                ["product_id", "product_uom_id"],
                ["product_uom_qty:sum"],
            )
            month = confirmed.setdefault((company, first_day), {})
            self._crr_prefetch_products(self.env["product.product"].union(*(product for product, _uom, _qty in groups)))
            for product, uom, qty in groups:
                qty = uom._compute_quantity(qty, product.uom_id, round=False, raise_if_failure=False) \
                    if uom and product.uom_id else qty
                month[product] = month.get(product, 0.0) + qty
        result = {}
        for order, by_line in covered.items():
            month = confirmed[(order.company_id, order._crr_order_day().replace(day=1))]
            commitment_lines = commitments[order].line_ids
            for line, quantities in by_line.items():
                total = {product: qty for product, qty in quantities.items()}
                for product, qty in month.items():
                    if commitment_lines._crr_covering(product) == line:
                        total[product] = total.get(product, 0.0) + qty
                amount = sum(
                    product.uom_id._compute_quantity(qty, line.capacity_uom_id, round=False, raise_if_failure=False)
                    if line.capacity_uom_id and product.uom_id else qty
                    for product, qty in total.items()
                )
                if amount > line.capacity_qty:
                    result[order] = True
                    break
        return result

    def _crr_products_of_lines(self, commitment_lines, products):
        """The products whose confirmed quantities count against ``commitment_lines``: their products, the
        products of their categories (one search for all) and ``products``."""
        lines = self.env["crr.capability.commitment.line"].union(*commitment_lines)
        result = lines.product_id | products
        categories = lines.categ_id
        if categories:
            result |= self.env["product.product"].sudo().with_context(active_test=False).search(
                [("categ_id", "child_of", categories.ids)]
            )
        return result

    def _crr_collection_risks(self):
        """``{order: bool}``: the customer has overdue receivables in the order's company, or the company uses
        credit limits and the customer's receivables, the amount still to invoice on its confirmed orders and
        this order exceed its credit limit. One grouped query per company (plus the credit of Invoicing for the
        companies using credit limits)."""
        result = {}
        Partner = self.env["res.partner"].sudo()
        # only the commercial entity of the customers is read (their rows are wide)
        self.partner_id.sudo().fetch(["commercial_partner_id"])
        for company, orders in self.grouped("company_id").items():
            customers = orders.partner_id.commercial_partner_id
            overdue = Partner.browse(customers.ids)._crr_overdue_by_customer(company)
            limits = {}
            if company.account_use_credit_limit:
                partners = customers.sudo().with_company(company)
                partners.fetch(["credit", "credit_to_invoice", "credit_limit"])
                limits = {
                    partner.id: (partner.credit_limit, partner.credit + partner.credit_to_invoice)
                    for partner in partners
                }
            for order in orders:
                customer = order.partner_id.commercial_partner_id
                risk = overdue.get(customer.id, 0.0) > 0.0
                limit, exposure = limits.get(customer.id, (0.0, 0.0))
                if not risk and limit:
                    amount = order.amount_total / order.currency_rate if order.currency_rate else order.amount_total
                    risk = exposure + amount > limit
                result[order] = risk
        return result
