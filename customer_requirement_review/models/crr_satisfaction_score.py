from odoo import fields, models
from odoo.tools import SQL


class CrrSatisfactionScore(models.Model):
    _name = "crr.satisfaction.score"
    _description = "Customer Satisfaction Criterion Score"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _crr_number_bounds = {"score": (0, 100), "weight": (0, 1000)}
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "question_id"

    user_input_id = fields.Many2one(
        "survey.user_input", string="Answer", required=True, ondelete="cascade", index=True, readonly=True,
    )
    campaign_id = fields.Many2one(
        "crr.satisfaction.campaign", index="btree_not_null", ondelete="cascade", readonly=True,
        check_company=True,
    )
    survey_id = fields.Many2one(related="user_input_id.survey_id", string="Survey", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index="btree_not_null", readonly=True)
    question_id = fields.Many2one(
        # restrict: a criterion that scored completed answers is kept (survey.question), not deleted with them
        "survey.question", string="Criterion", required=True, index=True, ondelete="restrict", readonly=True,
    )
    score = fields.Float(
        digits=(5, 2), aggregator="avg", readonly=True,
        help="Criterion score (0-100). Its mean over any group weighs each score by its share of its "
        "answer (the criterion's weight / the weights of the criteria answered): each answer counts once "
        "and, within it, each criterion by its weight, as an answer's satisfaction score and a campaign's "
        "mean score are computed.",
    )
    weight_share = fields.Float(
        digits=(6, 5), readonly=True, aggregator="sum",
        help="The criterion's weight divided by the weights of the criteria answered in the same answer "
        "(the shares of an answer sum to 1).",
    )
    weight = fields.Float(aggregator="avg", readonly=True)
    date = fields.Date(required=True, index=True, readonly=True)
    period = fields.Char(index=True, readonly=True, help="Campaign period, e.g. 2025 H1.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True,
        default=lambda self: self.env.company,
    )

    _score_range = models.Constraint(
        "CHECK(score >= 0 AND score <= 100)",
        "A criterion score must lie between 0 and 100.",
    )
    _weight_positive = models.Constraint("CHECK(weight > 0)", "A criterion weight must be greater than zero.")
    _input_question_uniq = models.Constraint(
        "UNIQUE(user_input_id, question_id)", "An answer has one score per criterion.",
    )
    _partner_date_idx = models.Index("(partner_id, date DESC)")

    def _read_group_select(self, aggregate_spec, query):
        """One weighting everywhere: the mean score of a group of criterion scores weighs each score by
        its share of its answer. Over whole answers this is the mean of the answers' scores (a campaign's
        mean score); within one answer, its score; for one criterion answered by everyone, the plain mean."""
        if aggregate_spec == "score:avg":
            score = self._field_to_sql(self._table, "score", query)
            share = self._field_to_sql(self._table, "weight_share", query)
            return SQL("SUM(%s * %s) / NULLIF(SUM(%s), 0)", score, share, share)
        return super()._read_group_select(aggregate_spec, query)
