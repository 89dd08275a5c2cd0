from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionScoring(CrrSatisfactionCommon):

    def test_weighted_mean(self):
        # (100 * 3 + 60 * 1) / 4 = 90
        answer = self._answer(self.customer_a, {self.q_quality: 100, self.q_delivery: 60})
        self.assertEqual(answer.crr_score, 90.0)
        self.assertEqual(answer.crr_band, "very_satisfied")
        # a scale answer is rescaled to 0-100: 5 of 0-10 -> 50; (300 + 60 + 50) / 5 = 82
        answer = self._answer(self.customer_b, {self.q_quality: 100, self.q_delivery: 60, self.q_scale: 5})
        self.assertEqual(answer.crr_score, 82.0)
        self.assertEqual(answer.crr_band, "satisfied")
        scores = answer.crr_score_ids
        self.assertEqual(len(scores), 3)
        self.assertEqual(
            {(s.question_id, s.score, s.weight) for s in scores},
            {(self.q_quality, 100.0, 3.0), (self.q_delivery, 60.0, 1.0), (self.q_scale, 50.0, 1.0)},
        )
        self.assertEqual(scores.partner_id, self.customer_b)
        self.assertEqual(scores.company_id, self.company)

    def test_missing_answers_drop_out(self):
        # only delivery answered: 60, not (60 * 1) / (3 + 1 + 1 + 1)
        answer = self._answer(self.customer_a, {self.q_delivery: 60})
        self.assertEqual(answer.crr_score, 60.0)
        self.assertEqual(answer.crr_band, "dissatisfied")
        # an explicitly skipped criterion drops out too; the comment is no criterion
        answer = self._answer(self.customer_b, {self.q_quality: None, self.q_delivery: 80, self.q_comment: "ok"})
        self.assertEqual(answer.crr_score, 80.0)
        self.assertEqual(answer.crr_score_ids.question_id, self.q_delivery)

    def test_no_criterion_answered_no_score(self):
        answer = self._answer(self.customer_a, {self.q_comment: "nothing to say"})
        self.assertEqual(answer.state, "done")
        self.assertFalse(answer.crr_band)
        self.assertFalse(answer.crr_score_ids)

    def test_band_boundaries(self):
        expected = {
            100: "very_satisfied", 90: "very_satisfied", 89.99: "satisfied", 75: "satisfied",
            74.99: "neutral", 65: "neutral", 64.99: "dissatisfied", 55: "dissatisfied",
            54.99: "very_dissatisfied", 0: "very_dissatisfied",
        }
        for score, band in expected.items():
            with self.subTest(score=score):
                answer = self._answer(self.customer_a, {self.q_boundary: score})
                self.assertAlmostEqual(answer.crr_score, score, places=2)
                self.assertEqual(answer.crr_band, band)

    def test_band_thresholds_are_company_settings(self):
        self.company.write({"crr_band_very_satisfied": 95.0, "crr_band_satisfied": 85.0})
        self.assertEqual(self._answer(self.customer_a, {self.q_boundary: 90}).crr_band, "satisfied")
        self.assertEqual(self._answer(self.customer_a, {self.q_boundary: 75}).crr_band, "neutral")

    def test_thresholds_validation(self):
        with self.assertRaisesRegex(ValidationError, "must decrease"):
            self.company.write({"crr_band_satisfied": 95.0})
        with self.assertRaisesRegex(ValidationError, "must decrease"):
            self.company.write({"crr_band_neutral": 75.0})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.write({"crr_band_very_satisfied": 120.0})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.write({"crr_band_dissatisfied": -1.0})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.write({"crr_followup_total_below": 101.0})

    def test_criterion_validation(self):
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            self.q_quality.crr_weight = 0
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.q_quality.suggested_answer_ids[0].answer_score = 120
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.env["survey.question.answer"].create(
                {"question_id": self.q_delivery.id, "value": "Negative", "answer_score": -5})
        with self.assertRaisesRegex(ValidationError, "single choice question"):
            self.q_comment.crr_is_criterion = True

    def test_out_of_range_score_refused_by_database(self):
        answer = self._answer(self.customer_a, {self.q_quality: 80})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            answer.crr_score_ids.sudo().write({"score": 101})
            self.env.flush_all()

    def test_answer_record_not_forged_nor_deleted(self):
        """What the module records of an answer (score, band, campaign) is written by the scoring alone, and a
        completed campaign answer is kept with its criterion scores; an answer outside a campaign is Odoo's."""
        campaign = self._campaign(2026, "h1", self.customer_a)
        answer = self._answer(self.customer_a, {self.q_quality: 40, self.q_delivery: 40}, campaign=campaign)
        score, band = answer.crr_score, answer.crr_band
        self.assertEqual(band, "very_dissatisfied")
        officer = new_test_user(self.env, login="crr_t_survey_officer", groups="survey.group_survey_manager")
        for vals in ({"crr_score": 95.0}, {"crr_band": "very_satisfied"}, {"crr_campaign_id": False},
                     {"crr_score_change": 50.0}):
            with self.assertRaisesRegex(UserError, "changes only through its action"):
                answer.with_user(officer).write(vals)
        with self.assertRaisesRegex(UserError, "is computed from the record"):
            answer.with_user(officer).write({"crr_customer_id": self.customer_b.id})
        with self.assertRaisesRegex(UserError, "kept as the campaign's record"):
            answer.with_user(officer).unlink()
        self.assertEqual((answer.crr_score, answer.crr_band, answer.crr_campaign_id), (score, band, campaign))
        self.assertTrue(answer.crr_score_ids)
        # an answer outside any campaign: deleted as Odoo allows
        loose = self._answer(self.customer_b, {self.q_quality: 80})
        loose.with_user(officer).unlink()
        self.assertFalse(loose.exists())

    def test_scored_criterion_kept(self):
        """A criterion that scored completed answers is not deleted (its scores would go with it), neither alone
        nor with its survey; a question that scored nothing still is."""
        self._answer(self.customer_a, {self.q_quality: 80, self.q_delivery: 60})
        officer = new_test_user(self.env, login="crr_t_survey_editor", groups="survey.group_survey_manager")
        scores = self.env["crr.satisfaction.score"].search([("question_id", "=", self.q_quality.id)])
        self.assertTrue(scores)
        with self.assertRaisesRegex(UserError, "is kept: completed answers were scored on it"):
            self.q_quality.with_user(officer).unlink()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.survey.with_user(officer).unlink()
        self.assertTrue(self.q_quality.exists() and scores.exists())
        self.q_comment.with_user(officer).unlink()
        self.assertFalse(self.q_comment.exists())

    def test_other_surveys_not_scored(self):
        survey = self.env["survey.survey"].create({"title": "Not satisfaction", "access_mode": "token"})
        question = self.env["survey.question"].create({
            "survey_id": survey.id, "title": "Q", "question_type": "simple_choice",
            "suggested_answer_ids": [(0, 0, {"value": "A", "answer_score": 500})],
        })
        answer = survey._create_answer(partner=self.customer_a)
        answer._save_lines(question, question.suggested_answer_ids.id)
        answer._mark_done()
        self.assertFalse(answer.crr_band)
        self.assertFalse(answer.crr_score_ids)
