from odoo.tests import new_test_user, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionFollowUp(CrrSatisfactionCommon):
    """Follow-up triggers (company defaults: criterion below 60, total below 70, drop of more than 10)."""

    def test_no_follow_up_when_no_trigger(self):
        # quality 80, delivery 60 (60 is not below 60): total 75
        answer = self._answer(self.customer_a, {self.q_quality: 80, self.q_delivery: 60})
        self.assertEqual(answer.crr_score, 75.0)
        self.assertEqual(answer._crr_follow_up_reasons(), {})
        self.assertFalse(answer.crr_complaint_id)
        self.assertFalse(self.env["crr.complaint"].search([("partner_id", "=", self.customer_a.id)]))

    def _assert_complaint(self, answer, severity, *snippets):
        complaint = answer.crr_complaint_id
        self.assertTrue(complaint, "a follow-up complaint is opened")
        self.assertEqual(complaint.partner_id, answer.crr_customer_id)
        self.assertEqual(complaint.channel, "survey")
        self.assertEqual(complaint.category, "satisfaction")
        self.assertEqual(complaint.severity, severity)
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.department_id.code, "sales")
        for snippet in snippets:
            self.assertIn(snippet, complaint.description)
        return complaint

    def test_criterion_below_threshold(self):
        # quality 100 (w3), delivery 40 (w1): total 85, but delivery is below 60
        answer = self._answer(self.customer_a, {self.q_quality: 100, self.q_delivery: 40})
        reasons = answer._crr_follow_up_reasons()
        self.assertEqual(reasons["criteria"], [(self.q_delivery, 40.0)])
        self.assertFalse(reasons["total"])
        self.assertFalse(reasons["drop"])
        complaint = self._assert_complaint(answer, "minor", "Delivery (40)", "Criteria below 60")
        self.assertNotIn("Quality", complaint.description)
        # an internal follow-up: the customer is not subscribed (not notified)
        self.assertNotIn(answer.crr_customer_id, complaint.message_partner_ids)

    def test_total_below_threshold(self):
        # every criterion at 60 or more, total 69.99 < 70 is impossible with these choices: use the
        # boundary criterion 65 alone -> total 65 < 70, no criterion below 60
        answer = self._answer(self.customer_a, {self.q_boundary: 65})
        reasons = answer._crr_follow_up_reasons()
        self.assertTrue(reasons["total"])
        self.assertEqual(reasons["criteria"], [])
        self._assert_complaint(answer, "major", "Total score below 70")

    def test_drop_since_previous_campaign(self):
        previous = self._campaign(2024, "h2", self.customer_a)
        self._answer(self.customer_a, {self.q_boundary: 100}, campaign=previous)
        current = self._campaign(2025, "h1", self.customer_a)
        # 89.99: no criterion below 60, total above 70, but 10.01 points lower
        answer = self._answer(self.customer_a, {self.q_boundary: 89.99}, campaign=current)
        reasons = answer._crr_follow_up_reasons()
        self.assertAlmostEqual(reasons["drop"], 10.01, places=2)
        self.assertEqual(reasons["criteria"], [])
        self.assertFalse(reasons["total"])
        self._assert_complaint(answer, "major", "fell by 10.01 points")
        # exactly 10 points lower is not "more than 10"
        other = self._campaign(2025, "h2", self.customer_b)
        self._answer(self.customer_b, {self.q_boundary: 100}, campaign=previous)
        answer = self._answer(self.customer_b, {self.q_boundary: 90}, campaign=other)
        self.assertEqual(answer._crr_follow_up_reasons(), {})
        self.assertFalse(answer.crr_complaint_id)

    def test_one_complaint_per_answer(self):
        answer = self._answer(self.customer_a, {self.q_quality: 20})
        complaint = answer.crr_complaint_id
        self.assertTrue(complaint)
        answer._crr_compute_satisfaction()
        self.assertEqual(answer.crr_complaint_id, complaint)
        self.assertEqual(self.env["crr.complaint"].search_count([("partner_id", "=", self.customer_a.id)]), 1)

    def test_thresholds_are_settings(self):
        self.company.crr_followup_criterion_below = 45.0
        answer = self._answer(self.customer_a, {self.q_quality: 100, self.q_delivery: 40})
        self.assertEqual(answer._crr_follow_up_reasons()["criteria"], [(self.q_delivery, 40.0)])
        answer = self._answer(self.customer_a, {self.q_quality: 100, self.q_delivery: 60})
        self.assertEqual(answer._crr_follow_up_reasons(), {})

    def test_follow_up_in_company_language_by_campaign_responsible(self):
        """The respondent is the public user and reads Chinese; the follow-up is an internal record:
        written in the company's language, by the campaign's responsible, quoting the customer."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.company.partner_id.lang = "en_US"
        lead = new_test_user(self.env, login="crr_fu_lead", groups="sales_team.group_sale_manager",
                             name="Campaign Lead")
        customer = self.env["res.partner"].create({"name": "广州客户", "email": "gz@example.com", "lang": "zh_CN"})
        campaign = self._campaign(2026, "h1", customer, user_id=lead.id)
        with crr_scope():
            user_input = self.survey._create_answer(partner=customer, check_attempts=False, crr_campaign_id=campaign.id)
        choice = self.q_quality.suggested_answer_ids.filtered(lambda a: a.answer_score == 20)
        user_input._save_lines(self.q_quality, choice.id)
        user_input._save_lines(self.q_comment, "交货经常延迟，请改进包装。")
        public = self.env.ref("base.public_user")
        user_input.with_user(public).with_context(lang="zh_CN").sudo()._mark_done()
        complaint = user_input.crr_complaint_id
        self.assertTrue(complaint)
        self.assertTrue(complaint.subject.startswith("Satisfaction follow-up: 广州客户"), complaint.subject)
        self.assertIn("Criteria below 60", complaint.description)
        self.assertIn("The customer's comments:", complaint.description)
        self.assertIn("交货经常延迟，请改进包装。", complaint.description)
        self.assertEqual(complaint.create_uid, lead)
        self.assertEqual(complaint.user_id, lead)
        notes = complaint.message_ids.filtered(lambda m: "Opened from the satisfaction answer" in m.body)
        self.assertEqual(notes.author_id, lead.partner_id)
        self.assertNotIn(public.partner_id, complaint.message_ids.author_id)

