from odoo import fields, models
from odoo.tools import format_list

from .crr_record_guard_mixin import crr_scope


class SaleOrder(models.Model):
    """Samples before the order: the rule fact "samples approved", the company setting that makes a
    quotation with a new product wait for the customer's approval of a sample, and the first-batch
    supply review opened at confirmation (at the first delivery when the Inventory bridge is installed)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_sample_request_ids = fields.One2many("crr.sample.request", "order_id", string="Sample Requests")
    crr_sample_request_count = fields.Integer(compute="_compute_crr_sample_request_count")
    crr_sample_approved = fields.Boolean(
        string="Samples Approved",
        readonly=True,
        copy=False,
        help="Every product of the quotation new to this customer has a sample the customer approved (true "
        "without new products). Computed when the review is requested and when a sample of the quotation is "
        "approved; usable in review rule conditions.",
    )
    crr_first_batch_review_ids = fields.One2many("crr.first.batch.review", "order_id", string="First-Batch Reviews")
    crr_first_batch_review_count = fields.Integer(compute="_compute_crr_sample_request_count")

    def _compute_crr_sample_request_count(self):
        samples = dict(
            self.env["crr.sample.request"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        batches = dict(
            self.env["crr.first.batch.review"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.crr_sample_request_count = samples.get(order, 0)
            order.crr_first_batch_review_count = batches.get(order, 0)

    # -- the rule fact --------------------------------------------------------------------------------
    def _crr_missing_samples(self, lines=None, sold=None):
        """``{order: products new to its customer without a sample the customer approved}``, in batch:
        the sales history in at most two queries (none when the caller gives it: ``sold``, see
        ``_crr_more_rule_facts``), the approved samples in one."""
        orders = self.sudo()
        if lines is None:
            lines = orders._crr_product_lines()
        lines = lines.filtered("product_id")
        if sold is None:
            sold, _returning = orders._crr_sales_history()
        customers = orders.partner_id.commercial_partner_id
        samples = self.env["crr.sample.request"].sudo().search_fetch(
            [("state", "=", "accepted"), "|", ("order_id", "in", orders.ids), ("partner_id", "in", customers.ids)],
            ["order_id", "partner_id", "product_id"],
        )
        approved = {(sample.partner_id.commercial_partner_id.id, sample.product_id.id) for sample in samples}
        whole_orders = {sample.order_id.id for sample in samples if sample.order_id and not sample.product_id}
        lines_by_order = lines.grouped("order_id")
        missing = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id.id
            products = lines_by_order.get(order, lines.browse()).product_id
            new = products.filtered(lambda p, o=order: p.id not in sold[o.id])
            if order.id in whole_orders:
                new = new.browse()
            missing[order] = new.filtered(lambda p, c=customer: (c, p.id) not in approved)
        return missing

    def _crr_update_sample_fact(self, lines=None):
        missing = self._crr_missing_samples(lines)
        for order, products in missing.items():
            value = not products
            if order.crr_sample_approved != value:
                # a rule fact, like the helper fields of the rules: not a reviewed term, not tracked
                with crr_scope():
                    order.sudo().write({"crr_sample_approved": value})
        return missing

    def _crr_more_rule_facts(self, lines, sold):
        # the sample fact is written with the other rule facts, from the same sales history
        facts = super()._crr_more_rule_facts(lines, sold)
        for order, products in self._crr_missing_samples(lines, sold=sold).items():
            facts.setdefault(order, {})["crr_sample_approved"] = not products
        return facts

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or not self.company_id.crr_sample_required:
            return error
        products = self._crr_missing_samples().get(self.sudo())
        if products:
            return self.env._(
                "%(order)s cannot be confirmed before the customer approved a sample of the new products: "
                "%(products)s. Create a sample request and record the customer's approval (样品承认书).",
                order=self.name,
                products=format_list(self.env, products.mapped("display_name")),
            )
        return error

    # -- first-batch supply review ----------------------------------------------------------------------
    def _crr_kept_message(self):
        message = super()._crr_kept_message()
        if message:
            return message
        kept = self.filtered(lambda o: o.sudo().crr_first_batch_review_ids)
        if not kept:
            return None
        return self.env._(
            "%(order)s has a first-batch supply review: it is kept as its record and cannot be deleted. Cancel it "
            "instead.",
            order=kept[0].name,
        )

    def _crr_first_batch_at_confirmation(self):
        """True: the first-batch review opens at confirmation. The Inventory bridge opens it at the first
        delivery instead (and returns False)."""
        return True

    def action_confirm(self):
        candidates = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.company_id.crr_first_batch_review
        ) if self._crr_first_batch_at_confirmation() else self.browse()
        firsts = candidates._crr_first_batch_candidates() if candidates else {}
        result = super().action_confirm()
        confirmed = {order: vals for order, vals in firsts.items() if order.state == "sale"}
        if confirmed:
            self._crr_open_first_batch_reviews(confirmed)
        return result

    def _crr_first_batch_candidates(self):
        """``{order: (reason, products)}`` for the orders whose supply is a first batch: a new customer, or
        products this customer never bought."""
        orders = self.sudo()
        lines = orders._crr_product_lines().filtered(lambda line: line.product_id.type != "service")
        sold, returning = orders._crr_sales_history()
        lines_by_order = lines.grouped("order_id")
        result = {}
        for order in orders:
            products = lines_by_order.get(order, lines.browse()).product_id
            if not products:
                continue
            if order.id not in returning:
                result[order] = ("new_customer", products)
                continue
            new = products.filtered(lambda p, o=order: p.id not in sold[o.id])
            if new:
                result[order] = ("new_product", new)
        return result

    def _crr_open_first_batch_reviews(self, candidates):
        Review = self.env["crr.first.batch.review"].sudo()
        Department = self.env["crr.department"].sudo()
        departments = {}  # per company: Quality, else the final approval department
        vals_list = []
        for order, (reason, products) in candidates.items():
            order = order.sudo()
            if order.crr_first_batch_review_ids.filtered(lambda r: r.state != "cancelled"):
                continue
            company = order.company_id
            if company not in departments:
                domain = [("company_id", "=", company.id)]
                departments[company] = Department.search([*domain, ("code", "=", "quality")], limit=1) or \
                    Department.search([*domain, ("is_final_approval", "=", True)], limit=1)
            department = departments[company]
            vals_list.append({
                "order_id": order.id,
                "company_id": order.company_id.id,
                "reason": reason,
                "product_ids": [fields.Command.set(products.ids)],
                "department_id": department.id,
            })
        reviews = Review.create(vals_list) if vals_list else Review
        for review in reviews:
            review.order_id.message_post(
                body=self.env._(
                    "First-batch supply review %(name)s opened (%(reason)s).",
                    name=review.name,
                    reason=dict(review._fields["reason"]._description_selection(self.env))[review.reason],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return reviews

    # -- navigation -----------------------------------------------------------------------------------
    def action_view_crr_sample_requests(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_sample_request")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
        }
        return action

    def action_view_crr_first_batch_reviews(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "customer_requirement_review.action_crr_first_batch_review"
        )
        action["domain"] = [("order_id", "=", self.id)]
        return action
