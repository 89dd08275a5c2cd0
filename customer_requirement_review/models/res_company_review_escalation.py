from odoo import api, fields, models
from odoo.exceptions import ValidationError

CRR_MAX_ESCALATION_DAYS = 90


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crr_escalation_days = fields.Integer(
        string="Escalate Overdue Reviews After (days)",
        default=2,
        help="An overdue review line is reminded to its department every day; this many days after its deadline "
        "the department head gets an activity, twice as many days after it the final approver. 0: no "
        "escalation.",
    )

    @api.constrains("crr_escalation_days")
    def _check_crr_escalation_days(self):
        for company in self:
            if not 0 <= company.crr_escalation_days <= CRR_MAX_ESCALATION_DAYS:
                raise ValidationError(
                    self.env._(
                        "The escalation of overdue reviews of %(company)s must lie between 0 (no escalation) and "
                        "%(max)s days (got %(value)s).",
                        company=company.name,
                        max=CRR_MAX_ESCALATION_DAYS,
                        value=company.crr_escalation_days,
                    )
                )
