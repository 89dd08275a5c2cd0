from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrrReviewRuleStep(models.Model):
    """The step of one department of a review rule (the procedures' order: production and procurement, then
    sales). A department of the rule without a step line reviews in step 1; the final approval department (the
    general manager) is always the last step, whatever its number here."""

    _name = "crr.review.rule.step"
    _description = "Review Rule Step"
    _inherit = ["crr.config.cache.mixin", "crr.record.guard.mixin"]
    _order = "rule_id, step, department_id"
    _check_company_auto = True

    rule_id = fields.Many2one("crr.review.rule", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    department_id = fields.Many2one("crr.department", required=True, check_company=True, ondelete="cascade")
    step = fields.Integer(
        default=1,
        required=True,
        help="Lines of a step open when every line of the previous steps of the round is approved; departments "
        "sharing a step review in parallel. The final approval department is always last.",
    )

    _rule_department_uniq = models.UniqueIndex(
        "(rule_id, department_id)", "A department has one step per review rule."
    )

    @api.constrains("step")
    def _check_step(self):
        if any(line.step < 1 for line in self):
            raise ValidationError(self.env._("The step of a department in a review rule starts at 1."))
