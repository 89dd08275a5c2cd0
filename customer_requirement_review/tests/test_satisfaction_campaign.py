import io
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionCampaign(CrrSatisfactionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="crr_sat_manager", name="Satisfaction Manager", email="manager@example.com",
            groups="customer_requirement_review.group_crr_manager",
        )
        cls.salesman = new_test_user(
            cls.env, login="crr_sat_salesman", name="Satisfaction Salesman",
            groups="sales_team.group_sale_salesman",
        )

    def _results_setup(self):
        previous = self._campaign(2024, "h2", self.customer_a | self.customer_b)
        self._answer(self.customer_a, {self.q_boundary: 90}, campaign=previous)
        self._answer(self.customer_b, {self.q_quality: 80}, campaign=previous)
        # an even older campaign of A must not be taken as "previous"
        older = self._campaign(2024, "h1", self.customer_a)
        self._answer(self.customer_a, {self.q_boundary: 55}, campaign=older)
        current = self._campaign(
            2025, "h1", self.customer_a | self.customer_b | self.customer_c | self.customer_d)
        current.with_user(self.manager).action_send()
        inputs = {i.crr_customer_id: i for i in current.user_input_ids}
        # A: quality 60 (w3) + delivery 100 (w1) -> 70; B: 80 and 100 -> 85; C: 40 and 80 -> 50
        for customer, values in (
            (self.customer_a, {self.q_quality: 60, self.q_delivery: 100}),
            (self.customer_b, {self.q_quality: 80, self.q_delivery: 100}),
            (self.customer_c, {self.q_quality: 40, self.q_delivery: 80}),
        ):
            user_input = inputs[customer]
            for question, value in values.items():
                choice = question.suggested_answer_ids.filtered(lambda a, v=value: a.answer_score == v)
                user_input._save_lines(question, choice.id)
            user_input._mark_done()
        return previous, current, inputs

    def test_campaign_statistics(self):
        _previous, current, inputs = self._results_setup()
        self.assertEqual(inputs[self.customer_a].crr_score, 70.0)
        self.assertEqual(inputs[self.customer_b].crr_score, 85.0)
        self.assertEqual(inputs[self.customer_c].crr_score, 50.0)
        self.assertEqual(current.invited_count, 4)
        self.assertEqual(current.answered_count, 3)
        self.assertEqual(current.response_rate, 75.0)
        self.assertAlmostEqual(current.mean_score, round((70 + 85 + 50) / 3, 2))
        self.assertEqual(
            [(band, count) for band, _label, count, _pct in current._crr_band_distribution()],
            [("very_satisfied", 0), ("satisfied", 1), ("neutral", 1), ("dissatisfied", 0),
             ("very_dissatisfied", 1)],
        )
        self.assertEqual(current.count_satisfied, 1)
        criteria = {item["question"]: item for item in current._crr_criterion_stats()}
        self.assertEqual(set(criteria), {self.q_quality, self.q_delivery})
        self.assertAlmostEqual(criteria[self.q_quality]["mean"], 60.0)
        self.assertAlmostEqual(criteria[self.q_delivery]["mean"], round((100 + 100 + 80) / 3, 2))
        self.assertEqual(criteria[self.q_quality]["count"], 3)
        self.assertIn("Quality", current.criterion_stats_html)
        # change since the customer's previous campaign (the latest earlier one: 2024 H2, not 2024 H1)
        rows = {row["customer"]: row for row in current._crr_customer_results()}
        self.assertEqual(rows[self.customer_a]["previous"], 90.0)
        self.assertEqual(rows[self.customer_a]["change"], -20.0)
        self.assertEqual(rows[self.customer_b]["previous"], 80.0)
        self.assertEqual(rows[self.customer_b]["change"], 5.0)
        self.assertIsNone(rows[self.customer_c]["previous"])
        self.assertNotIn(self.customer_d, rows)
        # the customer's smart button shows the latest score, band and trend
        self.assertEqual(self.customer_a.crr_satisfaction_score, 70.0)
        self.assertEqual(self.customer_a.crr_satisfaction_band, "neutral")
        self.assertEqual(self.customer_a.crr_satisfaction_trend, -20.0)
        self.assertEqual(self.customer_a.crr_satisfaction_count, 3)
        self.assertFalse(self.customer_c.crr_satisfaction_has_trend)
        action = self.customer_a.action_view_crr_satisfaction()
        self.assertEqual(action["res_model"], "crr.satisfaction.score")
        # the score analysis carries period, customer and campaign
        scores = self.env["crr.satisfaction.score"].search([("campaign_id", "=", current.id)])
        self.assertEqual(len(scores), 6)
        self.assertEqual(set(scores.mapped("period")), {"2025 H1"})

    def test_one_weighting_scores_analysis_equals_campaign(self):
        """Scores Analysis (its pivot's mean) and the campaign agree, also when answers skip criteria."""
        previous, current, inputs = self._results_setup()
        # D answers only the boundary criterion: its score counts once, as A's, B's and C's
        user_input = inputs[self.customer_d]
        choice = self.q_boundary.suggested_answer_ids.filtered(lambda a: a.answer_score == 100)
        user_input._save_lines(self.q_boundary, choice.id)
        user_input._mark_done()
        current.invalidate_recordset()
        self.assertAlmostEqual(current.mean_score, round((70 + 85 + 50 + 100) / 4, 2))
        Score = self.env["crr.satisfaction.score"]
        by_campaign = dict(Score._read_group([("campaign_id", "in", (previous | current).ids)],
                                             ["campaign_id"], ["score:avg"]))
        self.assertAlmostEqual(by_campaign[current], current.mean_score, places=2)
        self.assertAlmostEqual(by_campaign[previous], previous.mean_score, places=2)
        by_period = dict(Score._read_group([("campaign_id", "=", current.id)], ["period"], ["score:avg"]))
        self.assertAlmostEqual(by_period[current.period_label], current.mean_score, places=2)
        # one criterion: the mean of its scores (A 60, B 80, C 40)
        [(quality_mean,)] = Score._read_group(
            [("campaign_id", "=", current.id), ("question_id", "=", self.q_quality.id)], [], ["score:avg"])
        self.assertAlmostEqual(quality_mean, 60.0, places=2)
        # an answer: its own score
        [(answer_mean,)] = Score._read_group([("user_input_id", "=", inputs[self.customer_a].id)], [], ["score:avg"])
        self.assertAlmostEqual(answer_mean, 70.0, places=2)

    def test_report_renders(self):
        _previous, current, _inputs = self._results_setup()
        html, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_satisfaction", res_ids=current.ids)
        self.assertEqual(fmt, "html")
        html = html.decode()
        for text in ("Alpha Customer", "Band Distribution", "75.0 %", "-20.00", "+5.00", "<svg", "Quality"):
            self.assertIn(text, html)

    def test_action_send_invitations(self):
        contact_company = self.env["res.partner"].create({"name": "No Mail Co", "is_company": True})
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": contact_company.id, "email": "buyer@example.com"})
        unreachable = self.env["res.partner"].create({"name": "Unreachable Ltd"})
        campaign = self._campaign(2025, "h1", self.customer_a | contact_company | unreachable)
        with self.assertRaises(AccessError):
            campaign.with_user(self.salesman).action_send()
        campaign.with_user(self.manager).action_send()
        self.assertEqual(campaign.state, "sent")
        answers = campaign.user_input_ids
        self.assertEqual(len(answers), 2)
        self.assertEqual(set(answers.mapped("partner_id")), {self.customer_a, contact})
        self.assertEqual(set(answers.mapped("crr_customer_id")), {self.customer_a, contact_company})
        self.assertTrue(all(a.access_token and a.state == "new" for a in answers))
        mails = self.env["mail.mail"].search([("model", "=", "survey.user_input"), ("res_id", "in", answers.ids)])
        self.assertEqual(len(mails), 2)
        for answer in answers:
            mail = mails.filtered(lambda m, a=answer: m.res_id == a.id)
            self.assertEqual(mail.recipient_ids, answer.partner_id)
            self.assertIn(answer.get_start_url(), mail.body_html)
            self.assertIn(answer.access_token, mail.body_html)
        self.assertIn("Unreachable Ltd", campaign.message_ids[0].body)
        # sending again invites nobody twice; reminders go to those who did not answer
        campaign.with_user(self.manager).action_send()
        self.assertEqual(len(campaign.user_input_ids), 2)
        answer_a = answers.filtered(lambda a: a.partner_id == self.customer_a)
        answer_a._save_lines(self.q_quality, self.q_quality.suggested_answer_ids[0].id)
        answer_a._mark_done()
        campaign.with_user(self.manager).action_remind()
        reminders = self.env["mail.mail"].search(
            [("model", "=", "survey.user_input"), ("res_id", "in", answers.ids)]) - mails
        self.assertEqual(reminders.recipient_ids, contact)
        self.assertIn("Reminder", reminders.subject)

    def test_send_refused_without_customers(self):
        campaign = self._campaign(2025, "h1")
        with self.assertRaisesRegex(UserError, "has no customer"):
            campaign.action_send()

    def test_load_customers(self):
        self.company.crr_review_mode = "off"
        product = self.env["product.product"].create({"name": "Widget", "list_price": 10.0})
        buyer = self.env["res.partner"].create({"name": "Buyer of Alpha", "parent_id": self.customer_a.id})

        def order(partner):
            return self.env["sale.order"].create({
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            })
        in_period = order(buyer)
        in_period.action_confirm()
        out_of_period = order(self.customer_b)
        out_of_period.action_confirm()
        out_of_period.date_order = fields.Datetime.now() - timedelta(days=400)
        order(self.customer_c)  # quotation only
        today = fields.Date.context_today(self.env.user)
        campaign = self._campaign(today.year, "h1" if today.month <= 6 else "h2")
        self.assertEqual(campaign.period_label, f"{today.year} H{1 if today.month <= 6 else 2}")
        self.assertTrue(campaign.name)
        campaign.action_load_customers()
        self.assertEqual(campaign.partner_ids, self.customer_a)

    def test_access_rights(self):
        campaign = self._campaign(2025, "h1", self.customer_a)
        self._answer(self.customer_a, {self.q_quality: 80}, campaign=campaign)
        # salespeople read campaigns, their answers and scores, but cannot manage campaigns
        as_salesman = campaign.with_user(self.salesman)
        self.assertEqual(as_salesman.mean_score, 80.0)
        self.assertEqual(as_salesman.done_input_ids.crr_score, 80.0)
        self.assertEqual(self.env["crr.satisfaction.score"].with_user(self.salesman).search_count([]), 1)
        # ... and open the campaign form: every field of the form view is readable
        form_fields = as_salesman.get_views([(False, "form")])["models"]["crr.satisfaction.campaign"]["fields"]
        as_salesman.invalidate_recordset()
        values = as_salesman.web_read({
            name: {"fields": {"display_name": {}}} if as_salesman._fields[name].relational else {}
            for name in form_fields
        })
        self.assertEqual(values[0]["mean_score"], 80.0)
        self.assertEqual(self.customer_a.with_user(self.salesman).crr_satisfaction_score, 80.0)
        with self.assertRaises(AccessError):
            as_salesman.write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crr.satisfaction.campaign"].with_user(self.salesman).create(
                {"year": 2025, "half": "h2", "survey_id": self.survey.id})
        # review managers manage them
        self._campaign(2025, "h2").with_user(self.manager).write({"name": "Renamed"})
        # another company's campaigns and scores are invisible
        other = self.env["res.company"].create({"name": "Other Company"})
        other_campaign = self._campaign(2025, "h1", self.customer_b, company_id=other.id)
        self._answer(self.customer_b, {self.q_quality: 60}, campaign=other_campaign)
        self.assertNotIn(other_campaign, self.env["crr.satisfaction.campaign"].with_user(self.salesman).search([]))
        self.assertEqual(self.env["crr.satisfaction.score"].with_user(self.salesman).search_count([]), 1)

    def test_sent_campaign_not_deleted(self):
        campaign = self._campaign(2025, "h1", self.customer_a)
        campaign.action_send()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            campaign.unlink()

    def test_report_real_pdf(self):
        from pdfminer.high_level import extract_text  # test-only dependency
        from pdfminer.pdfpage import PDFPage

        _previous, current, _inputs = self._results_setup()
        pdf, fmt = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_satisfaction", res_ids=current.ids)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreaterEqual(len(list(PDFPage.get_pages(io.BytesIO(pdf)))), 1)
        text = " ".join(extract_text(io.BytesIO(pdf)).split())
        for snippet in ("Band Distribution", "Mean Score per Criterion", "Alpha Customer", "-20.00"):
            self.assertIn(snippet, text)
