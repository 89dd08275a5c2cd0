from odoo import api, models
from odoo.exceptions import ValidationError


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

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
