from odoo import api, models
from odoo.exceptions import ValidationError


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    @api.constrains("question_id", "suggested_answer_id", "matrix_row_id", "user_input_id")
    def _check_crr_answer_of_question(self):
        """An answer line holds an answer of its own question, in its own survey: a satisfaction score
        must never be computed from the answer record of another survey's question."""
        for line in self:
            question = line.question_id
            if line.user_input_id and question.survey_id != line.user_input_id.survey_id:
                raise ValidationError(
                    self.env._(
                        "The question %(question)s does not belong to the survey %(survey)s being answered.",
                        question=question.title,
                        survey=line.user_input_id.survey_id.title,
                    )
                )
            if line.suggested_answer_id and line.suggested_answer_id.question_id != question:
                raise ValidationError(
                    self.env._(
                        "The answer %(answer)s is not one of the answers of the question %(question)s: choose one "
                        "of that question's answers.",
                        answer=line.suggested_answer_id.value,
                        question=question.title,
                    )
                )
            if line.matrix_row_id and line.matrix_row_id.matrix_question_id != question:
                raise ValidationError(
                    self.env._(
                        "The row %(row)s is not a row of the question %(question)s.",
                        row=line.matrix_row_id.value,
                        question=question.title,
                    )
                )
