from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionGovernance(CrrSatisfactionCommon):
    """The follow-up reasons added by the procedures (worse than competitors, the most urgent improvement,
    a major complaint or a return in the period), the reply written back on the answer and the approval of
    a campaign by the management representative, then the general manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Question = cls.env["survey.question"]
        cls.q_competitors = Question.create({
            "survey_id": cls.survey.id, "title": "Compared with competitors", "question_type": "matrix",
            "matrix_subtype": "simple", "crr_role": "competitor", "sequence": 60,
            "suggested_answer_ids": [
                Command.create({"value": label, "crr_comparison": key, "sequence": index})
                for index, (key, label) in enumerate((("better", "Better"), ("same", "Same"), ("worse", "Worse")))
            ],
            "matrix_row_ids": [
                Command.create({"value": "Quality", "sequence": 1}),
                Command.create({"value": "Price", "sequence": 2}),
            ],
        })
        cls.q_urgent = Question.create({
            "survey_id": cls.survey.id, "title": "Most urgent", "question_type": "simple_choice",
            "crr_role": "urgent", "sequence": 70,
            "suggested_answer_ids": [
                Command.create({"value": "Delivery", "sequence": 1}),
                Command.create({"value": "Nothing urgent", "crr_nothing_urgent": True, "sequence": 2}),
            ],
        })
        cls.manager = new_test_user(
            cls.env, login="crr_gov_manager", groups="customer_requirement_review.group_crr_manager",
            email="gov.manager@example.com")
        cls.management_rep = new_test_user(
            cls.env, login="crr_gov_mr", groups="customer_requirement_review.group_crr_management_rep")
        cls.general_manager = new_test_user(
            cls.env, login="crr_gov_gm", groups="sales_team.group_sale_salesman,customer_requirement_review.group_crr_reviewer"
        )
        cls.env["crr.department"].search(
            [("code", "=", "general_manager"), ("company_id", "=", cls.company.id)]
        ).user_ids = [Command.link(cls.general_manager.id)]
        cls.env.ref("customer_requirement_review.crr_department_management_rep").user_ids = [
            Command.link(cls.management_rep.id)]

    def _choice(self, question, label):
        return question.suggested_answer_ids.filtered(lambda a: a.value == label)

    def _row(self, label):
        return self.q_competitors.matrix_row_ids.filtered(lambda r: r.value == label)

    def _answer_extra(self, partner, comparison=None, urgent=None, campaign=None):
        """A satisfied answer (quality 80, delivery 80) with the comparison and urgent questions answered."""
        with crr_scope():
            user_input = self.survey._create_answer(
                partner=partner, check_attempts=False, **({"crr_campaign_id": campaign.id} if campaign else {}))
        for question in (self.q_quality, self.q_delivery):
            user_input._save_lines(question, question.suggested_answer_ids.filtered(lambda a: a.answer_score == 80).id)
        if comparison:
            user_input._save_lines(self.q_competitors, {
                str(self._row(row).id): [self._choice(self.q_competitors, value).id]
                for row, value in comparison.items()
            })
        if urgent:
            user_input._save_lines(self.q_urgent, self._choice(self.q_urgent, urgent).id)
        user_input._mark_done()
        self.assertEqual(user_input.crr_score, 80.0)
        return user_input

    def test_worse_than_competitors(self):
        answer = self._answer_extra(self.customer_a, comparison={"Quality": "Better", "Price": "Worse"})
        reasons = answer._crr_follow_up_reasons()
        self.assertEqual(reasons["worse"], ["Price"])
        self.assertFalse(reasons["criteria"] or reasons["total"] or reasons["urgent"])
        complaint = answer.crr_complaint_id
        self.assertTrue(complaint)
        self.assertEqual(complaint.severity, "minor")
        self.assertIn("Worse than competitors: Price", complaint.description)
        better = self._answer_extra(self.customer_b, comparison={"Quality": "Better", "Price": "Same"})
        self.assertEqual(better._crr_follow_up_reasons(), {})
        self.assertFalse(better.crr_complaint_id)

    def test_most_urgent_improvement(self):
        answer = self._answer_extra(self.customer_a, urgent="Delivery")
        self.assertEqual(answer._crr_follow_up_reasons()["urgent"], ["Delivery"])
        self.assertIn("Named most urgent to improve: Delivery", answer.crr_complaint_id.description)
        nothing = self._answer_extra(self.customer_b, urgent="Nothing urgent")
        self.assertEqual(nothing._crr_follow_up_reasons(), {})
        self.assertFalse(nothing.crr_complaint_id)

    def test_major_complaint_or_return_in_period(self):
        campaign = self._campaign(2025, "h1", self.customer_a | self.customer_b | self.customer_c)
        Complaint = self.env["crr.complaint"]
        major = Complaint.create({
            "subject": "Wrong material", "partner_id": self.customer_a.id, "severity": "major",
            "date_received": "2025-03-01 10:00:00",
        })
        returned = Complaint.create({
            "subject": "Damaged cartons", "partner_id": self.customer_b.id, "severity": "minor",
            "has_return": True, "date_received": "2025-05-01 10:00:00",
        })
        # outside the period, or minor without return: no reason
        Complaint.create({
            "subject": "Late", "partner_id": self.customer_c.id, "severity": "major",
            "date_received": "2025-08-01 10:00:00",
        })
        Complaint.create({"subject": "Label", "partner_id": self.customer_c.id, "date_received": "2025-04-01 10:00:00"})
        answer_a = self._answer_extra(self.customer_a, campaign=campaign)
        answer_b = self._answer_extra(self.customer_b, campaign=campaign)
        answer_c = self._answer_extra(self.customer_c, campaign=campaign)
        self.assertEqual(answer_a._crr_follow_up_reasons()["complaints"], [major.name])
        self.assertEqual(answer_b._crr_follow_up_reasons()["returns"], [returned.name])
        self.assertEqual(answer_c._crr_follow_up_reasons(), {})
        self.assertEqual(answer_a.crr_complaint_id.severity, "major")
        self.assertIn(major.name, answer_a.crr_complaint_id.description)
        self.assertIn(f"Returns in the period: {returned.name}", answer_b.crr_complaint_id.description)
        self.assertFalse(answer_c.crr_complaint_id)

    def test_reply_and_improvement_written_back(self):
        answer = self._answer_extra(self.customer_a, urgent="Delivery")
        complaint = answer.crr_complaint_id
        quality = self.env.ref("customer_requirement_review.crr_department_quality")
        complaint.write({"department_id": quality.id})
        complaint.action_acknowledge()
        complaint.action_investigate()
        complaint.write({
            "root_cause": "No buffer stock", "corrective_plan": "Keep two weeks of buffer stock.",
            "action_ids": [Command.create({"name": "Buffer stock", "user_id": self.env.uid})],
            "customer_reply": "We keep a buffer stock from now on.", "reply_date": fields.Date.today(),
            "customer_acceptance": "accepted",
        })
        complaint.action_submit_plan()
        complaint.with_user(self.management_rep).action_approve_plan()
        complaint.action_start_actions()
        complaint.action_ids.action_done()
        complaint.action_to_verification()
        complaint.action_ids.action_verify()
        complaint.action_close()
        self.assertEqual(answer.crr_reply, "We keep a buffer stock from now on.")
        self.assertEqual(answer.crr_reply_date, fields.Date.today())
        self.assertEqual(answer.crr_improvement, "Keep two weeks of buffer stock.")

    def test_campaign_approval(self):
        campaign = self._campaign(2025, "h2", self.customer_a)
        as_manager = campaign.with_user(self.manager)
        as_manager.action_send()
        self.assertEqual(campaign.state, "sent")
        # closing needs the approvals; nobody writes the state or the approvals directly
        with self.assertRaisesRegex(UserError, "Close is not possible now"):
            as_manager.action_close()
        for vals in ({"state": "closed"}, {"state": "approved"}, {"gm_approved_by_id": self.manager.id}):
            with self.assertRaisesRegex(UserError, "changes only through its action"):
                as_manager.write(vals)
        as_manager.action_submit_approval()
        self.assertEqual(campaign.state, "to_approve")
        with self.assertRaisesRegex(UserError, "no more invitations"):
            as_manager.action_send()
        # the general manager approves only after the management representative
        lines = campaign.review_line_ids
        self.assertEqual(
            sorted(lines.mapped(lambda line: (line.department_id.code, line.state))),
            [("general_manager", "waiting"), ("management_rep", "pending")],
        )
        with self.assertRaisesRegex(UserError, "opens only when every other department"):
            campaign.with_user(self.general_manager).action_approve_gm()
        with self.assertRaises(AccessError):
            as_manager.action_approve_mr()
        campaign.with_user(self.management_rep).action_approve_mr()
        self.assertEqual(campaign.state, "to_approve")
        with self.assertRaisesRegex(UserError, "already checked"):
            campaign.with_user(self.management_rep).action_approve_mr()
        with self.assertRaisesRegex(UserError, "Only reviewers of the General Manager department"):
            campaign.with_user(self.management_rep).action_approve_gm()
        # sending back needs remarks and asks for a new check
        with self.assertRaisesRegex(UserError, "why the results are sent back"):
            campaign.with_user(self.general_manager).action_send_back()
        as_manager.write({"approval_note": "Add the improvement of the delivery criterion."})
        campaign.with_user(self.general_manager).action_send_back()
        self.assertEqual(campaign.state, "sent")
        self.assertFalse(campaign.mr_approved_by_id)
        as_manager.action_submit_approval()
        campaign.with_user(self.management_rep).action_approve_mr()
        campaign.with_user(self.general_manager).action_approve_gm()
        self.assertEqual(campaign.state, "approved")
        self.assertEqual(campaign.mr_approved_by_id, self.management_rep)
        self.assertEqual(campaign.gm_approved_by_id, self.general_manager)
        self.assertEqual(campaign.approval_round, 2)
        self.assertTrue(campaign.gm_approved_date)
        as_manager.action_close()
        self.assertEqual(campaign.state, "closed")
        # reopened (late answers), the results are submitted and approved again in a new round
        as_manager.action_reopen()
        self.assertEqual(campaign.state, "sent")
        as_manager.action_submit_approval()
        self.assertFalse(campaign.gm_approved_by_id)
        self.assertEqual(len(campaign.review_line_ids.filtered("is_current_round")), 2)

    def test_shipped_survey_has_the_new_questions(self):
        survey = self.env.ref("customer_requirement_review.crr_satisfaction_survey")
        competitors = survey.question_ids.filtered(lambda q: q.crr_role == "competitor")
        urgent = survey.question_ids.filtered(lambda q: q.crr_role == "urgent")
        self.assertEqual(competitors.question_type, "matrix")
        self.assertEqual(set(competitors.suggested_answer_ids.mapped("crr_comparison")), {"better", "same", "worse"})
        self.assertTrue(competitors.matrix_row_ids)
        self.assertEqual(len(urgent.suggested_answer_ids.filtered("crr_nothing_urgent")), 1)
        self.assertGreater(len(urgent.suggested_answer_ids), 5)
        # a worse answer on the shipped survey opens a follow-up
        answer = survey._create_answer(partner=self.customer_d, check_attempts=False)
        worse = competitors.suggested_answer_ids.filtered(lambda a: a.crr_comparison == "worse")
        answer._save_lines(competitors, {str(competitors.matrix_row_ids[0].id): [worse.id]})
        answer._mark_done()
        self.assertEqual(answer._crr_follow_up_reasons()["worse"], [competitors.matrix_row_ids[0].value])
        self.assertTrue(answer.crr_complaint_id)
        self.assertLess(fields.Date.today() - timedelta(days=1), answer.crr_complaint_id.date_received.date())
