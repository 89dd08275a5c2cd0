from odoo.tests import TransactionCase

from ..models.crr_record_guard_mixin import crr_scope


class CrrSatisfactionCommon(TransactionCase):
    """A satisfaction survey of our own (weights known to the tests) and helpers to answer it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.survey = cls.env["survey.survey"].create({
            "title": "Test Satisfaction",
            "crr_is_satisfaction": True,
            "access_mode": "token",
            "questions_layout": "one_page",
            "scoring_type": "no_scoring",
        })
        cls.q_quality = cls._criterion("Quality", 3.0, [100, 80, 60, 40, 20])
        cls.q_delivery = cls._criterion("Delivery", 1.0, [100, 80, 60, 40, 20])
        cls.q_boundary = cls._criterion(
            "Boundary", 1.0, [100, 90, 89.99, 75, 74.99, 65, 64.99, 55, 54.99, 0])
        cls.q_scale = cls.env["survey.question"].create({
            "survey_id": cls.survey.id, "title": "Price (0-10)", "question_type": "scale",
            "scale_min": 0, "scale_max": 10, "crr_is_criterion": True, "crr_weight": 1.0, "sequence": 40,
        })
        cls.q_comment = cls.env["survey.question"].create({
            "survey_id": cls.survey.id, "title": "Comment", "question_type": "text_box", "sequence": 50,
        })
        cls.customer_a = cls.env["res.partner"].create({"name": "Alpha Customer", "email": "alpha@example.com"})
        cls.customer_b = cls.env["res.partner"].create({"name": "Beta Customer", "email": "beta@example.com"})
        cls.customer_c = cls.env["res.partner"].create({"name": "Gamma Customer", "email": "gamma@example.com"})
        cls.customer_d = cls.env["res.partner"].create({"name": "Delta Customer", "email": "delta@example.com"})

    @classmethod
    def _criterion(cls, title, weight, scores):
        return cls.env["survey.question"].create({
            "survey_id": cls.survey.id,
            "title": title,
            "question_type": "simple_choice",
            "crr_is_criterion": True,
            "crr_weight": weight,
            "sequence": 10 * (len(cls.survey.question_ids) + 1),
            "suggested_answer_ids": [
                (0, 0, {"value": f"{title} {score:g}", "answer_score": score, "sequence": index})
                for index, score in enumerate(scores)
            ],
        })

    def _answer(self, partner, values, campaign=None, survey=None):
        """Complete an answer of ``partner``: values = {question: score (choice) or scale value or None}."""
        survey = survey or self.survey
        extra = {"crr_campaign_id": campaign.id} if campaign else {}
        # a campaign's invitation (its action_send links the answer to the campaign)
        with crr_scope():
            user_input = survey._create_answer(partner=partner, check_attempts=False, **extra)
        for question, value in values.items():
            if value is None:
                user_input._save_lines(question, False)
            elif question.question_type == "simple_choice":
                choice = question.suggested_answer_ids.filtered(lambda a, v=value: abs(a.answer_score - v) < 1e-6)[:1]
                self.assertTrue(choice, f"no choice scored {value} on {question.title}")
                user_input._save_lines(question, choice.id)
            else:
                user_input._save_lines(question, str(value))
        user_input._mark_done()
        return user_input

    def _campaign(self, year, half, partners=None, **vals):
        return self.env["crr.satisfaction.campaign"].create({
            "year": year, "half": half, "survey_id": self.survey.id,
            "partner_ids": [(6, 0, (partners or self.env["res.partner"]).ids)],
            **vals,
        })
