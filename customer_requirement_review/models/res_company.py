import ast
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
        "crr_review_deadline_days", "crr_payment_days_threshold", "crr_amount_threshold",
        "crr_complaint_ack_hours_minor", "crr_complaint_ack_hours_major", "crr_complaint_ack_hours_critical",
        "crr_complaint_close_days_minor", "crr_complaint_close_days_major", "crr_complaint_close_days_critical",
    )
    def _check_crr_positive(self):
        for company in self:
            values = (
                company.crr_review_deadline_days, company.crr_payment_days_threshold, company.crr_amount_threshold,
                company.crr_complaint_ack_hours_minor, company.crr_complaint_ack_hours_major,
                company.crr_complaint_ack_hours_critical, company.crr_complaint_close_days_minor,
                company.crr_complaint_close_days_major, company.crr_complaint_close_days_critical,
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
