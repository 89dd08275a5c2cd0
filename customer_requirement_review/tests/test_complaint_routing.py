from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_complaint_flow import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintRouting(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_dept = cls.env.ref("customer_requirement_review.crr_department_sales")
        cls.logistics = cls.env.ref("customer_requirement_review.crr_department_logistics")
        cls.dispatcher = new_test_user(
            cls.env, login="crr_route_dispatch", groups="customer_requirement_review.group_crr_reviewer",
            name="Dispatcher",
        )
        cls.Route = cls.env["crr.complaint.route"]
        # delivery complaints: logistics; delivery complaints by phone: the dispatcher in person
        cls.Route.create({"category": "delivery", "department_id": cls.logistics.id})
        cls.Route.create({"channel": "phone", "category": "delivery", "department_id": cls.logistics.id,
                          "user_id": cls.dispatcher.id})
        cls.logistics.user_ids = [Command.link(cls.reviewer2.id)]
        cls.new_type = cls.env.ref("customer_requirement_review.mail_activity_crr_complaint_new")
        cls.capa_type = cls.env.ref("customer_requirement_review.mail_activity_crr_capa")

    def test_most_specific_route_wins(self):
        by_phone = self._complaint(category="delivery", channel="phone")
        self.assertEqual((by_phone.department_id, by_phone.user_id), (self.logistics, self.dispatcher))
        # channel not routed specifically: the category route, owned by the department's first reviewer
        by_fax = self._complaint(category="delivery", channel="fax")
        self.assertEqual((by_fax.department_id, by_fax.user_id), (self.logistics, self.reviewer2))
        # the category route of the common fixture: quality, owned by the reviewer (not the salesperson)
        quality = self._complaint(category="quality", channel="visit")
        self.assertEqual((quality.department_id, quality.user_id), (self.quality, self.reviewer))
        # nothing routed: the quality department (empty here: no owner, nobody invented)
        other = self._complaint(category="packaging")
        self.assertEqual(other.department_id, self.quality)
        # an owner chosen explicitly stays
        chosen = self._complaint(category="delivery", user_id=self.manager.id)
        self.assertEqual(chosen.user_id, self.manager)

    def test_route_unique_and_internal_owner(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.Route.create({"category": "delivery", "department_id": self.quality.id})
            self.env.flush_all()
        portal = new_test_user(self.env, login="crr_route_portal", groups="base.group_portal")
        with self.assertRaisesRegex(ValidationError, "must be an internal user"):
            self.Route.create({"category": "price", "department_id": self.quality.id, "user_id": portal.id})

    def test_arrival_activity_done_on_acknowledgement(self):
        complaint = self._complaint(category="delivery", channel="phone", severity="critical")
        activity = complaint.activity_ids
        self.assertEqual(activity.activity_type_id, self.new_type)
        self.assertEqual(activity.user_id, self.dispatcher)
        self.assertEqual(activity.date_deadline, complaint.ack_deadline.date())
        self.assertIn(complaint.name, activity.summary)
        complaint.with_user(self.reviewer).action_acknowledge()
        self.assertFalse(complaint.activity_ids)

    def test_acknowledgement_is_a_customer_visible_comment(self):
        complaint = self._complaint()
        complaint.with_user(self.reviewer).action_acknowledge()
        ack = complaint.message_ids.filtered(lambda m: "is being handled" in (m.subject or "") or "investigating" in m.body)
        self.assertTrue(ack)
        self.assertEqual(ack[:1].message_type, "comment")
        self.assertFalse(ack[:1].subtype_id.internal)

    def test_capa_activities_follow_the_owner(self):
        complaint = self._complaint()
        deadline = fields.Date.today() + timedelta(days=5)
        complaint.with_user(self.reviewer).write({"action_ids": [Command.create(
            {"name": "Replace seal supplier", "user_id": self.employee.id, "deadline": deadline})]})
        action = complaint.action_ids.with_env(self.env)

        def activities():
            return self.env["mail.activity"].search(
                [("res_model", "=", "crr.complaint.action"), ("res_id", "=", action.id)])

        activity = activities()
        self.assertEqual((activity.activity_type_id, activity.user_id, activity.date_deadline),
                         (self.capa_type, self.employee, deadline))
        # reassigned: the new responsible gets it, the old one no longer
        action.with_user(self.reviewer).user_id = self.reviewer2
        self.assertEqual(activities().user_id, self.reviewer2)
        self.assertEqual(len(activities()), 1)
        action.with_user(self.reviewer2).action_done()
        self.assertFalse(activities())
        action.with_user(self.manager).action_reopen()
        self.assertEqual(activities().user_id, self.reviewer2)

    def test_reply_comment_acceptance_and_no_answer(self):
        complaint = self._complaint()
        reviewer = complaint.with_user(self.reviewer)
        reviewer.action_acknowledge()
        with self.assertRaisesRegex(UserError, "Write the reply"):
            reviewer.action_send_reply()
        reviewer.customer_reply = "The seal batch is blocked; replacements ship on Monday."
        reviewer.action_send_reply()
        self.assertEqual(complaint.reply_date, fields.Date.context_today(complaint))
        reply = complaint.message_ids.filtered(lambda m: "replacements ship on Monday" in m.body)
        self.assertEqual(reply.message_type, "comment")
        self.assertFalse(reply.subtype_id.internal)
        self.assertIn(self.customer_contact, reply.partner_ids)
        # "No Answer" only after the days of the settings
        self.company.crr_complaint_no_answer_days = 10
        with self.assertRaisesRegex(ValidationError, "10 days after the reply"):
            reviewer.action_no_answer()
        complaint.reply_date = fields.Date.today() - timedelta(days=11)
        reviewer.action_no_answer()
        self.assertEqual(complaint.customer_acceptance, "no_answer")
        # portal acceptance helper refuses on a closed complaint
        reviewer.write({"root_cause": "Seal batch", "action_ids": [Command.create(
            {"name": "Block batch", "user_id": self.reviewer2.id})]})
        reviewer.action_investigate()
        complaint.action_ids.with_user(self.reviewer2).action_done()
        reviewer.action_to_verification()
        complaint.action_ids.with_user(self.manager).action_verify()
        reviewer.action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaisesRegex(UserError, "no reply waiting"):
            complaint.sudo()._crr_portal_set_acceptance(True)

    def test_salesperson_replies_employee_cannot(self):
        complaint = self._complaint()
        complaint.with_user(self.reviewer).action_acknowledge()
        complaint.with_user(self.salesperson).customer_reply = "We replace the 12 gear boxes this week."
        complaint.with_user(self.salesperson).action_send_reply()
        self.assertTrue(complaint.reply_date)
        with self.assertRaisesRegex(AccessError, "Only salespeople and reviewers"):
            complaint.with_user(self.employee).action_send_reply()

    def test_kanban_columns_in_workflow_order(self):
        self._complaint()
        # as the kanban asks (read_group_expand): every open state and Closed, in workflow order
        groups = self.env["crr.complaint"].with_context(read_group_expand=True).web_read_group(
            [("id", "!=", 0)], ["state"], ["__count"])["groups"]
        states = [group["state"] for group in groups]
        self.assertEqual(states[:6], ["new", "acknowledged", "investigating", "action", "verification", "closed"])
        # the reviewers' kanban too: every state, in the selection's order
        lines = self.env["crr.review.line"].with_context(read_group_expand=True).web_read_group(
            [("id", "=", 0)], ["state"], ["__count"])["groups"]
        self.assertEqual([group["state"] for group in lines], ["waiting", "pending", "approved", "approved_conditions", "rejected"])

    def test_scores_analysis_pivot_period_once(self):
        """The Scores Analysis action does not group by period (its pivot has Period in the columns)."""
        action = self.env.ref("customer_requirement_review.action_crr_satisfaction_score")
        self.assertNotIn("group_period", action.context)
        arch = self.env.ref("customer_requirement_review.view_crr_satisfaction_score_pivot").arch
        self.assertIn('<field name="period" type="col"/>', arch)
        self.assertNotIn('<field name="period" type="row"/>', arch)

