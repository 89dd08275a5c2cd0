from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope
from .sale_order import SaleOrder as SaleOrderBase


class SaleOrder(models.Model):
    """Orders that no salesperson confirms: paid online, e-commerce checkout, portal signature, other apps.

    Odoo confirms such orders itself: the payment transaction's post-processing once the customer paid
    (``payment.transaction._check_amount_and_confirm_order``), the portal signature without payment and the free
    e-commerce checkout (``_validate_order``), and any flow of another app or automated action that confirms in
    sudo (Odoo's own way of acting for a customer or a cron). A salesperson who confirms an order that needs review
    is refused; these flows are not: the company's policy (``res.company.crr_online_policy``) decides, and the
    customer's payment is never lost to a traceback.
    """

    # split by concern from sale_order.py (issue 15)
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited
    # only the module's own flows set the online confirmation status (crr.record.guard.mixin)
    _crr_action_fields = {
        **SaleOrderBase._crr_action_fields,
        "crr_online_state": "the online confirmation of the order (payment, portal signature, e-commerce checkout)",
    }

    crr_online_state = fields.Selection(
        [
            ("held", "Paid Online, Awaiting Review"),
            ("pending", "Confirmed Online, Review Pending"),
            ("exempt", "Confirmed Online, Exempt from Review"),
            ("reviewed", "Confirmed Online, Reviewed"),
        ],
        string="Confirmed Without Salesperson",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Set when the customer paid, signed or checked out the order online (or another app confirmed it) "
        "while it needed review. Awaiting review: the quotation stays a quotation until its review is approved, "
        "then the salesperson confirms it. Review pending: the order was confirmed and its review requested; with "
        "Inventory its deliveries are held until the review is approved. Exempt: a condition of the company "
        "exempted it. Reviewed: confirmed online and reviewed since.",
    )

    def write(self, vals):
        # the outermost write of the order in these addons: values that are not a dictionary are refused here,
        # before any override reads them
        self._crr_check_values_shape([vals])
        result = super().write(vals)
        if vals.get("review_state") in ("approved", "rejected"):
            self._crr_online_review_decided(vals["review_state"])
        return result

    # -- the company's policy -----------------------------------------------------------------------
    def _crr_online_decision(self):
        """What the company's policy does with ``self`` (a quotation needing review) confirmed without a
        salesperson: ``exempt``, ``pending`` (confirm, review after) or ``held`` (stays a quotation)."""
        self.ensure_one()
        company = self.company_id
        policy = company.crr_online_policy
        if policy == "review_after":
            return "pending"
        if policy == "exempt" and self.sudo().filtered_domain(company._crr_online_exempt_domain()):
            return "exempt"
        return "held"

    def _crr_online_blocked(self):
        """True if a confirmation without salesperson would leave ``self`` a quotation (review first)."""
        self.ensure_one()
        return self._crr_review_blocking() and self._crr_online_decision() == "held"

    def _crr_review_blocking(self):
        # a quotation the policy lets through (exempt, or confirmed before its review) no longer blocks
        return super()._crr_review_blocking() and self.crr_online_state not in ("pending", "exempt")

    def _crr_confirm_without_salesperson(self, channel):
        """Apply the company's policy to the orders of ``self`` that Odoo confirms without a salesperson.

        ``channel``: ``payment`` (paid online), ``portal`` (signed on the portal or free e-commerce checkout) or
        ``system`` (another app, a cron or an automated action). Returns the orders that may be confirmed now:
        those needing no review, approved, exempt (logged), or confirmed before their review (``pending``: the
        review is requested at once). The others stay quotations (``held``): their review is requested and the
        salesperson gets an activity saying what to do. Never raises because of the review.
        """
        quotations = self.filtered(lambda order: order.state in ("draft", "sent"))
        if not quotations:
            return self
        # orders never sent to review are classified now: those needing none pass
        quotations._crr_classify_unrequested()
        held = self.browse()
        for order in quotations.filtered(lambda o: o._crr_review_blocking()):
            decision = order._crr_online_decision()
            if decision == "held":
                held |= order
                if order.crr_online_state == "held":
                    continue  # already handled (a payment notified twice): no second activity
            order._crr_online_handle(decision, channel)
        return self - held

    def _crr_online_handle(self, decision, channel):
        """Record ``decision`` on the quotation ``self`` and tell the salesperson what to do."""
        self.ensure_one()
        # written in the language of the person who reads it (a payment runs in the customer's)
        self = self._crr_in_responsible_lang()  # noqa: PLW0642
        order = self.sudo()
        if decision == "exempt":
            with crr_scope():
                order.write({"crr_online_state": "exempt", "review_state": "not_required"})
            order._message_log(
                body=self.env._(
                    "%(how)s: exempt from the requirement review by the company's condition for orders confirmed "
                    "without a salesperson.",
                    how=self._crr_online_channel_label(channel),
                )
            )
            return
        # recorded before the request, so that a review approved at once (approvals carried over) releases it
        with crr_scope():
            order.write({"crr_online_state": decision})
        if decision == "held" and order.state == "draft":
            # a quotation waiting for its salesperson, as Odoo marks a quotation whose payment is pending (and
            # not an abandoned e-commerce cart whose customer would be reminded to pay)
            order.action_quotation_sent()
        requested = order._crr_online_request_review()
        how = self._crr_online_channel_label(channel)
        if decision == "pending":
            summary = self.env._("Confirmed online before its review")
            note = self.env._(
                "%(how)s: the order is confirmed before its requirement review, as the company's policy says. "
                "%(review)s Its deliveries are held until the review is approved. If the review is rejected, agree "
                "with the customer: cancel the order and refund the payment, or change the order.",
                how=how,
                review=self.env._("The review was requested.") if requested else self.env._(
                    "Request the review on the Review page."
                ),
            )
        else:
            summary = self.env._("Paid online: confirm once reviewed")
            note = self.env._(
                "%(how)s, but the quotation needs its requirement review before it can be confirmed: it stays a "
                "quotation. %(review)s Confirm the order once the review is approved; if it is rejected, agree with "
                "the customer: revise the quotation or refund the payment.",
                how=how,
                review=self.env._("The review was requested.") if requested else self.env._(
                    "Complete the requirements and request the review."
                ),
            )
        order._message_log(body=note)
        order._crr_online_activity(summary, note)

    def _crr_in_responsible_lang(self):
        self.ensure_one()
        lang = self._crr_online_responsible().lang
        return self.with_context(lang=lang) if lang else self

    def _crr_online_channel_label(self, channel):
        self.ensure_one()
        if channel == "payment":
            return self.env._("The customer paid %(order)s online", order=self.name)
        if channel == "portal":
            return self.env._("The customer confirmed %(order)s online", order=self.name)
        return self.env._("%(order)s was confirmed by an automated process", order=self.name)

    def _crr_online_request_review(self):
        """Request the review of the quotation ``self`` on behalf of the system (OdooBot), unless it is in
        review. Returns whether the review is in progress afterwards; a refusal (e.g. nothing to review) leaves
        the quotation as it was and is reported to the salesperson by the activity."""
        self.ensure_one()
        if self.review_state == "in_review":
            return True
        try:
            with self.env.cr.savepoint():
                self.with_user(SUPERUSER_ID).action_request_review()
        except UserError:
            return False
        return self.review_state == "in_review"

    def _crr_online_responsible(self):
        """Who is told what to do with an order confirmed without a salesperson."""
        self.ensure_one()
        candidates = (self.user_id, self.team_id.user_id, self.env.ref("base.user_admin", raise_if_not_found=False))
        for user in candidates:
            # a person: not OdooBot (orders created by the system), the public user, a portal user nor archived
            if user and user.id != SUPERUSER_ID and user.active and not user.share:
                return user
        return self.env["res.users"].browse(SUPERUSER_ID)

    def _crr_online_activity(self, summary, note):
        self.ensure_one()
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=self._crr_online_responsible().id,
        )

    def _crr_online_review_decided(self, review_state):
        """The review of orders confirmed (or paid) online was decided: release or tell the salesperson."""
        orders = self.filtered(lambda o: o.crr_online_state in ("pending", "held"))
        if not orders:
            return
        if review_state == "approved":
            pending = orders.filtered(lambda o: o.crr_online_state == "pending")
            if pending:
                with crr_scope():
                    pending.sudo().write({"crr_online_state": "reviewed"})
                pending._crr_hold_deliveries(False)
                for order in pending:
                    order = order._crr_in_responsible_lang()
                    order.sudo()._message_log(
                        body=order.env._("The review of this order confirmed online is approved: its deliveries are "
                                         "released.")
                    )
            for order in orders - pending:
                order = order._crr_in_responsible_lang()
                order._crr_online_activity(
                    order.env._("Review approved: confirm the paid order"),
                    order.env._("The review of %(order)s, paid online, is approved: confirm the order.",
                                order=order.name),
                )
        else:
            for order in orders:
                order = order._crr_in_responsible_lang()
                order._crr_online_activity(
                    order.env._("Review rejected: agree with the customer"),
                    order.env._(
                        "The review of %(order)s, paid online, is rejected. Agree with the customer: cancel the order "
                        "and refund the payment, or change the order.",
                        order=order.name,
                    ),
                )

    # -- the hook of the Inventory bridge -------------------------------------------------------------
    def _crr_hold_deliveries(self, hold):
        """Hook: hold (``hold=True``) or release (``False``) the deliveries of the orders ``self``.

        Called with ``True`` right after orders were confirmed before their review (``crr_online_state`` is
        ``pending``; their deliveries exist), and with ``False`` once their review is approved (the state is then
        ``reviewed``). Sales alone has no deliveries: nothing to do here. The Inventory bridge
        (``customer_requirement_review_stock``) overrides it; ``_crr_delivery_held()`` says whether an order's
        deliveries must be held.
        """
        return True

    def _crr_delivery_held(self):
        """Whether the deliveries of the order ``self`` must wait for its review (confirmed before it)."""
        self.ensure_one()
        return self.state == "sale" and self.crr_online_state == "pending"

    # -- Odoo's entry points -------------------------------------------------------------------------
    def _validate_order(self):
        """Portal signature without payment and free e-commerce checkout: Odoo confirms for the customer."""
        confirmable = self._crr_confirm_without_salesperson("portal")
        if confirmable:
            return super(SaleOrder, confirmable)._validate_order()
        return None

    def action_confirm(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        if self.env.su:
            # Odoo acting for a customer, a cron, another app or an automated action: no salesperson confirms
            confirmable = self._crr_confirm_without_salesperson("system")
            result = super(SaleOrder, confirmable).action_confirm() if confirmable else True
        else:
            result = super().action_confirm()
        confirmed = self.filtered(lambda o: o.state == "sale")
        # paid online, held for review, confirmed by the salesperson once approved
        with crr_scope():
            confirmed.filtered(lambda o: o.crr_online_state == "held").sudo().write({"crr_online_state": "reviewed"})
        pending = confirmed.filtered(lambda o: o.crr_online_state == "pending")
        if pending:
            pending._crr_hold_deliveries(True)
        return result

    # -- portal: review before the customer signs or pays ---------------------------------------------
    def _crr_portal_blocked(self):
        # the portal is closed to unreviewed quotations only where the policy reviews them first
        return super()._crr_portal_blocked() and self._crr_online_decision() == "held"
