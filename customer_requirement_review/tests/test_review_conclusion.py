"""The review's conclusion: accept, accept with special measures (text required), decline (通知客户无法接单): the
quotation cancelled as lost with the reason, the letter to the customer (mail template and PDF) opened in the
composer; the conclusion prints on the review form. Over the ORM and XML-RPC."""

import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewConclusion(CrrReviewCommon, HttpCase):

    def _approved(self):
        order = self._order()
        order.action_request_review()
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        return order

    def test_accept_with_special_measures(self):
        order = self._approved()
        # only review managers and the general manager conclude
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_crr_conclude("accept")
        with self.assertRaisesRegex(UserError, "special measures"):
            order.with_user(self.manager).action_crr_conclude("accept_measures", "  ")
        with self.assertRaisesRegex(UserError, "action_crr_decline"):
            order.with_user(self.manager).action_crr_conclude("decline")
        # the conclusion is action-only
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            order.with_user(self.manager).write({"crr_conclusion": "accept"})
        order.with_user(self.reviewers["general_manager"]).action_crr_conclude(
            "accept_measures", "Dedicated inspection of the first lot."
        )
        self.assertEqual(order.crr_conclusion, "accept_measures")
        self.assertEqual(order.crr_concluded_by_id, self.reviewers["general_manager"])
        self.assertEqual(order.crr_conclusion_round, order.review_round)
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_review", res_ids=order.ids
        )
        text = html.decode()
        self.assertIn("Accept with Special Measures", text)
        self.assertIn("Dedicated inspection of the first lot.", text)
        # a new round needs a new conclusion
        order.order_line[0].price_unit = 80.0
        order.action_request_review()
        self.assertFalse(order.crr_conclusion)

    def test_accept_needs_approved_review(self):
        order = self._order()
        order.action_request_review()
        with self.assertRaisesRegex(UserError, "once its review is approved"):
            order.with_user(self.manager).action_crr_conclude("accept")

    def test_decline_cancels_and_prepares_the_letter(self):
        order = self._order(products=[self.new_good], client_order_ref="PO-4711")
        order.action_request_review()
        self.assertEqual(order.review_state, "in_review")
        with self.assertRaises(AccessError):
            order.with_user(self.reviewers["sales"]).action_crr_decline("No capacity")
        with self.assertRaisesRegex(UserError, "reason"):
            order.with_user(self.manager).action_crr_decline("")
        self.assertEqual(order.state, "draft")
        action = order.with_user(self.manager).action_crr_decline("Beyond our capacity in the requested period.")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.crr_conclusion, "decline")
        self.assertEqual(order.crr_decline_reason, "Beyond our capacity in the requested period.")
        # the round in progress ended with the quotation
        self.assertFalse(order._crr_round_lines().filtered(lambda line: line.state in ("pending", "waiting")))
        # the composer opens with the letter's template, which attaches the PDF letter
        self.assertEqual(action["res_model"], "mail.compose.message")
        template = self.env.ref("customer_requirement_review.mail_template_crr_decline")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        self.assertIn(
            self.env.ref("customer_requirement_review.action_report_crr_decline_letter"), template.report_template_ids
        )
        composer = self.env["mail.compose.message"].with_user(self.manager).with_context(**action["context"]).create({})
        self.assertIn("cannot be accepted", composer.subject)
        self.assertIn("Beyond our capacity", composer.body)
        # (a PDF outside tests; tests render the report as HTML)
        self.assertTrue(composer.attachment_ids[:1].name.startswith(f"Order Cannot Be Accepted - {order.name}."))
        composer.action_send_mail()
        self.assertIn("cannot be accepted", order.message_ids[0].subject or "")
        # the letter prints
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_decline_letter", res_ids=order.ids
        )
        self.assertIn("We Cannot Accept It", html.decode())
        self.assertIn("PO-4711", html.decode())
        # a declined (cancelled) order is declined once
        with self.assertRaisesRegex(UserError, "Only a quotation"):
            order.with_user(self.manager).action_crr_decline("again")

    def test_xmlrpc(self):
        order = self._approved()
        declined = self._order(products=[self.new_good])

        def rpc(user, method, ids, *args):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, "sale.order", method, [ids, *args]
            )

        def refused(message, user, method, ids, *args):
            with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"), \
                    self.assertRaises(xmlrpc.client.Fault) as caught:
                rpc(user, method, ids, *args)
            self.assertIn(message, caught.exception.faultString)

        refused("changes only through its action", self.manager, "write", order.ids, {"crr_conclusion": "accept"})
        refused("Only review managers", self.salesperson, "action_crr_conclude", order.ids, "accept")
        refused("must be a text", self.manager, "action_crr_decline", declined.ids, 42)
        rpc(self.manager, "action_crr_conclude", order.ids, "accept")
        action = rpc(self.manager, "action_crr_decline", declined.ids, "The customer's 40 bar rating is beyond us.")
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.env.invalidate_all()
        self.assertEqual(order.crr_conclusion, "accept")
        self.assertEqual((declined.state, declined.crr_conclusion), ("cancel", "decline"))
