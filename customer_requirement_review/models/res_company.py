from datetime import date, timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # -- requirement review ------------------------------------------------------------------
    crr_review_mode = fields.Selection(
        [("off", "Off"), ("special", "Special contracts only"), ("all", "Every order")],
        string="Requirement Review Required",
        default="all",
        required=True,
        help="Off: quotations are confirmed without review. Special contracts only: only orders the "
        "review rules classify as special must pass review. Every order: every quotation that a "
        "rule matches must pass review before it is confirmed.",
    )
    crr_amount_threshold = fields.Monetary(
        string="Large Order Amount",
        currency_field="currency_id",
        default=100000.0,
        help="Orders with an untaxed amount at or above this value are flagged as large orders "
        "(field 'Large Order' usable in review rules).",
    )
    crr_margin_threshold = fields.Float(
        string="Minimum Normal Margin (%)",
        default=15.0,
        help="Orders whose margin percent is below this value are flagged as low margin.",
    )
    crr_payment_days_threshold = fields.Integer(
        string="Maximum Normal Payment Days",
        default=60,
        help="Orders whose payment term exceeds this number of days are flagged as long payment terms.",
    )
    crr_review_deadline_days = fields.Integer(
        string="Review Deadline (days)",
        default=3,
        help="Days after a review request by which each department must decide.",
    )
    crr_urgent_deadline_hours = fields.Integer(
        string="Urgent Review Deadline (hours)",
        default=24,
        help="Urgent orders (紧急订单): hours after the review request by which every department must decide (the "
        "deadline is the date reached after these hours). Every department of every step is asked at once.",
    )
    crr_four_eyes = fields.Boolean(
        string="Four-Eyes Review",
        default=True,
        help="The salesperson who requested a review cannot decide a review line of that order, "
        "even when they are a reviewer of the department.",
    )
    crr_block_unreviewed_send = fields.Boolean(
        string="Block Sending Unreviewed Quotations",
        default=True,
        help="Until its review is approved, a quotation that requires review cannot be sent by "
        "e-mail nor signed or paid on the customer portal.",
    )

    # -- records kept (years after the record is done, counted in calendar years) -------------------
    crr_retention_years_order = fields.Integer(
        string="Keep Orders and Their Reviews (years)",
        default=1,
        help="Orders, their review records and requirement lists are kept until the end of the calendar year "
        "in which the order is done (fully invoiced or cancelled) plus this number of years.",
    )
    crr_retention_years_change_request = fields.Integer(
        string="Keep Change Requests (years)",
        default=1,
        help="Change requests are kept until the end of the calendar year in which their order is done plus "
        "this number of years.",
    )
    crr_retention_years_complaint = fields.Integer(
        string="Keep Complaints (years)",
        default=1,
        help="Complaints and their actions are kept until the end of the calendar year in which they are closed "
        "plus this number of years.",
    )

    # -- complaints ------------------------------------------------------------------------------
    crr_complaint_ack_hours_minor = fields.Integer(string="Acknowledge Minor Complaints Within (hours)", default=8)
    crr_complaint_ack_hours_major = fields.Integer(string="Acknowledge Major Complaints Within (hours)", default=8)
    crr_complaint_ack_hours_critical = fields.Integer(
        string="Acknowledge Critical Complaints Within (hours)", default=8
    )
    crr_complaint_close_days_minor = fields.Integer(string="Close Minor Complaints Within (days)", default=30)
    crr_complaint_close_days_major = fields.Integer(string="Close Major Complaints Within (days)", default=15)
    crr_complaint_close_days_critical = fields.Integer(string="Close Critical Complaints Within (days)", default=7)

    # -- customer satisfaction --------------------------------------------------------------------
    crr_band_very_satisfied = fields.Float(string="Very Satisfied From", default=90.0)
    crr_band_satisfied = fields.Float(string="Satisfied From", default=75.0)
    crr_band_neutral = fields.Float(string="Neutral From", default=65.0)
    crr_band_dissatisfied = fields.Float(string="Dissatisfied From", default=55.0)
    crr_followup_criterion_below = fields.Float(
        string="Follow-up When a Criterion Is Below",
        default=60.0,
        help="A completed satisfaction answer with any criterion scored below this value opens a complaint.",
    )
    crr_followup_total_below = fields.Float(
        string="Follow-up When the Total Is Below",
        default=70.0,
        help="A completed satisfaction answer whose total score is below this value opens a complaint.",
    )
    crr_followup_drop_points = fields.Float(
        string="Follow-up When the Score Drops By More Than",
        default=10.0,
        help="A customer whose score fell by more than this number of points since the previous "
        "campaign gets a follow-up complaint.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # every new company gets its own copy of the review departments and default review rules
        self.env["crr.review.rule"]._crr_setup_companies(companies)
        # and its own e-mail alias for incoming complaints
        companies._crr_ensure_complaint_alias()
        return companies

    @api.constrains(
        "crr_band_very_satisfied", "crr_band_satisfied", "crr_band_neutral", "crr_band_dissatisfied"
    )
    def _check_crr_bands(self):
        for company in self:
            bands = [
                company.crr_band_very_satisfied,
                company.crr_band_satisfied,
                company.crr_band_neutral,
                company.crr_band_dissatisfied,
            ]
            if any(value < 0 or value > 100 for value in bands):
                raise ValidationError(
                    self.env._("Satisfaction band thresholds must lie between 0 and 100 (company %(company)s).",
                               company=company.name)
                )
            if not all(high > low for high, low in pairwise(bands)):
                raise ValidationError(
                    self.env._(
                        "Satisfaction band thresholds must decrease: very satisfied > satisfied > neutral > "
                        "dissatisfied (company %(company)s, got %(values)s).",
                        company=company.name,
                        values=" / ".join(f"{value:g}" for value in bands),
                    )
                )

    @api.constrains(
        "crr_followup_criterion_below", "crr_followup_total_below", "crr_followup_drop_points",
        "crr_margin_threshold",
    )
    def _check_crr_percentages(self):
        for company in self:
            for value in (company.crr_followup_criterion_below, company.crr_followup_total_below,
                          company.crr_followup_drop_points):
                if value < 0 or value > 100:
                    raise ValidationError(
                        self.env._("Satisfaction follow-up thresholds must lie between 0 and 100.")
                    )
            if company.crr_margin_threshold < -100 or company.crr_margin_threshold > 100:
                raise ValidationError(self.env._("The minimum normal margin must lie between -100 and 100 percent."))

    @api.constrains(
        "crr_review_deadline_days", "crr_payment_days_threshold", "crr_amount_threshold", "crr_urgent_deadline_hours",
        "crr_complaint_ack_hours_minor", "crr_complaint_ack_hours_major", "crr_complaint_ack_hours_critical",
        "crr_complaint_close_days_minor", "crr_complaint_close_days_major", "crr_complaint_close_days_critical",
        "crr_retention_years_order", "crr_retention_years_change_request", "crr_retention_years_complaint",
    )
    def _check_crr_positive(self):
        for company in self:
            values = (
                company.crr_review_deadline_days, company.crr_payment_days_threshold, company.crr_amount_threshold,
                company.crr_complaint_ack_hours_minor, company.crr_complaint_ack_hours_major,
                company.crr_complaint_ack_hours_critical, company.crr_complaint_close_days_minor,
                company.crr_complaint_close_days_major, company.crr_complaint_close_days_critical,
                company.crr_retention_years_order, company.crr_retention_years_change_request,
                company.crr_retention_years_complaint, company.crr_urgent_deadline_hours,
            )
            if any(value < 0 for value in values):
                raise ValidationError(
                    self.env._("Review and complaint deadlines and thresholds cannot be negative.")
                )

    # -- complaint e-mail intake (one mail alias per company) -------------------------------------
    crr_complaint_alias_id = fields.Many2one(
        "mail.alias",
        string="Complaint E-mail Alias",
        copy=False,
        ondelete="set null",
        help="Incoming e-mails to this alias create complaints of this company.",
    )

    def _crr_ensure_complaint_alias(self):
        """Give every company of ``self`` (all companies when empty) its complaint alias."""
        # all companies: a handful of records
        companies = self or self.sudo().search([])  # pylint: disable=no-search-all
        model = self.env["ir.model"].sudo()._get("crr.complaint")
        Alias = self.env["mail.alias"].sudo()
        for company in companies.filtered(lambda c: not c.crr_complaint_alias_id).sorted("id"):
            domain = company.alias_domain_id
            name = "complaints"
            if Alias.search_count([("alias_name", "=", name), ("alias_domain_id", "=", domain.id)], limit=1):
                name = f"complaints-{company.id}"
            alias = Alias.create(
                {
                    "alias_name": name,
                    "alias_domain_id": domain.id,
                    "alias_model_id": model.id,
                    "alias_defaults": repr({"company_id": company.id, "channel": "email"}),
                    "alias_contact": "everyone",
                }
            )
            company.sudo().crr_complaint_alias_id = alias
        return True

    def _crr_review_deadline_date(self, today=None, urgent=False):
        """The deadline of a review line opened ``today``: the review deadline days later, or for an urgent
        order the date reached after the urgent deadline hours (from now)."""
        company = self[:1] or self.env.company
        if urgent:
            later = fields.Datetime.now() + timedelta(hours=company.crr_urgent_deadline_hours or 0)
            return fields.Date.context_today(self, later)
        today = today or fields.Date.context_today(self)
        return today + timedelta(days=company.crr_review_deadline_days or 0)

    def _crr_retention_date(self, done_date, years):
        """Keep until the end of the calendar year of ``done_date`` plus ``years`` (False while not done)."""
        self.ensure_one()
        if not done_date:
            return False
        return date(done_date.year + max(years or 0, 0), 12, 31)
