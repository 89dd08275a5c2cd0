import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crr_management_rep import MANAGEMENT_REP_CODE, management_rep_departments
from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES
from .survey_user_input import CRR_BANDS


class CrrSatisfactionCampaign(models.Model):
    _name = "crr.satisfaction.campaign"
    _description = "Customer Satisfaction Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.review.mixin", "crr.record.guard.mixin",
                "crr.guard.mixin"]
    _crr_action_fields = {
        "state": "action_send / action_submit_approval / the results' review lines (action_approve_mr, "
        "action_approve_gm, action_send_back) / action_close / action_reopen",
        "approval_round": "action_submit_approval",
        "sent_date": "action_send",
        "sent_by_id": "action_send",
        "mr_approved_by_id": "action_approve_mr",
        "mr_approved_date": "action_approve_mr",
        "gm_approved_by_id": "action_approve_gm",
        "gm_approved_date": "action_approve_gm",
    }
    # crr.review.mixin: the management representative checks the results, then the general manager approves
    _crr_review_line_field = "campaign_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "to_approve", "approved": "approved", "rejected": "sent"}
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Campaign", required=True, tracking=True, compute="_compute_name", store=True,
                       readonly=False, precompute=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True,
        domain="[('share', '=', False)]", check_company=True,
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    half = fields.Selection(
        [("h1", "H1 (January-June)"), ("h2", "H2 (July-December)")],
        string="Half-Year",
        default=lambda self: "h1" if fields.Date.context_today(self).month <= 6 else "h2",
        help="The procedures survey customers twice a year, in June and December. Leave empty to set the "
        "dates freely.",
    )
    date_from = fields.Date(
        string="From", required=True, compute="_compute_dates", store=True, readonly=False, precompute=True,
        index=True,
    )
    date_to = fields.Date(
        string="To", required=True, compute="_compute_dates", store=True, readonly=False, precompute=True,
    )
    period_label = fields.Char(string="Period", compute="_compute_period_label", store=True, precompute=True)
    survey_id = fields.Many2one(
        "survey.survey", required=True, tracking=True,
        domain="[('crr_is_satisfaction', '=', True)]",
        default=lambda self: self._default_survey(),
    )
    partner_ids = fields.Many2many(
        "res.partner", "crr_satisfaction_campaign_partner_rel", "campaign_id", "partner_id",
        string="Customers", check_company=True,
        help="Customers to survey. 'Load Customers' fills in those with confirmed orders in the period.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("to_approve", "To Approve"), ("approved", "Approved"),
         ("closed", "Closed")],
        string="Status", default="draft", required=True, tracking=True, index=True, copy=False,
        help="The survey data and the improvements are checked by the management representative and approved by "
        "the general manager before the campaign is closed (archived).",
    )
    approval_round = fields.Integer(readonly=True, copy=False)
    review_line_ids = fields.One2many(
        "crr.review.line", "campaign_id", string="Approval", readonly=True,
        help="The management representative's check and the general manager's approval of the results.",
    )
    mr_approved_by_id = fields.Many2one(
        "res.users", string="Checked By (Management Representative)", readonly=True, copy=False, tracking=True,
    )
    mr_approved_date = fields.Datetime(string="Checked On", readonly=True, copy=False)
    gm_approved_by_id = fields.Many2one(
        "res.users", string="Approved By (General Manager)", readonly=True, copy=False, tracking=True,
    )
    gm_approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    approval_note = fields.Text(
        string="Approval Remarks", tracking=True,
        help="Remarks of the management representative or the general manager; required to send the results back.",
    )
    sent_date = fields.Datetime(string="Sent On", readonly=True, copy=False)
    sent_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    user_input_ids = fields.One2many("survey.user_input", "crr_campaign_id", string="Invitations", readonly=True)
    done_input_ids = fields.One2many(
        "survey.user_input", "crr_campaign_id", string="Answers", readonly=True,
        domain=[("state", "=", "done")],
    )
    score_ids = fields.One2many("crr.satisfaction.score", "campaign_id", string="Criterion Scores", readonly=True)

    # -- statistics (computed on the fly, as superuser: the answers belong to survey) -------------------
    partner_count = fields.Integer(string="Customers Count", compute="_compute_partner_count")
    invited_count = fields.Integer(string="Invited", compute="_compute_statistics")
    answered_count = fields.Integer(string="Answered", compute="_compute_statistics")
    response_rate = fields.Float(string="Response Rate (%)", digits=(5, 1), compute="_compute_statistics")
    mean_score = fields.Float(
        digits=(5, 2), compute="_compute_statistics",
        help="Mean of the answers' satisfaction scores (each answer counts once; an answer's score is the mean "
        "of its criteria weighted by the criteria weights). The Scores Analysis gives the same figure.",
    )
    count_very_satisfied = fields.Integer(string="Very Satisfied", compute="_compute_statistics")
    count_satisfied = fields.Integer(string="Satisfied", compute="_compute_statistics")
    count_neutral = fields.Integer(string="Neutral", compute="_compute_statistics")
    count_dissatisfied = fields.Integer(string="Dissatisfied", compute="_compute_statistics")
    count_very_dissatisfied = fields.Integer(string="Very Dissatisfied", compute="_compute_statistics")
    criterion_stats_html = fields.Html(
        string="Mean per Criterion", compute="_compute_criterion_stats_html", sanitize=False,
    )

    # the year makes the campaign's dates: a year the calendar cannot hold is refused before they are computed
    _crr_number_bounds = {"year": (1901, 2999)}

    _dates_check = models.Constraint("CHECK(date_from <= date_to)", "The campaign must end after it starts.")

    @api.model
    def _default_survey(self):
        return self.env["survey.survey"].search([("crr_is_satisfaction", "=", True)], limit=1)

    @api.model
    def _crr_period_label(self, date):
        return f"{date.year} H{1 if date.month <= 6 else 2}"

    @api.depends("year", "half")
    def _compute_dates(self):
        for campaign in self:
            if not campaign.year or not campaign.half:
                continue
            if campaign.half == "h1":
                campaign.date_from = datetime.date(campaign.year, 1, 1)
                campaign.date_to = datetime.date(campaign.year, 6, 30)
            else:
                campaign.date_from = datetime.date(campaign.year, 7, 1)
                campaign.date_to = datetime.date(campaign.year, 12, 31)

    @api.depends("year", "half", "date_from", "date_to")
    def _compute_period_label(self):
        for campaign in self:
            if campaign.half and campaign.year:
                campaign.period_label = f"{campaign.year} {campaign.half.upper()}"
            elif campaign.date_from and campaign.date_to:
                campaign.period_label = f"{campaign.date_from} - {campaign.date_to}"
            else:
                campaign.period_label = False

    @api.depends("period_label")
    def _compute_name(self):
        for campaign in self:
            if not campaign.name and campaign.period_label:
                campaign.name = self.env._("Customer Satisfaction %(period)s", period=campaign.period_label)

    @api.constrains("year")
    def _check_year(self):
        for campaign in self:
            if not 1900 < campaign.year < 3000:
                raise ValidationError(self.env._("The campaign year %(year)s is not valid.", year=campaign.year))

    @api.constrains("survey_id")
    def _check_survey(self):
        for campaign in self:
            if not campaign.survey_id.sudo().crr_is_satisfaction:
                raise ValidationError(
                    self.env._(
                        "The survey %(survey)s is not a customer satisfaction survey: choose a survey flagged "
                        "'Customer Satisfaction Survey'.",
                        survey=campaign.survey_id.sudo().title,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(campaign.state != "draft" for campaign in self):
            raise UserError(self.env._("A campaign that was sent cannot be deleted: close it instead."))

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for campaign in self:
            campaign.partner_count = len(campaign.partner_ids)

    # ------------------------------------------------------------------------------------------------
    # statistics
    # ------------------------------------------------------------------------------------------------

    def _crr_input_domain(self):
        return [("crr_campaign_id", "in", self.ids), ("test_entry", "=", False)]

    @api.depends("user_input_ids.state", "user_input_ids.crr_band")
    def _compute_statistics(self):
        UserInput = self.env["survey.user_input"].sudo()
        invited = dict(UserInput._read_group(self._crr_input_domain(), ["crr_campaign_id"], ["__count"]))
        bands = {}
        for campaign, band, count, score_sum in UserInput._read_group(
            [*self._crr_input_domain(), ("state", "=", "done"), ("crr_band", "!=", False)],
            ["crr_campaign_id", "crr_band"], ["__count", "crr_score:sum"],
        ):
            bands.setdefault(campaign, {})[band] = (count, score_sum)
        answered = dict(UserInput._read_group(
            [*self._crr_input_domain(), ("state", "=", "done")], ["crr_campaign_id"], ["__count"]))
        for campaign in self:
            record = campaign._origin
            campaign.invited_count = invited.get(record, 0)
            campaign.answered_count = answered.get(record, 0)
            campaign.response_rate = (
                round(100.0 * campaign.answered_count / campaign.invited_count, 1) if campaign.invited_count else 0.0
            )
            per_band = bands.get(record, {})
            scored = sum(count for count, _total in per_band.values())
            campaign.mean_score = (
                round(sum(total for _count, total in per_band.values()) / scored, 2) if scored else 0.0
            )
            for band, _label in CRR_BANDS:
                campaign[f"count_{band}"] = per_band.get(band, (0, 0))[0]

    def _crr_band_distribution(self):
        """[(band key, label, count, percent)] of the scored answers of this campaign."""
        self.ensure_one()
        labels = dict(self.env["survey.user_input"]._fields["crr_band"]._description_selection(self.env))
        total = sum(self[f"count_{band}"] for band, _label in CRR_BANDS)
        return [
            (band, labels[band], self[f"count_{band}"],
             round(100.0 * self[f"count_{band}"] / total, 1) if total else 0.0)
            for band, _label in CRR_BANDS
        ]

    def _crr_criterion_stats(self):
        """[{question, name, weight, mean, count}] for the criteria of this campaign, in survey order."""
        self.ensure_one()
        groups = self.env["crr.satisfaction.score"].sudo()._read_group(
            [("campaign_id", "=", self.id)], ["question_id"], ["score:avg", "__count"],
        )
        stats = [
            {"question": question, "name": question.title, "weight": question.crr_weight,
             "mean": round(mean or 0.0, 2), "count": count}
            for question, mean, count in groups
        ]
        return sorted(stats, key=lambda item: (item["question"].sequence, item["question"].id))

    def _crr_customer_results(self):
        """[{customer, score, band, previous, change}] per completed answer, by customer name."""
        self.ensure_one()
        labels = dict(self.env["survey.user_input"]._fields["crr_band"]._description_selection(self.env))
        inputs = self.env["survey.user_input"].sudo().search(
            [*self._crr_input_domain(), ("state", "=", "done")]
        )
        results = [
            {
                "customer": user_input.crr_customer_id,
                "name": user_input.crr_customer_id.display_name or user_input.email or "",
                "score": user_input.crr_score if user_input.crr_band else None,
                "band": user_input.crr_band,
                "band_label": labels.get(user_input.crr_band, ""),
                "previous": user_input.crr_previous_score if user_input.crr_previous_input_id else None,
                "change": user_input.crr_score_change if user_input.crr_previous_input_id else None,
            }
            for user_input in inputs
        ]
        return sorted(results, key=lambda item: item["name"].lower())

    @api.depends("score_ids")
    def _compute_criterion_stats_html(self):
        for campaign in self:
            stats = campaign._origin and campaign._origin._crr_criterion_stats()
            if not stats:
                campaign.criterion_stats_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No criterion answered yet.")
                continue
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                       "<td class='text-end'>%s</td></tr>") % (
                    item["name"], f"{item['weight']:g}", f"{item['mean']:.2f}", item["count"])
                for item in stats
            )
            campaign.criterion_stats_html = Markup(
                "<table class='table table-sm o_crr_criterion_stats'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (escape(self.env._("Criterion")), escape(self.env._("Weight")), escape(self.env._("Mean Score")),
                 escape(self.env._("Answers")), rows)

    # ------------------------------------------------------------------------------------------------
    # yearly summary (both halves, trend, per criterion, per customer): input to the management review
    # ------------------------------------------------------------------------------------------------

    def _crr_yearly_docs(self):
        """One campaign per (company, year) of ``self``: each prints the summary of its year."""
        seen, docs = set(), self.browse()
        for campaign in self.sorted(lambda c: (c.company_id.id, c.year, c.date_from)):
            key = (campaign.company_id.id, campaign.year)
            if key not in seen:
                seen.add(key)
                docs |= campaign
        return docs

    def _crr_yearly_summary(self, trend_years=5):
        """Plain data of the yearly summary of this campaign's company and year, read with grouped queries."""
        self.ensure_one()
        Campaign = self.sudo()
        campaigns = Campaign.search(
            [("company_id", "=", self.company_id.id), ("year", "=", self.year)], order="date_from, id")
        UserInput = self.env["survey.user_input"].sudo()
        Score = self.env["crr.satisfaction.score"].sudo()
        Line = self.env["survey.user_input.line"].sudo()
        done = [("crr_campaign_id", "in", campaigns.ids), ("test_entry", "=", False), ("state", "=", "done")]
        # both halves
        halves = [
            {
                "campaign": campaign, "label": campaign.period_label or campaign.name,
                "invited": campaign.invited_count, "answered": campaign.answered_count,
                "response_rate": campaign.response_rate, "mean": campaign.mean_score,
                "bands": campaign._crr_band_distribution(),
            }
            for campaign in campaigns
        ]
        [(year_count, year_mean)] = UserInput._read_group(
            [*done, ("crr_band", "!=", False)], [], ["__count", "crr_score:avg"])
        # trend: the mean of every campaign of the last years
        trend_campaigns = Campaign.search([
            ("company_id", "=", self.company_id.id),
            ("year", ">", self.year - trend_years), ("year", "<=", self.year),
        ], order="date_from, id")
        trend_means = dict(UserInput._read_group(
            [("crr_campaign_id", "in", trend_campaigns.ids), ("test_entry", "=", False), ("state", "=", "done"),
             ("crr_band", "!=", False)],
            ["crr_campaign_id"], ["crr_score:avg"]))
        trend = [
            {"label": campaign.period_label or campaign.name, "mean": round(trend_means.get(campaign) or 0.0, 2),
             "answered": campaign in trend_means}
            for campaign in trend_campaigns
        ]
        # per criterion: mean per half and over the year
        per_half = {
            (question, campaign): mean
            for question, campaign, mean in Score._read_group(
                [("campaign_id", "in", campaigns.ids)], ["question_id", "campaign_id"], ["score:avg"])
        }
        year_per_question = Score._read_group(
            [("campaign_id", "in", campaigns.ids)], ["question_id"], ["score:avg", "__count"])
        criteria = [
            {
                "name": question.title,
                "halves": [per_half.get((question, campaign)) for campaign in campaigns],
                "mean": round(mean or 0.0, 2), "count": count, "sequence": (question.sequence, question.id),
            }
            for question, mean, count in year_per_question
        ]
        criteria.sort(key=lambda item: item["sequence"])
        # per customer: score per half and change over the year
        per_customer = {}
        for customer, campaign, score in UserInput._read_group(
            [*done, ("crr_band", "!=", False)], ["crr_customer_id", "crr_campaign_id"], ["crr_score:avg"],
        ):
            per_customer.setdefault(customer, {})[campaign] = score
        customers = []
        for customer, scores in per_customer.items():
            values = [scores.get(campaign) for campaign in campaigns]
            known = [value for value in values if value is not None]
            customers.append({
                "name": customer.display_name or "",
                "halves": values,
                "change": round(known[-1] - known[0], 2) if len(known) > 1 else None,
            })
        customers.sort(key=lambda item: item["name"].lower())
        # compared with competitors and most urgent improvements
        comparison_labels = dict(
            self.env["survey.question.answer"]._fields["crr_comparison"]._description_selection(self.env))
        comparison = {}
        for question, row, choice, count in Line._read_group(
            [("user_input_id.crr_campaign_id", "in", campaigns.ids), ("user_input_id.state", "=", "done"),
             ("question_id.crr_role", "=", "competitor"), ("suggested_answer_id.crr_comparison", "!=", False)],
            ["question_id", "matrix_row_id", "suggested_answer_id"], ["__count"],
        ):
            item = row.value or question.title
            comparison.setdefault(item, {"better": 0, "same": 0, "worse": 0})[choice.crr_comparison] += count
        urgent = [
            {"name": choice.value, "count": count}
            for choice, count in Line._read_group(
                [("user_input_id.crr_campaign_id", "in", campaigns.ids), ("user_input_id.state", "=", "done"),
                 ("question_id.crr_role", "=", "urgent"), ("suggested_answer_id.crr_nothing_urgent", "=", False),
                 ("suggested_answer_id", "!=", False)],
                ["suggested_answer_id"], ["__count"],
            )
        ]
        urgent.sort(key=lambda item: (-item["count"], item["name"]))
        follow_ups = UserInput.search_count([*done, ("crr_complaint_id", "!=", False)])
        return {
            "year": self.year,
            "company": self.company_id,
            "campaigns": campaigns,
            "halves": halves,
            "answered": year_count,
            "mean": round(year_mean or 0.0, 2),
            "trend": trend,
            "criteria": criteria,
            "customers": customers,
            "comparison": [
                {"name": name, **counts} for name, counts in sorted(comparison.items())
            ],
            "comparison_labels": comparison_labels,
            "urgent": urgent,
            "follow_ups": follow_ups,
        }

    # ------------------------------------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------------------------------------

    def action_load_customers(self):
        """Set the customers to those with confirmed sales orders dated in the campaign period (one query)."""
        self._crr_check_access("write")
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(self.env._("Customers can only be loaded while the campaign is a draft."))
            groups = self.env["sale.order"]._read_group(
                [
                    ("state", "=", "sale"),
                    ("company_id", "=", campaign.company_id.id),
                    ("date_order", ">=", fields.Datetime.to_datetime(campaign.date_from)),
                    ("date_order", "<", fields.Datetime.to_datetime(campaign.date_to + datetime.timedelta(days=1))),
                ],
                ["partner_id"],
            )
            customers = self.env["res.partner"].browse([partner.id for (partner,) in groups]).commercial_partner_id
            campaign.partner_ids = [fields.Command.set(customers.ids)]
        return True

    def _crr_contact_for(self, customer):
        """The contact of a customer who receives the invitation: the customer itself when it has an
        e-mail address, otherwise its first contact with one."""
        if customer.email:
            return customer
        return customer.child_ids.filtered(lambda c: c.email and c.type == "contact")[:1] or \
            customer.child_ids.filtered("email")[:1]

    def action_send(self):
        """Invite each customer's contact with a personal link to the survey, by e-mail."""
        self._crr_check_access("write")
        for campaign in self:
            campaign.check_access("write")
            if campaign.state not in ("draft", "sent"):
                raise UserError(self.env._(
                    "The campaign %(name)s is submitted for approval or closed: no more invitations.",
                    name=campaign.name))
            if not campaign.partner_ids:
                raise UserError(self.env._(
                    "The campaign %(name)s has no customer: add customers or load those with confirmed orders.",
                    name=campaign.name))
            if not campaign.survey_id.sudo().active:
                raise UserError(self.env._("The survey %(survey)s is archived.", survey=campaign.survey_id.sudo().title))
            customers = campaign.partner_ids - campaign.sudo().user_input_ids.crr_customer_id
            # at once here; in chunks, as jobs, with customer_requirement_review_queue
            self.env["crr.job"]._crr_run_later(campaign, "_crr_send_invitations", customers.ids)
            with crr_scope():
                campaign.sudo().write({
                    "state": "sent",
                    "sent_date": campaign.sent_date or fields.Datetime.now(),
                    "sent_by_id": campaign.sent_by_id.id or self.env.user.id,
                })
        return True

    def _crr_send_invitations(self, customer_ids):
        """Invite these customers of the campaign (those already invited are skipped) and say so in the
        campaign's chatter. Called by ``action_send``, which checks the access first."""
        self.ensure_one()
        template = self.env.ref("customer_requirement_review.mail_template_crr_satisfaction_invite")
        survey = self.survey_id.sudo()
        already = self.sudo().user_input_ids.crr_customer_id
        answers = self.env["survey.user_input"].sudo()
        missing = self.env["res.partner"]
        for customer in self.env["res.partner"].browse(customer_ids) - already:
            contact = self._crr_contact_for(customer)
            if not contact:
                missing |= customer
                continue
            # the customer answers in their own language (the survey offers every installed one)
            lang = contact.lang and self.env["res.lang"]._lang_get(contact.lang)
            extra = {"lang_id": lang.id} if lang and lang.code in survey._get_supported_lang_codes() else {}
            with crr_scope():
                answers |= survey._create_answer(
                    partner=contact, check_attempts=False, crr_campaign_id=self.id, **extra)
        if answers:
            template.sudo().with_context(crr_reminder=False).send_mail_batch(
                answers.ids, email_layout_xmlid="mail.mail_notification_light")
        body = self.env._("%(count)s invitation(s) sent.", count=len(answers))
        if missing:
            body += " " + self.env._(
                "No e-mail address for: %(customers)s.", customers=", ".join(missing.mapped("display_name")))
        self.message_post(body=body)
        return answers

    def action_remind(self):
        """Send the personal link again to the customers who have not completed the survey."""
        self._crr_check_access("write")
        template = self.env.ref("customer_requirement_review.mail_template_crr_satisfaction_invite")
        for campaign in self:
            campaign.check_access("write")
            if campaign.state != "sent":
                raise UserError(self.env._("Only a sent campaign can send reminders."))
            pending = campaign.sudo().user_input_ids.filtered(lambda i: i.state != "done" and not i.test_entry)
            if pending:
                template.sudo().with_context(crr_reminder=True).send_mail_batch(
                    pending.ids, email_layout_xmlid="mail.mail_notification_light")
            campaign.message_post(body=self.env._("%(count)s reminder(s) sent.", count=len(pending)))
        return True

    def _crr_check_state(self, allowed, action):
        for campaign in self:
            if campaign.state not in allowed:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Campaign %(name)s is %(state)s: %(action)s is not possible now.",
                        name=campaign.name, state=labels[campaign.state], action=action,
                    )
                )

    # -- the results' approval, a subject of the review engine ------------------------------------------
    def _crr_review_round(self):
        self.ensure_one()
        return self.approval_round

    def _crr_review_line_name(self, line):
        return self.env._(
            "Satisfaction results %(campaign)s / %(department)s", campaign=self.name, department=line.department_id.name)

    def _crr_review_activity_summary(self):
        return self.env._("Check the satisfaction results of %(name)s", name=self.name)

    def _crr_review_check_approval(self, line, completes_round):
        # the decision runs as sudo (uid kept): the user's own groups decide; the superuser (data, scheduled
        # jobs) passes
        user = self.env.user
        if line.department_id.code == MANAGEMENT_REP_CODE and not (
            user._is_superuser() or user.has_group("customer_requirement_review.group_crr_management_rep")
        ):
            raise AccessError(self.env._("Only the management representative checks the satisfaction results."))

    def _crr_review_round_ended(self, state, lines):
        if state == "approved":
            by_code = {line.department_id.code: line for line in lines.filtered(lambda line: line.state in APPROVED_LINE_STATES)}
            mr_line = by_code.get(MANAGEMENT_REP_CODE, self.env["crr.review.line"])
            gm_line = by_code.get("general_manager", self.env["crr.review.line"])
            with crr_scope():
                self.sudo().write({
                    "mr_approved_by_id": mr_line.reviewer_id.id, "mr_approved_date": mr_line.decision_date,
                    "gm_approved_by_id": gm_line.reviewer_id.id, "gm_approved_date": gm_line.decision_date,
                })
        elif state == "rejected":
            refusal = lines.filtered(lambda line: line.state == "rejected")[:1]
            self.sudo().message_post(
                body=self.env._("Results sent back: %(note)s", note=refusal.opinion or ""),
                subtype_xmlid="mail.mt_note",
            )

    def _crr_approval_departments(self):
        """The departments that approve the results of this campaign: the management representative, then the
        general manager (the final approval step)."""
        self.ensure_one()
        general_manager = self.env["crr.department"].sudo().search(
            [("code", "=", "general_manager"), ("company_id", "=", self.company_id.id)], limit=1)
        if not general_manager:
            raise UserError(
                self.env._("The company %(company)s has no general manager's department.", company=self.company_id.name)
            )
        return management_rep_departments(self.env, self.company_id)[self.company_id] | general_manager

    def action_submit_approval(self):
        """The results and improvements go to the management representative, then the general manager: a new
        round of the results' review (the general manager's line opens once the management representative
        approved)."""
        self._crr_check_ids(self)
        self.check_access("write")
        self._crr_check_state(("sent",), self.env._("Submit for Approval"))
        vals_list, previous = [], self.env["crr.review.line"]
        for campaign in self:
            departments = campaign._crr_approval_departments()
            previous |= campaign.sudo().review_line_ids
            campaign._crr_set_review_state("in_review", {
                "approval_round": campaign.approval_round + 1,
                "mr_approved_by_id": False, "mr_approved_date": False,
                "gm_approved_by_id": False, "gm_approved_date": False,
            })
            vals_list += campaign._crr_round_line_vals(departments, round_no=campaign.approval_round)
        self._crr_create_round_lines(vals_list)
        if previous:
            self.env.add_to_compute(self.env["crr.review.line"]._fields["is_current_round"], previous)
        return True

    def _crr_current_lines(self, code=None):
        lines = self.sudo().review_line_ids.filtered(lambda line: line.is_current_round)
        if code:
            lines = lines.filtered(lambda line: line.department_id.code == code)
        return lines

    def action_approve_mr(self):
        """The management representative checks the survey data and the improvements (their review line)."""
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_management_rep")):
            raise AccessError(self.env._("Only the management representative checks the satisfaction results."))
        self._crr_check_state(("to_approve",), self.env._("Check (Management Representative)"))
        lines = self._crr_current_lines(MANAGEMENT_REP_CODE)
        if any(line.state != "pending" for line in lines):
            raise UserError(self.env._("The management representative has already checked these results."))
        lines.with_env(self.env).action_approve()
        return True

    def action_approve_gm(self):
        """The general manager approves the results checked by the management representative (their line)."""
        self._crr_check_ids(self)
        self._crr_check_state(("to_approve",), self.env._("Approve (General Manager)"))
        self._crr_current_lines("general_manager").with_env(self.env).action_approve()
        return True

    def action_send_back(self):
        """The management representative or the general manager sends the results back, with remarks (they
        reject their review line)."""
        self._crr_check_ids(self)
        self._crr_check_state(("to_approve",), self.env._("Send Back"))
        for campaign in self:
            if not (campaign.approval_note or "").strip():
                raise UserError(self.env._("Write in the Approval Remarks why the results are sent back."))
            line = campaign._crr_current_lines().filtered(lambda line: line.state == "pending")[:1]
            line.with_env(self.env).action_reject(opinion=campaign.approval_note)
        return True

    def action_close(self):
        """Archive the approved results (the procedures keep them after the general manager's approval)."""
        self._crr_check_access("write")
        self._crr_check_state(("approved",), self.env._("Close"))
        with crr_scope():
            self.sudo().write({"state": "closed"})
        return True

    def action_reopen(self):
        """Reopen a closed campaign (late answers): its results must be checked and approved again."""
        self._crr_check_access("write")
        self._crr_check_state(("closed",), self.env._("Reopen"))
        for campaign in self:
            with crr_scope():
                campaign.sudo().write({"state": "sent" if campaign.user_input_ids else "draft"})
        return True

    def action_view_scores(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_satisfaction_score")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_question": 1}
        return action

    # ------------------------------------------------------------------------------------------------
    # XLSX register (shared builder crr.xlsx.export)
    # ------------------------------------------------------------------------------------------------

    def _crr_xlsx_filename(self):
        if len(self) == 1:
            return self.env._("Satisfaction %(campaign)s.xlsx", campaign=self.name)
        return self.env._("Satisfaction campaigns.xlsx")

    def _crr_xlsx_sheets(self):
        """Sheet 'Answers': one row per completed answer, one column per criterion, the score, band and
        change; sheet 'Trend': one row per campaign (oldest first) with its statistics and criterion means."""
        campaigns = self.sorted(lambda c: (c.date_from, c.id))
        labels = dict(self.env["survey.user_input"]._fields["crr_band"]._description_selection(self.env))
        criteria = campaigns.sudo().survey_id.question_ids.filtered("crr_is_criterion").sorted(
            lambda q: (q.survey_id.id, q.sequence, q.id))
        inputs = self.env["survey.user_input"].sudo().search(
            [*campaigns._crr_input_domain(), ("state", "=", "done")],
            order="crr_period_date, crr_customer_id, id",
        )
        scores = {
            (score.user_input_id.id, score.question_id.id): score.score
            for score in self.env["crr.satisfaction.score"].sudo().search([("user_input_id", "in", inputs.ids)])
        }

        def answer_rows():
            for user_input in inputs:
                has_previous = bool(user_input.crr_previous_input_id)
                yield [
                    user_input.crr_campaign_id.name,
                    user_input.crr_campaign_id.period_label,
                    user_input.crr_customer_id.display_name,
                    user_input.partner_id.display_name or user_input.email,
                    user_input.crr_customer_id.user_id.name,
                    user_input.end_datetime,
                    *(scores.get((user_input.id, question.id)) for question in criteria),
                    user_input.crr_score if user_input.crr_band else None,
                    labels.get(user_input.crr_band, ""),
                    user_input.crr_previous_score if has_previous else None,
                    user_input.crr_score_change if has_previous else None,
                ]

        criterion_means = {}
        for campaign, question, mean in self.env["crr.satisfaction.score"].sudo()._read_group(
            [("campaign_id", "in", campaigns.ids)], ["campaign_id", "question_id"], ["score:avg"],
        ):
            criterion_means[campaign.id, question.id] = round(mean, 2)

        def trend_rows():
            for campaign in campaigns:
                yield [
                    campaign.name, campaign.period_label, campaign.date_from, campaign.date_to,
                    campaign.invited_count, campaign.answered_count, campaign.response_rate / 100.0,
                    campaign.mean_score if campaign.answered_count else None,
                    *(campaign[f"count_{band}"] for band, _label in CRR_BANDS),
                    *(criterion_means.get((campaign.id, question.id)) for question in criteria),
                ]

        criterion_columns = [{"header": question.title, "type": "float", "width": 14} for question in criteria]
        band_labels = dict(CRR_BANDS)
        return [
            {
                "name": self.env._("Answers"),
                "columns": [
                    {"header": self.env._("Campaign"), "type": "char", "width": 30},
                    {"header": self.env._("Period"), "type": "char", "width": 10},
                    {"header": self.env._("Customer"), "type": "char", "width": 30},
                    {"header": self.env._("Contact"), "type": "char", "width": 24},
                    {"header": self.env._("Salesperson"), "type": "char", "width": 20},
                    {"header": self.env._("Answered On"), "type": "datetime"},
                    *criterion_columns,
                    {"header": self.env._("Score"), "type": "float"},
                    {"header": self.env._("Band"), "type": "char", "width": 18},
                    {"header": self.env._("Previous Score"), "type": "float"},
                    {"header": self.env._("Score Change"), "type": "float"},
                ],
                "rows": answer_rows(),
            },
            {
                "name": self.env._("Trend"),
                "columns": [
                    {"header": self.env._("Campaign"), "type": "char", "width": 30},
                    {"header": self.env._("Period"), "type": "char", "width": 10},
                    {"header": self.env._("From"), "type": "date"},
                    {"header": self.env._("To"), "type": "date"},
                    {"header": self.env._("Invited"), "type": "integer"},
                    {"header": self.env._("Answered"), "type": "integer"},
                    {"header": self.env._("Response Rate"), "type": "percent", "width": 14},
                    {"header": self.env._("Mean Score"), "type": "float"},
                    *({"header": labels.get(band, band_labels[band]), "type": "integer", "width": 14}
                      for band, _label in CRR_BANDS),
                    *criterion_columns,
                ],
                "rows": trend_rows(),
            },
        ]
