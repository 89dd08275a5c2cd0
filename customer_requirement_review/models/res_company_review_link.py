from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crr_review_link import LINK_MAX_DAYS, LINK_MIN_DAYS


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crr_review_link_days = fields.Integer(
        string="Review Mail Links Valid (days)",
        default=7,
        help="The links of the review request mail (approve, approve with conditions, reject) can be used "
        "during this many days after the mail was sent, once each.",
    )

    @api.constrains("crr_review_link_days")
    def _check_crr_review_link_days(self):
        for company in self:
            if not LINK_MIN_DAYS <= company.crr_review_link_days <= LINK_MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The links of the review request mail are valid between %(min)s and %(max)s days "
                        "(company %(company)s).",
                        min=LINK_MIN_DAYS,
                        max=LINK_MAX_DAYS,
                        company=company.name,
                    )
                )
