import pytz

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crr_on_time_target = fields.Float(
        string="On-Time Delivery Target (%)",
        default=100.0,
        help="Target of the on-time delivery rate (交货及时率). Below it, the rate is shown as missing the target; "
        "every late or short delivery opens a delay countermeasure.",
    )
    crr_countermeasure_days = fields.Integer(
        string="Countermeasure Deadline (days)",
        default=3,
        help="Days the owner of a delay countermeasure has to record the cause and the countermeasure.",
    )

    _crr_on_time_target_range = models.Constraint(
        "CHECK(crr_on_time_target >= 0 AND crr_on_time_target <= 100)",
        "The on-time delivery target is a percentage between 0 and 100.",
    )

    def _crr_local_date(self, value):
        """The calendar date of the UTC datetime ``value`` in the company's time zone (its address's), so
        that a delivery is on time or late by the company's calendar whoever triggers the computation."""
        if not value:
            return False
        company = self or self.env.company
        try:
            zone = pytz.timezone(company.partner_id.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            zone = pytz.utc
        return pytz.utc.localize(value).astimezone(zone).date()
