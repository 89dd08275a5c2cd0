from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    crr_comparison = fields.Selection(
        [("better", "Better than Competitors"), ("same", "Same as Competitors"), ("worse", "Worse than Competitors")],
        string="Compared with Competitors",
        help="On a comparison-with-competitors question: what this choice (a column of a matrix) means. "
        "'Worse' opens a satisfaction follow-up.",
    )
    crr_nothing_urgent = fields.Boolean(
        string="Nothing Urgent",
        help="On a most-urgent-improvement question: this choice names no item, so it opens no follow-up.",
    )

    @api.constrains("answer_score", "question_id")
    def _check_crr_answer_score(self):
        for answer in self:
            question = answer.question_id
            if question.crr_is_criterion and not 0 <= answer.answer_score <= 100:
                raise ValidationError(
                    self.env._(
                        "The answer %(answer)s of the satisfaction criterion %(question)s is scored %(score)s: "
                        "criterion answers must be scored between 0 and 100.",
                        answer=answer.value,
                        question=question.title,
                        score=answer.answer_score,
                    )
                )
