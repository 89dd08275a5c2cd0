from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_list

# fields of sale.order whose change after approval sends the quotation back to review, by change kind
CRR_ORDER_REVIEWED_FIELDS = {
    "commitment_date": "date",
    "payment_term_id": "payment",
    "pricelist_id": "price",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    contract_type = fields.Selection(
        [("regular", "Regular Contract"), ("special", "Special Contract")],
        tracking=True,
        copy=False,
        index=True,
        readonly=True,
        help="Set by the review rules when the review is requested (special wins over regular); a review "
        "manager may override it with a reason.",
    )
    contract_type_overridden = fields.Boolean(readonly=True, copy=False)
    contract_type_override_reason = fields.Text(readonly=True, copy=False, tracking=True)
    review_state = fields.Selection(
        [
            ("not_required", "Not Required"),
            ("to_review", "To Review"),
            ("in_review", "In Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Review Status",
        default="to_review",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    review_round = fields.Integer(default=0, copy=False, readonly=True)
    # the order's own review; the review lines of its change requests are on change_request_ids.review_line_ids
    review_line_ids = fields.One2many(
        "crr.review.line", "order_id", string="Review Lines", copy=False, domain=[("change_request_id", "=", False)]
    )
    review_line_count = fields.Integer(compute="_compute_review_line_count", string="Review Lines Count")
    requirement_ids = fields.One2many("crr.requirement", "order_id", string="Requirements", copy=True)
    review_requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    review_request_date = fields.Datetime(string="Review Requested On", readonly=True, copy=False)
    crr_rereview_kinds = fields.Char(
        string="Changes Awaiting Review",
        readonly=True,
        copy=False,
        help="Technical: kinds of changes made after approval (quantity, date, price, payment, specification).",
    )
    crr_pending_department_ids = fields.Many2many(
        "crr.department", compute="_compute_crr_pending_department_ids", string="Pending Departments"
    )
    order_source = fields.Selection(
        [
            ("written", "Written Order"),
            ("email", "E-mail"),
            ("fax", "Fax"),
            ("phone", "Phone"),
            ("oral", "Oral"),
            ("tender", "Tender"),
        ],
        default="written",
        required=True,
        tracking=True,
        help="How the customer placed the order. Oral and phone orders need the customer's written "
        "confirmation (ticked or attached) before the review can be approved.",
    )
    change_request_ids = fields.One2many("crr.change.request", "order_id", string="Change Requests", copy=False)
    change_request_count = fields.Integer(compute="_compute_change_request_count")
    written_confirmation = fields.Boolean(
        string="Written Confirmation Received",
        tracking=True,
        copy=False,
        help="The customer confirmed the oral or phone order in writing (fax, e-mail, signed order).",
    )
    written_confirmation_attachment_ids = fields.Many2many(
        "ir.attachment",
        "crr_sale_order_confirmation_attachment_rel",
        "order_id",
        "attachment_id",
        string="Written Confirmation",
        copy=False,
    )
    # -- helper fields usable in review rule conditions (computed when the review is requested) ---
    crr_has_new_product = fields.Boolean(
        string="New Product for Customer",
        readonly=True,
        copy=False,
        help="At least one product of the quotation was never sold to this customer on a confirmed order. "
        "Computed when the review is requested.",
    )
    crr_is_first_order = fields.Boolean(
        string="Customer's First Order",
        readonly=True,
        copy=False,
        help="The customer has no confirmed order yet. Computed when the review is requested.",
    )
    crr_margin_percent = fields.Float(
        string="Margin (%)",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="(Untaxed amount - product cost) / untaxed amount x 100, with the products' cost price. "
        "Computed when the review is requested.",
    )
    crr_all_in_stock = fields.Boolean(
        string="Everything in Stock",
        readonly=True,
        copy=False,
        help="Every product line can be delivered from stock. When Inventory is installed, the quantity on "
        "hand of each product must cover the ordered quantity; without Inventory, services count as available "
        "and goods as not known to be in stock (so this is only true for orders of services). Computed when "
        "the review is requested.",
    )
    crr_payment_term_days = fields.Integer(
        string="Payment Term Days",
        readonly=True,
        copy=False,
        help="Longest delay of the payment term's lines, in days (end-of-month terms count 30 extra days per "
        "month); 0 without payment term. Computed when the review is requested.",
    )
    crr_large_order = fields.Boolean(
        string="Large Order",
        readonly=True,
        copy=False,
        help="Untaxed amount at or above the company's large order amount. Computed when the review is requested.",
    )
    crr_low_margin = fields.Boolean(
        string="Low Margin",
        readonly=True,
        copy=False,
        help="Margin below the company's minimum normal margin. Computed when the review is requested.",
    )
    crr_long_payment = fields.Boolean(
        string="Long Payment Term",
        readonly=True,
        copy=False,
        help="Payment term days above the company's maximum normal payment days. Computed when the review "
        "is requested.",
    )

    @api.depends("review_line_ids")
    def _compute_review_line_count(self):
        counts = dict(
            self.env["crr.review.line"]._read_group(
                [("order_id", "in", self.ids), ("change_request_id", "=", False)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.review_line_count = counts.get(order, 0)

    @api.depends("change_request_ids")
    def _compute_change_request_count(self):
        counts = dict(
            self.env["crr.change.request"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.change_request_count = counts.get(order, 0)

    @api.depends("review_line_ids.state", "review_round")
    def _compute_crr_pending_department_ids(self):
        for order in self:
            lines = order._crr_order_review_lines()
            order.crr_pending_department_ids = lines.filtered(
                lambda line: line.state in ("pending", "waiting")
            ).department_id

    @api.model
    def _crr_init_existing_orders(self):
        """At install: orders already confirmed or cancelled never need a review."""
        self.env.cr.execute(
            "UPDATE sale_order SET review_state = 'not_required' WHERE state IN ('sale', 'cancel') AND review_round = 0"
        )
        self.invalidate_model(["review_state"])

    # -- hooks ---------------------------------------------------------------------------------
    def _crr_order_review_lines(self, all_rounds=False):
        """Order-review lines of the order (current round unless ``all_rounds``).

        Change requests' lines are excluded through ``crr.review.line._crr_is_order_review()``.
        """
        self.ensure_one()
        lines = self.review_line_ids.filtered(lambda line: line._crr_is_order_review())
        if not all_rounds:
            lines = lines.filtered(lambda line: line.round == self.review_round)
        return lines

    def _crr_review_required_by_company(self):
        self.ensure_one()
        return self.company_id.crr_review_mode != "off"

    def _crr_review_blocking(self):
        """True while the quotation needs review and is not approved."""
        self.ensure_one()
        return self._crr_review_required_by_company() and self.review_state not in ("approved", "not_required")

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
        sold, returning = orders._crr_sales_history()
        has_stock = "qty_available" in self.env["product.product"]._fields
        lines_by_order = lines.grouped("order_id")
        for order in orders:
            company = order.company_id
            order_lines = lines_by_order.get(order, lines.browse())
            bought = sold[order.id]
            cost = 0.0
            needed = {}
            for line in order_lines:
                product = line.product_id
                qty = line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id, round=False) \
                    if line.product_uom_id and product.uom_id else line.product_uom_qty
                cost += product.standard_price * qty
                needed[product] = needed.get(product, 0.0) + qty
            if company.currency_id != order.currency_id and cost:
                cost = company.currency_id._convert(
                    cost, order.currency_id, company, order.date_order or fields.Date.today()
                )
            amount = order.amount_untaxed
            if amount:
                margin = (amount - cost) / amount * 100.0
            else:
                margin = 0.0 if not cost else -100.0
            if has_stock:
                in_stock = bool(needed) and all(
                    product.type == "service" or product.qty_available >= qty for product, qty in needed.items()
                )
            else:
                in_stock = bool(needed) and all(product.type == "service" for product in needed)
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
                "crr_low_margin": bool(needed) and margin < company.crr_margin_threshold,
                "crr_long_payment": days > company.crr_payment_days_threshold,
            }
            changed = {key: value for key, value in vals.items() if order[key] != value}
            if changed:
                # helper fields, not tracked: the tracking of the order's fields need not be prepared
                order.with_context(crr_no_rereview=True, tracking_disable=True).write(changed)

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

    # -- requirement templates ---------------------------------------------------------------------
    def action_crr_load_requirements(self):
        """Prefill the requirement list from the matching templates not applied yet."""
        vals_list = []
        for order in self:
            matching = self.env["crr.requirement.template"]._crr_matching(order)
            # the order's requirements are read only when a template matches
            for template in matching - order.requirement_ids.template_id if matching else matching:
                for line in template.line_ids:
                    vals_list.append(
                        {
                            "order_id": order.id,
                            "sequence": line.sequence,
                            "category": line.category,
                            "source": line.source,
                            "name": line.name,
                            "department_id": line.department_id.id,
                            "template_id": template.id,
                        }
                    )
        if vals_list:
            self.env["crr.requirement"].create(vals_list)
        return True

    # -- classification and request --------------------------------------------------------------
    def _crr_classify(self, lines=None):
        """Update the helper fields and evaluate the rules: ``{order: (departments, contract_type)}``.

        A contract type overridden by a review manager stands: overridden to special, the departments of
        every special rule are added; overridden to regular, only the departments of the matching
        non-special rules are kept.
        """
        self._crr_update_rule_fields(lines)
        Rule = self.env["crr.review.rule"]
        result = Rule._crr_evaluate(self)
        overridden = self.filtered("contract_type_overridden")
        # overridden to regular while the rules say special: the non-special rules alone, for all at once
        to_regular = overridden.filtered(
            lambda order: order.contract_type == "regular" and result[order.sudo()][1] == "special"
        )
        regular = Rule._crr_evaluate(to_regular, contract_types=("regular", False)) if to_regular else {}
        for order in overridden:
            departments, rule_type = result[order.sudo()]
            if order.contract_type == "special" and rule_type != "special":
                departments |= Rule._crr_special_departments(order.company_id)
            elif order in to_regular:
                departments = regular[order.sudo()][0]
            result[order.sudo()] = (departments.sorted(lambda d: (d.sequence, d.id)), order.contract_type)
        return {order: result[order.sudo()] for order in self}

    def _crr_needs_review(self, departments, contract_type):
        self.ensure_one()
        mode = self.company_id.crr_review_mode
        if mode == "off" or not departments:
            return False
        return not (mode == "special" and contract_type != "special")

    def action_request_review(self):
        """Evaluate the rules and open a new review round (one line per required department)."""
        self.check_access("write")
        # the user may write these orders: their lines are read without checking the access to each again
        lines = self._crr_product_lines()
        with_products = set(lines.order_id.ids)
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("Only quotations can be reviewed: %(order)s is not a quotation.", order=order.name)
                )
            if order.review_state == "in_review":
                raise UserError(
                    self.env._("The review of %(order)s is already in progress.", order=order.name)
                )
            if order.id not in with_products:
                raise UserError(
                    self.env._("Add the products to %(order)s before requesting its review.", order=order.name)
                )
        self.action_crr_load_requirements()
        classification = self._crr_classify(lines)
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        Line = self.env["crr.review.line"].sudo()
        line_vals = []
        messages = {}
        carried_orders = self.browse()
        for order in self:
            departments, contract_type = classification[order]
            order_vals = {"contract_type": contract_type}
            if not order._crr_needs_review(departments, contract_type):
                order_vals.update(review_state="not_required", crr_rereview_kinds=False)
                order.sudo().with_context(crr_no_rereview=True).write(order_vals)
                messages[order] = self.env._(
                    "No review required (%(type)s).",
                    type=dict(self._fields["contract_type"]._description_selection(self.env))[contract_type],
                )
                continue
            # first round: no previous lines to read
            previous = order._crr_order_review_lines() if order.review_round else Line.browse()
            new_round = order.review_round + 1
            asked, carried = order._crr_split_rereview(departments, previous)
            has_final = any(d.is_final_approval for d in asked)
            non_final_open = any(not d.is_final_approval for d in asked)
            deadline = today + timedelta(days=order.company_id.crr_review_deadline_days or 0)
            for department in asked:
                state = "waiting" if (department.is_final_approval and non_final_open) else "pending"
                line_vals.append(
                    {
                        "order_id": order.id,
                        "department_id": department.id,
                        "round": new_round,
                        "state": state,
                        "requested_by_id": self.env.uid,
                        "request_date": now,
                        "deadline": deadline,
                    }
                )
            if carried:
                carried_orders |= order
            for old_line in carried:
                line_vals.append(
                    {
                        "order_id": order.id,
                        "department_id": old_line.department_id.id,
                        "round": new_round,
                        "state": "approved",
                        "requested_by_id": self.env.uid,
                        "request_date": now,
                        "reviewer_id": old_line.reviewer_id.id,
                        "decision_date": old_line.decision_date,
                        "on_behalf_of_id": old_line.on_behalf_of_id.id,
                        "opinion": old_line.opinion,
                        "conditions": old_line.conditions,
                        "carried_over": True,
                        "carried_from_line_id": old_line.id,
                    }
                )
            order_vals.update(
                review_round=new_round,
                review_state="in_review",
                review_requested_by_id=self.env.uid,
                review_request_date=now,
                crr_rereview_kinds=False,
            )
            order.sudo().with_context(crr_no_rereview=True).write(order_vals)
            if previous:
                # the round they belong to is closed
                self.env.add_to_compute(Line._fields["is_current_round"], previous)
            body = self.env._(
                "Review round %(round)s requested (%(type)s). Departments asked: %(asked)s.",
                round=new_round,
                type=dict(self._fields["contract_type"]._description_selection(self.env))[contract_type],
                asked=format_list(self.env, asked.mapped("name")) or "-",
            )
            if carried:
                body += " " + self.env._(
                    "Approvals carried over from round %(round)s, because the changes made after approval do not "
                    "concern these departments: %(departments)s.",
                    round=new_round - 1,
                    departments=format_list(self.env, carried.department_id.mapped("name")),
                )
            if has_final and non_final_open:
                body += " " + self.env._("The final approval opens when the other departments have approved.")
            messages[order] = body
        # the request is logged once on the order (its note names the departments asked): no creation
        # message, creation tracking nor requester subscription per line (the requester follows the order)
        lines = (
            Line.browse(
                Line.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True)
                .create(line_vals).ids
            )
            if line_vals else Line
        )
        lines._crr_schedule_activities()
        for order, body in messages.items():
            order._crr_log_with_status_tracking(body)
        # a round where everything was carried over is approved at once
        for order in self.filtered(lambda o: o.review_state == "in_review" and o in carried_orders):
            round_lines = order._crr_order_review_lines()
            if round_lines and all(line.state == "approved" for line in round_lines):
                order._crr_review_lines_decided(round_lines)
        return True

    def _crr_log_with_status_tracking(self, body):
        """Log ``body`` on the message tracking the review status change, or on its own.

        One chatter entry then shows the note with its author and the status change it made; the tracking
        message is written when the transaction ends. Without a tracked change of the status (tracking
        disabled, status unchanged, or order created in this same transaction, whose changes Odoo does not
        track), the note is logged on its own at once.
        """
        self.ensure_one()
        initial = self.env.cr.precommit.data.get(f"mail.tracking.{self._name}", {}).get(self.id)
        if initial and "review_state" in initial and initial["review_state"] != self.review_state:
            self._track_set_log_message(body)
        else:
            self._message_log(body=body)

    def _crr_split_rereview(self, departments, previous):
        """Departments to ask in the new round and previous lines whose approval is carried over.

        Without changes after approval (first round, or after a rejection), every required department is
        asked. After an approved quotation was edited, only the departments concerned by the changed
        fields are asked again (and the final approval, and departments newly required); the approvals of
        the others are carried over. If none of the required departments is concerned, all are asked.
        """
        self.ensure_one()
        kinds = set(filter(None, (self.crr_rereview_kinds or "").split(",")))
        if not kinds or not previous:
            return departments, self.env["crr.review.line"]
        approved = previous.filtered(lambda line: line.state == "approved")
        concerned = self.env["crr.department"].sudo()._crr_for_change_kinds(kinds, company=self.company_id)
        asked = departments.filtered(
            lambda d: d in concerned or d.is_final_approval or d not in approved.department_id
        )
        if not (asked & concerned):
            return departments, self.env["crr.review.line"]
        carried = approved.filtered(lambda line: line.department_id in departments - asked)
        return asked, carried

    # -- decisions -----------------------------------------------------------------------------
    def _crr_review_lines_decided(self, lines):
        """Called (once per order, with the order row locked) after lines of its review were decided."""
        self.ensure_one()
        Line = self.env["crr.review.line"]
        round_lines = self._crr_order_review_lines()
        Line._crr_open_final_lines(round_lines)
        new_state = Line._crr_round_state(round_lines)
        # touch the order row at every decision, so that a concurrent decision waiting on the lock retries
        vals = {"review_state": new_state} if new_state != self.review_state else {}
        self.sudo().with_context(crr_no_rereview=True).write(
            vals or {"review_request_date": self.review_request_date}
        )
        if not vals:
            return
        salesperson = self.user_id.partner_id
        if new_state == "approved":
            self.sudo().message_post(
                body=self.env._("The requirement review (round %(round)s) is approved.", round=self.review_round),
                partner_ids=salesperson.ids,
                subtype_xmlid="mail.mt_comment",
            )
        elif new_state == "rejected":
            rejected = round_lines.filtered(lambda line: line.state == "rejected")
            reasons = self.env._("; ").join(
                # the message adds its own full stop after the reasons
                self.env._(
                    "%(department)s: %(opinion)s",
                    department=line.department_id.name,
                    opinion=(line.opinion or "").strip().rstrip(".。"),
                )
                for line in rejected
            )
            self.sudo().message_post(
                body=self.env._(
                    "The requirement review (round %(round)s) is rejected. %(reasons)s. Revise the quotation "
                    "and request a new review.",
                    round=self.review_round,
                    reasons=reasons,
                ),
                partner_ids=salesperson.ids,
                subtype_xmlid="mail.mt_comment",
            )

    # -- re-review after edits ---------------------------------------------------------------------
    def _crr_rereview_candidates(self):
        """Quotations whose approved review is (or was just) invalidated by edits."""
        return self.filtered(
            lambda o: o.state in ("draft", "sent")
            and (o.review_state == "approved" or (o.review_state == "to_review" and o.crr_rereview_kinds))
        )

    def _crr_reviewed_fields_changed(self, kinds, labels):
        """Send approved quotations back to review after a reviewed field changed."""
        if self.env.context.get("crr_no_rereview"):
            return
        for order in self._crr_rereview_candidates():
            all_kinds = set(filter(None, (order.crr_rereview_kinds or "").split(","))) | set(kinds)
            departments = self.env["crr.department"].sudo()._crr_for_change_kinds(all_kinds, company=order.company_id)
            previous_departments = order._crr_order_review_lines().department_id
            concerned = departments & previous_departments
            order.sudo().with_context(crr_no_rereview=True).write(
                {"review_state": "to_review", "crr_rereview_kinds": ",".join(sorted(all_kinds))}
            )
            order.message_post(
                body=self.env._(
                    "Changed after the review was approved: %(fields)s. The quotation must be reviewed again by: "
                    "%(departments)s; the approvals of the other departments stand because the change does not "
                    "concern them.",
                    fields=format_list(self.env, sorted(set(labels))),
                    departments=format_list(self.env, concerned.mapped("name"))
                    or self.env._("every department of the review"),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def write(self, vals):
        if not self.env.context.get("crr_no_rereview"):
            changed = [f for f in CRR_ORDER_REVIEWED_FIELDS if f in vals]
            if changed:
                for order in self._crr_rereview_candidates():
                    really = [f for f in changed if order._fields[f].convert_to_write(order[f], order) != vals[f]]
                    if really:
                        order._crr_reviewed_fields_changed(
                            {CRR_ORDER_REVIEWED_FIELDS[f] for f in really},
                            [order._fields[f]._description_string(self.env) for f in really],
                        )
        return super().write(vals)

    # -- contract type override --------------------------------------------------------------------
    def action_override_contract_type(self, contract_type, reason):
        """Review managers set the contract type with a reason (tracked)."""
        if not self.env.user.has_group("customer_requirement_review.group_crr_manager"):
            raise UserError(self.env._("Only review managers may override the contract type."))
        if contract_type not in ("regular", "special"):
            raise UserError(self.env._("The contract type must be regular or special."))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for overriding the contract type."))
        self.sudo().with_context(crr_no_rereview=True).write(
            {
                "contract_type": contract_type,
                "contract_type_overridden": True,
                "contract_type_override_reason": reason,
            }
        )
        return True

    # -- blocks ------------------------------------------------------------------------------------
    def _crr_blocking_message(self):
        self.ensure_one()
        pending = self.crr_pending_department_ids
        if self.review_state == "in_review" and pending:
            return self.env._(
                "The requirement review of %(order)s is not approved yet: waiting for %(departments)s.",
                order=self.name,
                departments=format_list(self.env, pending.mapped("name")),
            )
        if self.review_state == "rejected":
            return self.env._(
                "The requirement review of %(order)s was rejected: revise the quotation and request a new review.",
                order=self.name,
            )
        return self.env._(
            "The requirement review of %(order)s has not been requested: click Request Review and wait for the "
            "departments' approval.",
            order=self.name,
        )

    def _crr_classify_unrequested(self):
        """Orders never sent to review are classified when confirmed: those needing none pass."""
        orders = self.filtered(
            lambda o: o.state in ("draft", "sent")
            and o.review_state == "to_review"
            and not o.review_round
            and o._crr_review_required_by_company()
        )
        if not orders:
            return {}
        classification = orders._crr_classify()
        needed = {}
        for order in orders:
            departments, contract_type = classification[order]
            if order._crr_needs_review(departments, contract_type):
                needed[order] = departments
            else:
                order.sudo().with_context(crr_no_rereview=True).write(
                    {"review_state": "not_required", "contract_type": contract_type}
                )
        return needed

    def action_confirm(self):
        self._crr_classify_unrequested()
        return super().action_confirm()

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or not self._crr_review_blocking():
            return error
        if self.review_state == "to_review" and not self.review_round:
            departments = self._crr_classify().get(self, (self.env["crr.department"], False))[0]
            return self.env._(
                "%(order)s cannot be confirmed before its requirement review: request the review; these departments "
                "must approve: %(departments)s.",
                order=self.name,
                departments=format_list(self.env, departments.mapped("name")),
            )
        return self.env._(
            "%(order)s cannot be confirmed: %(reason)s",
            order=self.name,
            reason=self._crr_blocking_message(),
        )

    def _crr_check_send_allowed(self):
        for order in self:
            if order.state in ("draft", "sent") and order.company_id.crr_block_unreviewed_send \
                    and order._crr_review_blocking():
                raise UserError(
                    self.env._(
                        "%(order)s cannot be sent to the customer before its requirement review is approved. "
                        "%(reason)s",
                        order=order.name,
                        reason=order._crr_blocking_message(),
                    )
                )

    def action_quotation_send(self):
        if not self.env.context.get("proforma"):
            self._crr_check_send_allowed()
        return super().action_quotation_send()

    def _crr_portal_blocked(self):
        self.ensure_one()
        return bool(
            self.state in ("draft", "sent")
            and self.company_id.crr_block_unreviewed_send
            and self._crr_review_blocking()
        )

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self._crr_portal_blocked()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._crr_portal_blocked()

    # -- navigation ----------------------------------------------------------------------------------
    def action_view_review_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_review_line")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "search_default_group_round": 1}
        return action

    def action_open_contract_type_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Contract Type"),
            "res_model": "crr.contract.type.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # -- change requests ---------------------------------------------------------------------------
    def _crr_change_allowed(self):
        """Changes are requested on orders whose review is approved (or not required) or that are confirmed."""
        self.ensure_one()
        if self.state == "cancel":
            return False
        return self.state == "sale" or self.review_state == "approved"

    def _crr_check_change_allowed(self):
        for order in self:
            if order.state == "cancel":
                raise UserError(
                    self.env._("%(order)s is cancelled: no change can be requested.", order=order.name)
                )
            if not order._crr_change_allowed():
                raise UserError(
                    self.env._(
                        "Changes are requested on confirmed orders or on quotations whose review is approved: "
                        "%(order)s is neither. Edit the quotation directly.",
                        order=order.name,
                    )
                )

    def action_request_change(self):
        """Open a new draft change request of the order (refused while another one is open)."""
        self.ensure_one()
        self._crr_check_change_allowed()
        open_request = self.env["crr.change.request"].search(
            [("order_id", "=", self.id), ("state", "in", ("draft", "to_review", "approved"))], limit=1
        )
        if open_request:
            raise UserError(self.env["crr.change.request"]._crr_open_request_message(open_request))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Change"),
            "res_model": "crr.change.request",
            "view_mode": "form",
            "target": "current",
            "context": {"default_order_id": self.id},
        }

    def action_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_change_request")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    # -- complaints (smart button) -----------------------------------------------------------------
    crr_complaint_ids = fields.One2many("crr.complaint", "order_id", string="Complaints")
    crr_complaint_count = fields.Integer(string="Complaint Count", compute="_compute_crr_complaint_count")

    def _compute_crr_complaint_count(self):
        counts = dict(
            self.env["crr.complaint"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.crr_complaint_count = counts.get(order, 0)

    def action_view_crr_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_complaint")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_contact_id": self.partner_id.id,
        }
        return action
