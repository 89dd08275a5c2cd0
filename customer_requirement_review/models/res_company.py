import ast
from datetime import date, timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class ResCompany(models.Model):
    _inherit = "res.company"

    # -- requirement review ------------------------------------------------------------------
    crr_review_mode = fields.Selection(
        [("off", "Off"), ("special", "Special contracts only"), ("all", "Every order")],
        string="Requirement Review Required",
        # off at install and in new companies: their departments have no reviewers yet, and orders already
        # being sold, paid online or confirmed by other apps must not be stopped before the review is set up
        default="off",
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
        "e-mail, nor signed or paid on the customer portal when the policy for orders confirmed without a "
        "salesperson is to review them first.",
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
    crr_complaint_no_answer_days = fields.Integer(
        string="Close Without the Customer's Answer After (days)",
        default=14,
        help="A complaint closes only when the customer accepted the reply, or when the customer did not "
        "answer the reply within this number of days (recorded as 'No Answer').",
    )

    # -- document control: form number and revision printed in each PDF form's header ----------------
    crr_form_no_review = fields.Char(string="Review Form No.", default="QR-8.2-01")
    crr_form_rev_review = fields.Char(string="Review Form Revision", default="A")
    crr_form_no_change = fields.Char(string="Change Notice Form No.", default="QR-8.2-02")
    crr_form_rev_change = fields.Char(string="Change Notice Revision", default="A")
    crr_form_no_complaint = fields.Char(string="Complaint / CAPA Report Form No.", default="QR-8.2-03")
    crr_form_rev_complaint = fields.Char(string="Complaint / CAPA Report Revision", default="A")
    crr_form_no_reply = fields.Char(string="Complaint Reply Form No.", default="QR-8.2-04")
    crr_form_rev_reply = fields.Char(string="Complaint Reply Revision", default="A")
    crr_form_no_satisfaction = fields.Char(string="Satisfaction Report Form No.", default="QR-9.1-01")
    crr_form_rev_satisfaction = fields.Char(string="Satisfaction Report Revision", default="A")

    def _crr_form_lang(self):
        """Language of the internal forms (review form, change notice, complaint/CAPA report): the
        company's (its partner's language), so that a controlled record reads the same whoever prints
        it and whoever the customer is; customer documents print in the customer's language."""
        self.ensure_one()
        return self.partner_id.lang or self.env.lang or "en_US"

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

    # -- orders that no salesperson confirms (paid online, e-commerce, other apps) -------------------
    crr_online_policy = fields.Selection(
        [
            ("review_first", "Review before the customer signs or pays"),
            ("exempt", "Exempt the orders matching a condition"),
            ("review_after", "Confirm, then review (deliveries held until approved)"),
        ],
        string="Orders Confirmed Without a Salesperson",
        default="review_after",
        required=True,
        help="What happens to an order that needs review when no salesperson confirms it: paid online, "
        "checked out in the e-commerce, signed on the portal, or confirmed by another app or an automated "
        "action. Review before: the customer cannot sign or pay the quotation on the portal before its review "
        "is approved; a payment that arrives anyway is recorded and the quotation waits for its review. "
        "Exempt: the orders matching the condition are confirmed without review; the others are handled as "
        "'Review before'. Confirm, then review: the order is confirmed, its review is requested at once and, "
        "with Inventory, its deliveries are held until the review is approved.",
    )
    crr_online_exempt_domain = fields.Char(
        string="Exempt Orders Condition",
        default="[]",
        help="With the policy 'Exempt', orders confirmed without a salesperson that match this condition "
        "(e.g. sales team, website, amount) are confirmed without review. An empty condition exempts them all.",
    )

    @api.constrains("crr_online_exempt_domain")
    def _check_crr_online_exempt_domain(self):
        for company in self:
            company._crr_online_exempt_domain()

    def _crr_online_exempt_domain(self):
        """The exemption condition as a domain list, or a ValidationError saying what is wrong."""
        self.ensure_one()
        text = (self.crr_online_exempt_domain or "").strip() or "[]"
        try:
            value = ast.literal_eval(text)
            if not isinstance(value, list | tuple):
                raise ValueError(self.env._("a list of conditions is expected"))
            Domain(list(value)).validate(self.env["sale.order"])
        except Exception as exc:  # any parsing problem is reported to the admin
            raise ValidationError(
                self.env._(
                    "The condition of the orders exempt from review (company %(company)s) cannot be used on "
                    "orders: %(error)s. Edit it with the condition editor, e.g. [('amount_total', '<=', 500)].",
                    company=self.name,
                    error=exc,
                )
            ) from exc
        return list(value)

    @api.model_create_multi
    def create(self, vals_list):
        # the user's right to create companies is checked by the creation itself
        companies = super().create(vals_list)
        # every new company gets its own copy of the review departments and default review rules, created
        # with the module's rights (a user who may create companies need not be a review manager)
        self.env["crr.review.rule"].sudo()._crr_setup_companies(companies.sudo())
        # and its own e-mail alias for incoming complaints
        companies.sudo()._crr_ensure_complaint_alias()
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
        "crr_complaint_no_answer_days",
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
                company.crr_complaint_no_answer_days,
            )
            if any(value < 0 for value in values):
                raise ValidationError(
                    self.env._("Review and complaint deadlines and thresholds cannot be negative.")
                )
            maxima = (
                (company.crr_review_deadline_days, 365, self.env._("review deadline (days)")),
                (company.crr_payment_days_threshold, 3650, self.env._("maximum normal payment days")),
                (company.crr_amount_threshold, 1e12, self.env._("large order amount")),
                (company.crr_complaint_ack_hours_minor, 720, self.env._("hours to acknowledge a complaint")),
                (company.crr_complaint_ack_hours_major, 720, self.env._("hours to acknowledge a complaint")),
                (company.crr_complaint_ack_hours_critical, 720, self.env._("hours to acknowledge a complaint")),
                (company.crr_complaint_close_days_minor, 365, self.env._("days to close a complaint")),
                (company.crr_complaint_close_days_major, 365, self.env._("days to close a complaint")),
                (company.crr_complaint_close_days_critical, 365, self.env._("days to close a complaint")),
            )
            for value, maximum, label in maxima:
                if value > maximum:
                    raise ValidationError(
                        self.env._(
                            "The %(setting)s of %(company)s cannot exceed %(max)s (got %(value)s).",
                            setting=label,
                            company=company.name,
                            max=f"{maximum:g}",
                            value=f"{value:g}",
                        )
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
            later = fields.Datetime.now() + timedelta(hours=company._crr_review_setting("crr_urgent_deadline_hours") or 0)
            return fields.Date.context_today(self, later)
        today = today or fields.Date.context_today(self)
        return today + timedelta(days=company._crr_review_setting("crr_review_deadline_days") or 0)

    def _crr_retention_date(self, done_date, years):
        """Keep until the end of the calendar year of ``done_date`` plus ``years`` (False while not done)."""
        self.ensure_one()
        if not done_date:
            return False
        return date(done_date.year + max(years or 0, 0), 12, 31)

    # -- corrective action (CAPA) governance ------------------------------------------------------
    crr_capa_plan_days = fields.Integer(
        string="CAPA Plan Due Within (days)",
        default=2,
        help="The responsible department draws up the corrective action plan within this number of days "
        "after the investigation starts.",
    )
    crr_capa_plan_approval = fields.Boolean(
        string="CAPA Plan Approved by the Management Representative",
        default=True,
        help="The corrective and preventive actions of a complaint start only once the management "
        "representative has approved its CAPA plan.",
    )
    crr_onsite_hours = fields.Integer(
        string="On Site Within (hours)",
        default=8,
        help="A critical complaint that the phone cannot solve needs someone on site within this number of "
        "hours after the complaint was received.",
    )
    crr_capa_effectiveness_days = fields.Integer(
        string="CAPA Effectiveness Period (days)",
        default=90,
        help="Days after closing a complaint after which its corrective action is verified effective when "
        "no new complaint of the same customer, product and category arrived.",
    )

    @api.constrains("crr_capa_plan_days", "crr_onsite_hours", "crr_capa_effectiveness_days")
    def _check_crr_capa_settings(self):
        for company in self:
            if min(company.crr_capa_plan_days, company.crr_onsite_hours, company.crr_capa_effectiveness_days) < 0:
                raise ValidationError(
                    self.env._("The CAPA plan, on-site and effectiveness periods cannot be negative.")
                )
