import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSatisfactionHttp(HttpCase):
    """A customer fills the shipped satisfaction survey through survey's own web pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("customer_requirement_review.crr_satisfaction_survey")
        cls.customer = cls.env["res.partner"].create({"name": "Web Customer", "email": "web@example.com"})
        cls.campaign = cls.env["crr.satisfaction.campaign"].create({
            "year": 2025, "half": "h2", "survey_id": cls.survey.id, "partner_ids": [(6, 0, cls.customer.ids)],
        })

    def _choice(self, code, band):
        return self.env.ref(f"customer_requirement_review.crr_satisfaction_question_{code}_{band}")

    def _csrf(self, text):
        return re.search(r'input.+csrf_token.+value="([a-f0-9]{40}o[0-9]*)"', text).group(1)

    def test_customer_answers_through_the_survey_pages(self):
        self.campaign.action_send()
        answer = self.campaign.user_input_ids
        self.assertEqual(len(answer), 1)
        # the personal link of the invitation opens the survey
        response = self.url_open(answer.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Customer Satisfaction Survey", response.text)
        response = self.url_open(f"/survey/{self.survey.access_token}/{answer.access_token}")
        self.assertEqual(response.status_code, 200)
        csrf_token = self._csrf(response.text)
        base = self.survey.get_base_url()
        response = self.url_open(
            f"{base}/survey/begin/{self.survey.access_token}/{answer.access_token}",
            json={"params": {"lang_code": "en_US"}},
        )
        self.assertEqual(response.status_code, 200)
        # weights: quality 2, delivery 1.5, the others 1; complaint handling left empty (drops out)
        chosen = {
            "product_quality": "very_satisfied",     # 100 x 2
            "delivery": "satisfied",                 # 80 x 1.5
            "price": "neutral",                      # 60
            "service": "satisfied",                  # 80
            "communication": "very_satisfied",       # 100
            "technical_support": "neutral",          # 60
        }
        post_data = {
            str(self._choice(code, band).question_id.id): str(self._choice(code, band).id)
            for code, band in chosen.items()
        }
        comment = self.env.ref("customer_requirement_review.crr_satisfaction_question_comment")
        post_data[str(comment.id)] = "Faster samples, please."
        post_data.update({"csrf_token": csrf_token, "token": answer.access_token, "button_submit": "next"})
        response = self.url_open(
            f"{base}/survey/submit/{self.survey.access_token}/{answer.access_token}",
            json={"params": post_data},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json().get("result", [{}, {}])[1] if response.json().get("result") else {})
        answer.invalidate_recordset()
        self.assertEqual(answer.state, "done")
        # (200 + 120 + 60 + 80 + 100 + 60) / 7.5 = 82.67
        self.assertEqual(answer.crr_score, 82.67)
        self.assertEqual(answer.crr_band, "satisfied")
        self.assertEqual(len(answer.crr_score_ids), 6)
        self.assertEqual(self.campaign.answered_count, 1)
        self.assertEqual(self.campaign.response_rate, 100.0)
        self.assertFalse(answer.crr_complaint_id)

    def test_very_dissatisfied_customer(self):
        self.campaign.action_send()
        answer = self.campaign.user_input_ids
        response = self.url_open(f"/survey/{self.survey.access_token}/{answer.access_token}")
        csrf_token = self._csrf(response.text)
        base = self.survey.get_base_url()
        self.url_open(f"{base}/survey/begin/{self.survey.access_token}/{answer.access_token}",
                      json={"params": {"lang_code": "en_US"}})
        post_data = {
            str(self._choice(code, "very_dissatisfied").question_id.id): str(self._choice(code, "very_dissatisfied").id)
            for code in ("product_quality", "delivery")
        }
        post_data[str(self._choice("price", "dissatisfied").question_id.id)] = str(self._choice("price", "dissatisfied").id)
        post_data.update({"csrf_token": csrf_token, "token": answer.access_token, "button_submit": "next"})
        response = self.url_open(f"{base}/survey/submit/{self.survey.access_token}/{answer.access_token}",
                                 json={"params": post_data})
        self.assertEqual(response.status_code, 200)
        answer.invalidate_recordset()
        self.assertEqual(answer.state, "done")
        # (20 x 2 + 20 x 1.5 + 40) / 4.5 = 24.44
        self.assertEqual(answer.crr_score, 24.44)
        self.assertEqual(answer.crr_band, "very_dissatisfied")
        # the public user finishing the survey opened the follow-up complaint, naming the low criteria
        complaint = answer.crr_complaint_id
        self.assertEqual((complaint.channel, complaint.category), ("survey", "satisfaction"))
        self.assertEqual(complaint.partner_id, self.customer)
        for criterion in ("Product quality (20)", "Delivery punctuality (20)", "Price (40)", "Total score below 70"):
            self.assertIn(criterion, complaint.description)

    def test_survey_in_the_customers_language(self):
        """The shipped survey is offered in every installed language: an English customer stays in English
        (no redirection to /zh_CN/...), a Chinese customer reads it in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        self.assertFalse(self.survey.lang_ids)
        self.assertIn("zh_CN", self.survey._get_supported_lang_codes())
        english = self.env["res.partner"].create({"name": "Oslo Buyer", "email": "oslo@example.com", "lang": "en_US"})
        chinese = self.env["res.partner"].create({"name": "苏州买家", "email": "suzhou@example.com", "lang": "zh_CN"})
        campaign = self.env["crr.satisfaction.campaign"].create({
            "year": 2026, "half": "h1", "survey_id": self.survey.id,
            "partner_ids": [(6, 0, (english | chinese).ids)],
        })
        campaign.action_send()
        answers = {answer.partner_id: answer for answer in campaign.user_input_ids}
        for partner, title, foreign in ((english, "Customer Satisfaction Survey", "顾客满意度调查表"),
                                        (chinese, "顾客满意度调查表", "Customer Satisfaction Survey")):
            answer = answers[partner]
            response = self.url_open(answer.get_start_url(), allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            location = response.headers["Location"]
            if partner == english:
                self.assertNotIn("/zh_CN/", location)
            page = self.url_open(location)
            self.assertEqual(page.status_code, 200)
            self.assertIn(title, page.text)
            self.assertNotIn(foreign, page.text)

