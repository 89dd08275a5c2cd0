from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_scope
from .crr_role_door import crr_role_door

CONCLUSIONS = [
    ("accept", "Accept"),
    ("accept_measures", "Accept with Special Measures"),
    ("decline", "Decline"),
]
CONCLUDE_ACTIONS = "action_crr_conclude / action_crr_decline"
CONCLUSION_FIELDS = {
    "crr_conclusion": CONCLUDE_ACTIONS,
    "crr_special_measures": CONCLUDE_ACTIONS,
    "crr_decline_reason": "action_crr_decline",
    "crr_concluded_by_id": CONCLUDE_ACTIONS,
    "crr_conclusion_date": CONCLUDE_ACTIONS,
    "crr_conclusion_round": CONCLUDE_ACTIONS,
}


class SaleOrder(models.Model):
    """The review's conclusion (评审结论): A) the terms are clear, do we accept; B) the special measures the
    company takes. An order that cannot be accepted is declined: the quotation is cancelled with the reason and
    the customer is told in writing (通知客户无法接单: a mail template and its PDF letter)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_conclusion = fields.Selection(
        CONCLUSIONS, string="Review Conclusion", readonly=True, copy=False, tracking=True, index="btree_not_null"
    )
    crr_special_measures = fields.Text(
        string="Special Measures", readonly=True, copy=False, tracking=True,
        help="What the company must do to meet the customer's special terms (conclusion B of the review form).",
    )
    crr_decline_reason = fields.Text(string="Decline Reason", readonly=True, copy=False, tracking=True)
    crr_concluded_by_id = fields.Many2one("res.users", string="Concluded By", readonly=True, copy=False)
    crr_conclusion_date = fields.Datetime(string="Concluded On", readonly=True, copy=False)
    crr_conclusion_round = fields.Integer(string="Conclusion of Round", readonly=True, copy=False)

    def _register_hook(self):
        # the conclusion's fields are action-only (crr.record.guard.mixin), whichever extension of sale.order
        # defines _crr_action_fields last
        cls = type(self)
        cls._crr_action_fields = {**cls._crr_action_fields, **CONCLUSION_FIELDS}
        return super()._register_hook()

    # -- who concludes ------------------------------------------------------------------------------
    def _crr_concluder_door(self):
        """Valid ids of existing orders of the user's companies, and a concluder: the general manager need not
        see the salesperson's order (the role is checked instead, the actions then run as sudo)."""
        crr_role_door(self)
        self._crr_check_concluder()

    def _crr_check_concluder(self):
        """Review managers (the sales/market manager who approves the consolidated form) and the general
        manager (the reviewers of the company's final approval) conclude and decline."""
        user = self.env.user
        if self.env.su or user.has_group("customer_requirement_review.group_crr_manager"):
            return
        final = self.env["crr.department"].sudo().search(
            [
                ("company_id", "in", self.sudo().company_id.ids),
                ("is_final_approval", "=", True),
                ("user_ids", "in", user.ids),
            ]
        )
        if user._has_group("customer_requirement_review.group_crr_reviewer") and \
                set(self.sudo().company_id.ids) <= set(final.company_id.ids):
            return
        raise AccessError(
            self.env._("Only review managers and the general manager conclude a review or decline an order.")
        )

    def _crr_check_quotations(self):
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("Only a quotation is concluded or declined: %(order)s is not one.", order=order.name)
                )

    # -- actions ------------------------------------------------------------------------------------
    def action_crr_conclude(self, conclusion, measures=None):
        """Conclude the approved review: ``accept``, or ``accept_measures`` with the special ``measures``."""
        self._crr_concluder_door()
        if conclusion not in ("accept", "accept_measures"):
            raise UserError(
                self.env._("Conclude with accept or accept_measures; to decline, use action_crr_decline.")
            )
        measures = self.env["crr.guard.mixin"]._crr_text_arg(measures, self.env._("special measures"))
        if conclusion == "accept_measures" and not (measures or "").strip():
            raise UserError(self.env._("Write the special measures the company takes to accept the order."))
        self = self.sudo()  # noqa: PLW0642 - door and role checked above, uid kept for tracking
        self._crr_check_quotations()
        for order in self:
            if order.review_state not in ("approved", "not_required"):
                raise UserError(
                    self.env._(
                        "%(order)s is accepted once its review is approved: %(reason)s",
                        order=order.name,
                        reason=order._crr_blocking_message(),
                    )
                )
        with crr_scope():
            self.sudo().write(
                {
                    "crr_conclusion": conclusion,
                    "crr_special_measures": measures if conclusion == "accept_measures" else False,
                    "crr_decline_reason": False,
                    "crr_concluded_by_id": self.env.uid,
                    "crr_conclusion_date": fields.Datetime.now(),
                }
            )
            for order in self:
                order.sudo().crr_conclusion_round = order.review_round
        return True

    def action_crr_decline(self, reason):
        """Decline the quotations (通知客户无法接单): cancelled as lost with the ``reason``; returns the mail
        composer with the letter to the customer (one order)."""
        self._crr_concluder_door()
        reason = self.env["crr.guard.mixin"]._crr_text_arg(reason, self.env._("reason"), required=True)
        orders = self.sudo()
        orders._crr_check_quotations()
        now = fields.Datetime.now()
        with crr_scope():
            for order in orders:
                order.write(
                    {
                        "crr_conclusion": "decline",
                        "crr_special_measures": False,
                        "crr_decline_reason": reason,
                        "crr_concluded_by_id": self.env.uid,
                        "crr_conclusion_date": now,
                        "crr_conclusion_round": order.review_round,
                    }
                )
        # the quotation is lost: cancelled (a review in progress ends with it)
        orders._action_cancel()
        for order in orders:
            order.message_post(
                body=self.env._("Declined: the order cannot be accepted. Reason: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_note",
            )
        if len(self) == 1:
            return orders.action_crr_decline_letter()
        return True

    def action_crr_decline_letter(self):
        """The mail composer with the letter telling the customer that the order cannot be accepted."""
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        if self.crr_conclusion != "decline":
            raise UserError(self.env._("%(order)s is not declined: there is no letter to send.", order=self.name))
        template = self.env.ref("customer_requirement_review.mail_template_crr_decline", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tell the Customer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "sale.order",
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                "force_email": True,
            },
        }

    def action_crr_open_conclusion_wizard(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review Conclusion"),
            "res_model": "crr.conclusion.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_conclusion": "accept" if self.review_state in ("approved", "not_required") else "decline",
            },
        }

    # -- a new review round needs a new conclusion ----------------------------------------------------
    def action_request_review(self):
        result = super().action_request_review()
        # the conclusion (and a former decline, the order revived) is tracked in the chatter
        concluded = self.filtered("crr_conclusion")
        if concluded:
            with crr_scope():
                concluded.sudo().write(
                    {
                        "crr_conclusion": False,
                        "crr_special_measures": False,
                        "crr_decline_reason": False,
                        "crr_concluded_by_id": False,
                        "crr_conclusion_date": False,
                        "crr_conclusion_round": 0,
                    }
                )
        return result
