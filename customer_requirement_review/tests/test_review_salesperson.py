from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewSalesperson(CrrReviewCommon):
    """The salesperson's side of the review (issue 18): "Not Requested" before any request, Mark as Sent blocked
    like Send, the written confirmation checked at the request, the feedback after the request, the "Waiting
    for" line; and the approval with conditions, a state of its own counted as approved."""

    # -- approval with conditions ------------------------------------------------------------------
    def test_conditions_required_to_approve_with_conditions(self):
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        line = order._crr_round_lines()
        reviewer = self.reviewers["sales"]
        for empty in (None, "", "   "):
            with self.assertRaisesRegex(UserError, "Write the conditions to approve"):
                line.with_user(reviewer).action_approve_with_conditions(opinion="Fine", conditions=empty)
        # the dialog refuses empty conditions the same way, nothing is decided
        wizard = self.env["crr.review.decision.wizard"].with_user(reviewer).create(
            {"line_id": line.id, "decision": "approved", "opinion": "Fine"}
        )
        with self.assertRaisesRegex(UserError, "Write the conditions"):
            wizard.action_confirm()
        self.assertEqual(line.state, "pending")
        self.assertEqual(order.review_state, "in_review")

    def test_approved_with_conditions_is_its_own_state_and_counts_as_approved(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines()
        production = lines.filtered(lambda line: line.department_id.code == "production")
        # the lines were created in an earlier request (Odoo does not track a record created in the same one)
        self._flush_tracking()
        wizard = self.env["crr.review.decision.wizard"].with_user(self.reviewers["production"]).create(
            {"line_id": production.id, "decision": "approved", "opinion": "Capacity is tight",
             "conditions": "Delivery not before week 12"}
        )
        wizard.action_confirm()
        self.assertEqual(production.state, "approved_conditions")
        labels = dict(production._fields["state"]._description_selection(self.env))
        self.assertEqual(labels["approved_conditions"], "Approved with Conditions")
        # the decision's chatter (tracking) shows the state of its own
        self._flush_tracking()
        tracked = production.sudo().message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertIn("Approved with Conditions", tracked.mapped("new_value_char"))
        # the next steps open and the round is approved: the engine counts it as approved
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(production.state, "approved_conditions")
        # the approval message names the conditions, for the salesperson (the status change's chatter entry)
        self._flush_tracking()
        approval = order.message_ids.filtered(lambda m: "approved with conditions" in (m.body or ""))
        self.assertEqual(len(approval), 1)
        self.assertIn("Delivery not before week 12", approval.body)
        # and the salesperson is told (the notice the job sends, with the same text)
        notice = self.env["crr.review.notice"].sudo().search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(notice.user_id, self.salesperson)
        self.assertIn("Delivery not before week 12", notice.body)
        # and the quotation's header shows them
        order.invalidate_recordset(["crr_review_conditions"])
        self.assertIn("Delivery not before week 12", order.with_user(self.salesperson).crr_review_conditions)
        # the PDF shows the state and the conditions
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_requirement_review.action_report_crr_review", order.ids
        )[0].decode()
        self.assertIn("Approved with Conditions", html)
        self.assertIn("Delivery not before week 12", html)
        self.assertIn("with the conditions below", html)
        # confirmation works
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_round_result_notice_written_with_its_job_trigger(self):
        """The decision that ends the round writes the salesperson's notice and the trigger of its job in one
        statement: the body sanitized as the field does (the reviewer's conditions are text), the decider as its
        author, the job due at once; the job then tells the salesperson and removes the notice."""
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines()
        production = lines.filtered(lambda line: line.department_id.code == "production")
        production.with_user(self.reviewers["production"]).action_approve(
            opinion="OK", conditions="Week 12 <script>alert('x')</script> & <b>pallets</b>"
        )
        cron = self.env.ref("customer_requirement_review.ir_cron_crr_review_notices")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers_before = Trigger.search([("cron_id", "=", cron.id)])
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        Notice = self.env["crr.review.notice"].sudo()
        notice = Notice.search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.user_id, self.salesperson)
        self.assertFalse(notice.partner_id)
        self.assertIn("Week 12", notice.body)
        self.assertNotIn("<script", notice.body)
        deciders = order._crr_round_lines().reviewer_id
        self.assertIn(notice.create_uid, deciders)
        self.assertNotEqual(notice.create_uid, self.env.ref("base.user_root"))
        new_triggers = Trigger.search([("cron_id", "=", cron.id)]) - triggers_before
        self.assertEqual(len(new_triggers), 1)
        self.assertLessEqual(new_triggers.call_at, fields.Datetime.now())
        # the job tells the salesperson, with the decider as author, then removes the notice
        author = notice.create_uid.partner_id
        self.assertEqual(Notice._cron_send(), 1)
        self.env.flush_all()
        sent = self.env["mail.message"].sudo().search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("message_type", "=", "user_notification")]
        )
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.notification_ids.res_partner_id, self.salesperson.partner_id)
        self.assertEqual(sent.author_id, author)
        self.assertNotIn("<script", sent.body)
        self.assertFalse(notice.exists())

    def test_carried_over_conditional_approval_keeps_its_state(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines()
        production = lines.filtered(lambda line: line.department_id.code == "production")
        production.with_user(self.reviewers["production"]).action_approve(opinion="OK", conditions="Week 12")
        self.assertEqual(production.state, "approved_conditions")
        procurement = lines.filtered(lambda line: line.department_id.code == "procurement")
        procurement.with_user(self.reviewers["procurement"]).action_reject(opinion="No supplier")
        self.assertEqual(order.review_state, "rejected")
        action = order.with_user(self.salesperson).action_request_review()
        order.invalidate_recordset(["crr_waiting_for"])
        self.assertEqual(action["params"]["message"], f"Review of {order.name} requested. {order.crr_waiting_for}")
        self.assertNotIn("Production", order.crr_waiting_for)
        carried = order._crr_round_lines().filtered(lambda line: line.department_id.code == "production")
        self.assertTrue(carried.carried_over)
        self.assertEqual(carried.state, "approved_conditions")
        self.assertEqual(carried.conditions, "Week 12")

    # -- the salesperson -----------------------------------------------------------------------------
    def test_not_requested_then_feedback_and_waiting_for(self):
        order = self._order(products=[self.good])
        self.assertEqual(order.review_state, "not_requested")
        labels = dict(order._fields["review_state"]._description_selection(self.env))
        self.assertEqual(labels["not_requested"], "Not Requested")
        self.assertTrue(order.crr_review_blocking)
        self.assertFalse(order.crr_waiting_for)
        action = order.with_user(self.salesperson).action_request_review()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertIn(order.name, action["params"]["message"])
        self.assertIn("Production", action["params"]["message"])
        order.invalidate_recordset(["crr_waiting_for"])
        waiting = order.with_user(self.salesperson).crr_waiting_for
        self.assertTrue(waiting.startswith("Waiting for: "), waiting)
        # the notification names them from the lines just created, as the header does from the round
        self.assertEqual(action["params"]["message"], f"Review of {order.name} requested. {waiting}")
        for name in ("Sales", "Production", "Procurement"):
            self.assertIn(name, waiting)
        self.assertIn("(due ", waiting)
        self._approve_all(order, codes=["production"])
        order.invalidate_recordset(["crr_waiting_for"])
        self.assertNotIn("Production", order.crr_waiting_for)
        self._approve_all(order)
        order.invalidate_recordset(["crr_waiting_for", "crr_review_blocking"])
        self.assertFalse(order.crr_waiting_for)
        self.assertFalse(order.crr_review_blocking)

    def test_waiting_for_is_computed_in_one_query_for_many_orders(self):
        orders = self._order(products=[self.good]) | self._order(products=[self.service])
        orders.with_user(self.salesperson).action_request_review()
        orders.invalidate_recordset()
        orders.mapped("review_state")
        with self.assertQueryCount(2):  # the lines, then their departments' names
            values = orders.mapped("crr_waiting_for")
        self.assertTrue(all(values))

    def test_mark_as_sent_blocked_during_review(self):
        order = self._order(products=[self.service])
        with self.assertRaisesRegex(UserError, "cannot be sent to the customer"):
            order.with_user(self.salesperson).action_quotation_sent()
        order.with_user(self.salesperson).action_request_review()
        with self.assertRaisesRegex(UserError, "cannot be sent to the customer.*waiting for Sales"):
            order.with_user(self.salesperson).action_quotation_sent()
        self.assertEqual(order.state, "draft")
        order._crr_round_lines().with_user(self.reviewers["sales"]).action_approve()
        order.with_user(self.salesperson).action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_written_confirmation_checked_at_request(self):
        order = self._order(products=[self.service], order_source="phone")
        with self.assertRaisesRegex(UserError, "oral or phone order.*before requesting the review"):
            order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.review_state, "not_requested")
        self.assertFalse(order.review_line_ids)
        order.with_user(self.salesperson).written_confirmation = True
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.review_state, "in_review")
