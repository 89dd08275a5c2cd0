from odoo import api, fields, models
from odoo.exceptions import ValidationError

# weights are relative: 1 to 10 in practice; a bound keeps the weighted mean a number
CRR_MAX_WEIGHT = 1000


class SurveyQuestion(models.Model):
    _name = "survey.question"
    _inherit = ["survey.question", "crr.record.guard.mixin"]

    crr_is_criterion = fields.Boolean(
        string="Satisfaction Criterion",
        help="The answer to this question is a satisfaction criterion scored on 0-100: the score of the "
        "chosen answer (single choice) or the chosen value rescaled to 0-100 (scale).",
    )
    crr_role = fields.Selection(
        [("competitor", "Comparison with Competitors"), ("urgent", "Most Urgent Improvement")],
        string="Satisfaction Follow-up Role",
        help="Comparison with Competitors: a single choice (or a matrix whose rows are the criteria) answered "
        "better / same / worse than competitors; an answer marked 'worse' opens a follow-up. Most Urgent "
        "Improvement: a single choice naming the item the customer most wants improved; any item other than "
        "'nothing urgent' opens a follow-up.",
    )
    crr_weight = fields.Float(
        string="Criterion Weight",
        default=1.0,
        help="Weight of the criterion in the satisfaction score (weighted mean of the criteria answered).",
    )

    @api.constrains("crr_is_criterion", "crr_weight", "question_type", "is_page")
    def _check_crr_criterion(self):
        for question in self.filtered("crr_is_criterion"):
            if question.is_page or question.question_type not in ("simple_choice", "scale"):
                raise ValidationError(
                    self.env._(
                        "The satisfaction criterion %(question)s must be a single choice question (answers "
                        "scored 0-100) or a scale question.",
                        question=question.title,
                    )
                )
            if not 0 < question.crr_weight <= CRR_MAX_WEIGHT:
                raise ValidationError(
                    self.env._(
                        "The weight of the satisfaction criterion %(question)s must be greater than zero and at "
                        "most %(max)s (got %(weight)s).",
                        max=CRR_MAX_WEIGHT,
                        question=question.title,
                        weight=question.crr_weight,
                    )
                )
        self.suggested_answer_ids._check_crr_answer_score()

    @api.constrains("crr_role", "question_type", "crr_is_criterion")
    def _check_crr_role(self):
        for question in self.filtered("crr_role"):
            allowed = ("simple_choice", "matrix") if question.crr_role == "competitor" else ("simple_choice",)
            if question.is_page or question.question_type not in allowed or question.crr_is_criterion:
                raise ValidationError(
                    self.env._(
                        "The question %(question)s cannot have the role %(role)s: a comparison with competitors is "
                        "a single choice or a matrix question, a most urgent improvement a single choice question, "
                        "and neither is a satisfaction criterion.",
                        question=question.title,
                        role=dict(self._fields["crr_role"]._description_selection(self.env))[question.crr_role],
                    )
                )

    def _crr_kept_message(self):
        # the criterion scores of completed answers are records of their campaigns: kept with their criterion
        scored = self.env["crr.satisfaction.score"].sudo().search([("question_id", "in", self.ids)], limit=1)
        if scored:
            return self.env._(
                "The satisfaction criterion %(question)s is kept: completed answers were scored on it. To change "
                "the criteria, copy the survey for the next campaign and archive this one.",
                question=scored.question_id.title,
            )
        return None

    def _crr_line_score(self, line):
        """Score 0-100 of an answer line to this criterion question, or None when it does not count
        (skipped, or a comment line)."""
        self.ensure_one()
        if line.skipped:
            return None
        if self.question_type == "simple_choice":
            if line.answer_type != "suggestion" or line.suggested_answer_id.question_id != self:
                return None
            return line.suggested_answer_id.answer_score
        if self.question_type == "scale" and line.answer_type == "scale":
            span = self.scale_max - self.scale_min
            if span <= 0:
                return None
            return round((line.value_scale - self.scale_min) * 100.0 / span, 2)
        return None
