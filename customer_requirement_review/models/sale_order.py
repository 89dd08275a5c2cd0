from babel import dates as babel_dates

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list
from odoo.tools.misc import babel_locale_parse

from .crr_record_guard_mixin import crr_flag, crr_scope


class SaleOrder(models.Model):
    """The quotation's requirement review: fields, confirmation and sending blocks, navigation, records kept.

    The review itself (a subject of ``crr.review.mixin``) is in ``sale_order_review.py``, the rule facts in
    ``sale_order_rule_facts.py``, the gatekeeping of change requests in ``sale_order_change_gate.py``.
    """

    _name = "sale.order"
    _inherit = ["sale.order", "crr.review.mixin", "crr.record.guard.mixin"]
    _crr_action_fields = {
        "review_state": "action_request_review (then the review lines' action_approve / action_reject)",
        "review_round": "action_request_review",
        "review_requested_by_id": "action_request_review",
        "review_request_date": "action_request_review",
        "crr_rereview_kinds": "action_request_review",
        "contract_type": "action_override_contract_type",
        "contract_type_overridden": "action_override_contract_type",
        "contract_type_override_reason": "action_override_contract_type",
        "crr_open_requirement_keys": "the requirements' Response and action_close_deficiency (computed from them)",
        # the rule facts: computed from the order when its review is requested, the record of why the rules
        # asked these departments
        **dict.fromkeys(
            (
                "crr_has_new_product", "crr_is_first_order", "crr_margin_percent", "crr_all_in_stock",
                "crr_payment_term_days", "crr_large_order", "crr_over_authority", "crr_low_margin",
                "crr_long_payment", "crr_commitment_id", "crr_within_commitment", "crr_beyond_capacity",
                "crr_collection_risk",
            ),
            "action_request_review (the rule facts are computed from the order when its review is requested)",
        ),
        "crr_sample_approved": "action_request_review or the customer's approval of a sample (computed from the "
        "samples)",
    }

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
            ("not_requested", "Not Requested"),
            ("not_required", "Not Required"),
            ("to_review", "To Review"),
            ("in_review", "In Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Review Status",
        default="not_requested",
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
    # the salesperson's guidance in the quotation's header (form only: not stored)
    crr_waiting_for = fields.Char(
        string="Waiting For",
        compute="_compute_crr_waiting_for",
        help="The departments of the current review round that have not decided yet, with their deadline.",
    )
    crr_review_conditions = fields.Text(
        string="Conditions of the Approval",
        compute="_compute_crr_waiting_for",
        help="The conditions the departments attached to their approval in the current review round.",
    )
    crr_review_blocking = fields.Boolean(
        string="Review Blocks Confirmation",
        compute="_compute_crr_review_blocking",
        help="The quotation needs its requirement review and the review is not approved yet: it cannot be "
        "confirmed (nor sent, when the company blocks sending).",
    )
    crr_send_blocked = fields.Boolean(string="Sending Blocked by the Review", compute="_compute_crr_review_blocking")
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
    crr_over_authority = fields.Boolean(
        string="Beyond Salesperson's Authority",
        readonly=True,
        copy=False,
        help="Untaxed amount (in the company's currency) above the authority limit of the order's salesperson in "
        "this company (Settings > Users). Computed when the review is requested.",
    )
    crr_is_urgent = fields.Boolean(
        string="Urgent Order",
        copy=False,
        tracking=True,
        help="Urgent order (紧急订单): when its review is requested, every department of every step is asked at "
        "once (the general manager still approves last) with the company's shorter urgent review deadline.",
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
            lines = order._crr_round_lines()
            order.crr_pending_department_ids = lines.filtered(
                lambda line: line.state in ("pending", "waiting")
            ).department_id

    @api.depends("review_line_ids.state", "review_line_ids.deadline", "review_round", "review_state")
    def _compute_crr_waiting_for(self):
        """"Waiting for: Production (due 2 Dec), Finance": the undecided lines of the current round of the orders
        in review; and the conditions of the approvals. The lines of all the orders are read in one query."""
        reviewed = self.filtered(lambda o: o.review_state in ("in_review", "approved") and o.id)
        (self - reviewed).crr_waiting_for = False
        (self - reviewed).crr_review_conditions = False
        if not reviewed:
            return
        lines = self.env["crr.review.line"].sudo().search_fetch(
            [
                ("order_id", "in", reviewed.ids),
                ("change_request_id", "=", False),
                ("is_current_round", "=", True),
                ("state", "in", ("pending", "waiting", "approved_conditions")),
            ],
            ["order_id", "department_id", "state", "deadline", "step", "is_final_approval", "conditions"],
            order="is_final_approval, step, sequence, id",
        )
        by_order = lines.grouped("order_id")
        for order in reviewed:
            order_lines = by_order.get(order, lines.browse())
            order.crr_review_conditions = "\n".join(
                self.env._("%(department)s: %(conditions)s", department=line.department_id.name,
                           conditions=(line.conditions or "").strip())
                for line in order_lines
                if line.state == "approved_conditions"
            ) or False
            order.crr_waiting_for = self._crr_waiting_for_text(order_lines)

    @api.model
    def _crr_waiting_for_text(self, lines):
        """"Waiting for: Production (due 2 Dec), Finance": the undecided ``lines`` (of one round, in the order of
        its steps), or False."""
        parts = []
        locale = None
        for line in lines.filtered(lambda line: line.state in ("pending", "waiting")):
            if line.state == "pending" and line.deadline:
                locale = locale or babel_locale_parse(self.env.lang or "en_US")
                parts.append(
                    self.env._(
                        "%(department)s (due %(date)s)",
                        department=line.department_id.name,
                        date=babel_dates.format_skeleton("MMMd", line.deadline, locale=locale),
                    )
                )
            else:
                parts.append(line.department_id.name)
        return self.env._("Waiting for: %(departments)s", departments=format_list(self.env, parts)) if parts else False

    @api.depends("review_state", "state", "company_id")
    def _compute_crr_review_blocking(self):
        for order in self:
            blocking = bool(order.state in ("draft", "sent") and order._crr_review_blocking())
            order.crr_review_blocking = blocking
            order.crr_send_blocked = blocking and order.company_id.crr_block_unreviewed_send

    @api.model
    def _crr_init_existing_orders(self):
        """At install: orders already confirmed or cancelled never need a review."""
        self.env.cr.execute(
            "UPDATE sale_order SET review_state = 'not_required' WHERE state IN ('sale', 'cancel') AND review_round = 0"
        )
        self.invalidate_model(["review_state"])


    # -- blocks ------------------------------------------------------------------------------------
    def _crr_review_required_by_company(self):
        self.ensure_one()
        return self.company_id.crr_review_mode != "off"

    def _crr_review_blocking(self):
        """True while the quotation needs review and is not approved."""
        self.ensure_one()
        return self._crr_review_required_by_company() and self.review_state not in ("approved", "not_required")


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
            and o.review_state in ("not_requested", "to_review")
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
                with crr_scope():
                    order.sudo().write({"review_state": "not_required", "contract_type": contract_type})
        return needed

    def action_confirm(self):
        self._crr_door("write")
        self._crr_classify_unrequested()
        return super().action_confirm()

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or not self._crr_review_blocking():
            return error
        if self.review_state in ("not_requested", "to_review") and not self.review_round:
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

    def action_quotation_sent(self):
        """Mark as sent is sending too: blocked like Send while the review is not approved (the payment flow,
        which marks a quotation sent when a payment is pending, runs as superuser and is not blocked)."""
        self._crr_door("write")
        if not self.env.su:
            self._crr_check_send_allowed()
        return super().action_quotation_sent()

    def action_quotation_send(self):
        # pro-forma invoices too: a client may send any context key
        self._crr_door("read")
        if not self:
            raise UserError(self.env._("Select the quotations or orders to send (none was given)."))
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


    def write(self, vals):
        if vals.get("state") == "sale" and not crr_flag("action"):
            # a confirmation written directly (not through action_confirm) still needs the approved review
            for order in self.filtered(lambda o: o.state in ("draft", "sent") and o._crr_review_blocking()):
                raise UserError(
                    self.env._(
                        "%(order)s is confirmed through action_confirm only, once its review is approved: %(reason)s",
                        order=order.name,
                        reason=order._crr_blocking_message(),
                    )
                )
        return super().write(vals)

    def _action_cancel(self):
        """A review in progress ends with the order's cancellation: its round is superseded."""
        in_review = self.filtered(lambda o: o.review_state == "in_review")
        for order in in_review:
            order._crr_close_round()
        if in_review:
            with crr_scope():
                in_review.sudo().write({"review_state": "to_review"})
        return super()._action_cancel()

    # -- records kept --------------------------------------------------------------------------------
    def _crr_kept_message(self):
        kept = self.filtered(lambda o: o.review_round or o.change_request_ids or o.crr_complaint_ids)
        if not kept:
            return None
        return self.env._(
            "%(order)s has a requirement review, change requests or complaints: it is kept as their record and "
            "cannot be deleted (until %(retention)s at least). Cancel it instead.",
            order=kept[0].name,
            retention=kept[0].crr_retention_date or self.env._("the order is done plus the retention period"),
        )

    @api.depends("state", "invoice_status", "date_order", "company_id.crr_retention_years_order")
    def _compute_crr_retention_date(self):
        for order in self:
            order.crr_retention_date = order.company_id._crr_retention_date(
                order._crr_done_date(), order.company_id.crr_retention_years_order
            )

    def _crr_done_date(self):
        """When the order was done: fully invoiced (its last invoice date), or cancelled (its order date);
        False while it runs."""
        self.ensure_one()
        if self.state == "cancel":
            return self.date_order and self.date_order.date()
        if self.state == "sale" and self.invoice_status == "invoiced":
            dates = self.invoice_ids.filtered(lambda move: move.state == "posted").mapped("invoice_date")
            return max(filter(None, dates), default=False) or (self.date_order and self.date_order.date())
        return False

    # -- navigation ----------------------------------------------------------------------------------
    # -- access -------------------------------------------------------------------------------------
    def _crr_door(self, operation):
        """Ids, access and company of the orders a public method touches, checked before any ``sudo()``."""
        return self.env["crr.guard.mixin"]._crr_check_records(self, operation)

    def action_view_review_lines(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_review_line")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "search_default_group_round": 1}
        return action

    def action_open_contract_type_wizard(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Contract Type"),
            "res_model": "crr.contract.type.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }


    # -- complaints (smart button) -----------------------------------------------------------------
    crr_complaint_ids = fields.One2many("crr.complaint", "order_id", string="Complaints")
    crr_retention_date = fields.Date(
        string="Keep Records Until",
        compute="_compute_crr_retention_date",
        help="The order, its review, changes and complaints are kept until this date: the end of the calendar "
        "year in which the order was done (fully invoiced, or cancelled) plus the company's retention period. "
        "Empty while the order runs.",
    )
    crr_complaint_count = fields.Integer(string="Complaint Count", compute="_compute_crr_complaint_count")

    def _compute_crr_complaint_count(self):
        counts = dict(
            self.env["crr.complaint"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.crr_complaint_count = counts.get(order, 0)

    def action_view_crr_complaints(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_complaint")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_contact_id": self.partner_id.id,
        }
        return action

