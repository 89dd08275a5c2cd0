from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    crr_is_satisfaction = fields.Boolean(
        string="Customer Satisfaction Survey",
        index=True,
        help="The survey measures customer satisfaction: its criterion questions are scored on 0-100, "
        "weighted, and give each completed answer a satisfaction score and band.",
    )
    crr_criterion_ids = fields.One2many(
        "survey.question", "survey_id", string="Satisfaction Criteria",
        domain=[("crr_is_criterion", "=", True)],
    )

    @api.constrains("crr_is_satisfaction")
    def _check_crr_satisfaction_criteria(self):
        for survey in self.filtered("crr_is_satisfaction"):
            if survey.question_ids and not survey.question_ids.filtered("crr_is_criterion"):
                raise ValidationError(
                    self.env._(
                        "The satisfaction survey %(survey)s has no criterion question: flag at least one "
                        "question as a satisfaction criterion.",
                        survey=survey.title,
                    )
                )
