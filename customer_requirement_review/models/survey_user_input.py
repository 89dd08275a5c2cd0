from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from .crr_record_guard_mixin import crr_scope

CRR_BANDS = [
    ("very_satisfied", "Very Satisfied"),
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
    ("very_dissatisfied", "Very Dissatisfied"),
]


SCORING = "the completion of the answer (the score, band and trend are computed from it)"


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "crr.record.guard.mixin"]

    # what the module records of an answer: written by its flows only (a survey officer may edit answers in
    # Odoo, not their satisfaction score, band, campaign or follow-up)
    _crr_action_fields = {
        "crr_campaign_id": "the satisfaction campaign's action_send",
        "crr_score": SCORING,
        "crr_band": SCORING,
        "crr_previous_input_id": SCORING,
        "crr_score_change": SCORING,
        "crr_complaint_id": "the follow-up of a completed answer (a complaint opened from it)",
    }

    crr_campaign_id = fields.Many2one(
        "crr.satisfaction.campaign", string="Satisfaction Campaign", index="btree_not_null", ondelete="set null",
        readonly=True,
    )
    crr_period_date = fields.Date(
        related="crr_campaign_id.date_from", string="Campaign Start", store=True, index="btree_not_null",
    )
    crr_customer_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_crr_customer_id", store=True, index="btree_not_null",
        help="Commercial entity of the contact who answered.",
    )
    crr_company_id = fields.Many2one(
        "res.company", string="Satisfaction Company", compute="_compute_crr_company_id", store=True,
        index="btree_not_null",
    )
    crr_score = fields.Float(
        string="Satisfaction Score", digits=(5, 2), readonly=True, aggregator="avg",
        help="Weighted mean (0-100) of the satisfaction criteria answered. Without any criterion answered there "
        "is no score: the band stays empty.",
    )
    crr_band = fields.Selection(CRR_BANDS, string="Satisfaction Band", readonly=True, index="btree_not_null")
    crr_score_ids = fields.One2many("crr.satisfaction.score", "user_input_id", string="Criterion Scores", readonly=True)
    crr_previous_input_id = fields.Many2one(
        "survey.user_input", string="Previous Campaign Answer", readonly=True, index="btree_not_null",
        help="The customer's completed answer in the latest earlier campaign.",
    )
    crr_previous_score = fields.Float(
        related="crr_previous_input_id.crr_score", string="Previous Score", digits=(5, 2),
    )
    crr_complaint_id = fields.Many2one(
        "crr.complaint", string="Follow-up Complaint", readonly=True, index="btree_not_null", ondelete="set null",
        help="Complaint opened to follow up this answer (a criterion, the total or the trend below the settings).",
    )
    crr_reply = fields.Text(
        string="Reply to Customer",
        help="The reply given to the customer on this answer (written back from the follow-up when it closes).",
    )
    crr_reply_date = fields.Date(string="Replied On")
    crr_improvement = fields.Text(
        string="Improvement",
        help="The improvement decided on this answer (written back from the follow-up when it closes).",
    )
    crr_score_change = fields.Float(
        string="Change Since Previous Campaign", digits=(5, 2), readonly=True,
        help="Score minus the customer's score in the previous campaign (only meaningful with a previous answer).",
    )

    _crr_score_range = models.Constraint(
        "CHECK(crr_score IS NULL OR (crr_score >= 0 AND crr_score <= 100))",
        "A satisfaction score must lie between 0 and 100.",
    )

    @api.depends("partner_id.commercial_partner_id")
    def _compute_crr_customer_id(self):
        for user_input in self:
            user_input.crr_customer_id = user_input.partner_id.commercial_partner_id

    @api.depends("crr_campaign_id.company_id")
    def _compute_crr_company_id(self):
        for user_input in self:
            user_input.crr_company_id = (
                user_input.crr_campaign_id.company_id or user_input.crr_company_id or self.env.company
            )

    # ------------------------------------------------------------------------------------------------
    # scoring
    # ------------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # the guard first: the survey's own create reads the answers' surveys before the mixin's check
        self._crr_guard_create(vals_list)
        return super().create(vals_list)

    def _crr_kept_message(self):
        # a completed answer of a campaign is the campaign's record (its scores go with it): kept
        if self.sudo().filtered(
            lambda answer: answer.crr_campaign_id and answer.state == "done" and not answer.test_entry
        ):
            return self.env._(
                "A completed answer of a satisfaction campaign is kept as the campaign's record and cannot be "
                "deleted."
            )
        return None

    def _mark_done(self):
        res = super()._mark_done()
        self._crr_compute_satisfaction()
        return res

    @api.model
    def _crr_band_for_score(self, score, company):
        """Band key of a 0-100 score with the thresholds of ``company`` (a threshold is inclusive)."""
        if score is None or score is False:
            return False
        if score >= company.crr_band_very_satisfied:
            return "very_satisfied"
        if score >= company.crr_band_satisfied:
            return "satisfied"
        if score >= company.crr_band_neutral:
            return "neutral"
        if score >= company.crr_band_dissatisfied:
            return "dissatisfied"
        return "very_dissatisfied"

    def _crr_criterion_scores(self):
        """{question: score} of the criteria answered in this completed answer (skipped ones left out)."""
        self.ensure_one()
        scores = {}
        for line in self.user_input_line_ids:
            question = line.question_id
            if not question.crr_is_criterion or question in scores:
                continue
            score = question._crr_line_score(line)
            if score is not None:
                scores[question] = score
        return scores

    def _crr_compute_satisfaction(self):
        """Compute the satisfaction score, band, criterion scores and trend of completed answers to
        satisfaction surveys. Runs as superuser: the customer finishing the survey is a portal or public user."""
        inputs = self.sudo().filtered(
            lambda i: i.state == "done" and not i.test_entry and i.survey_id.crr_is_satisfaction
        )
        if not inputs:
            return
        inputs.crr_score_ids.unlink()
        score_vals = []
        for user_input in inputs:
            criteria = user_input._crr_criterion_scores()
            total_weight = sum(question.crr_weight for question in criteria)
            if total_weight:
                score = round(
                    sum(value * question.crr_weight for question, value in criteria.items()) / total_weight, 2
                )
            else:
                score = False
            company = user_input.crr_company_id or self.env.company
            with crr_scope():
                user_input.write({"crr_score": score, "crr_band": self._crr_band_for_score(score, company)})
            campaign = user_input.crr_campaign_id
            date = campaign.date_from or (user_input.end_datetime or fields.Datetime.now()).date()
            for question, value in criteria.items():
                score_vals.append({
                    "user_input_id": user_input.id,
                    "campaign_id": campaign.id,
                    "partner_id": user_input.crr_customer_id.id,
                    "user_id": user_input.crr_customer_id.user_id.id,
                    "question_id": question.id,
                    "score": value,
                    "weight": question.crr_weight,
                    "weight_share": question.crr_weight / total_weight,
                    "date": date,
                    "period": campaign.period_label or self.env["crr.satisfaction.campaign"]._crr_period_label(date),
                    "company_id": company.id,
                })
        self.env["crr.satisfaction.score"].sudo().create(score_vals)
        inputs._crr_link_previous()
        inputs._crr_follow_up()

    def _crr_link_previous(self):
        """Link each answer to the customer's completed answer of the latest earlier campaign (batched)."""
        inputs = self.filtered(lambda i: i.crr_campaign_id and i.crr_customer_id)
        if not inputs:
            return
        candidates = self.sudo().search(
            [
                ("crr_customer_id", "in", inputs.crr_customer_id.ids),
                ("crr_campaign_id", "!=", False),
                ("state", "=", "done"),
                ("test_entry", "=", False),
                ("crr_band", "!=", False),
                ("id", "not in", inputs.ids),
            ],
            order="crr_period_date desc, end_datetime desc, id desc",
        )
        for user_input in inputs:
            previous = next(
                (
                    candidate for candidate in candidates
                    if candidate.crr_customer_id == user_input.crr_customer_id
                    and candidate.crr_company_id == user_input.crr_company_id
                    and candidate.crr_period_date < user_input.crr_period_date
                ),
                self.browse(),
            )
            has_change = previous and user_input.crr_band
            with crr_scope():
                user_input.write({
                    "crr_previous_input_id": previous.id,
                    "crr_score_change": round(user_input.crr_score - previous.crr_score, 2) if has_change else False,
                })

    def _crr_period_incidents(self):
        """{answer id: {'complaints': [references], 'returns': [references]}}: the major or critical complaints
        and the returns of each answer's customer in its campaign period (one search for all answers).

        Returns come from complaints marked 'Goods Returned'; a bridge to the inventory returns extends this
        method to add its own return references."""
        inputs = self.filtered(lambda i: i.crr_campaign_id and i.crr_customer_id)
        if not inputs:
            return {}
        campaigns = inputs.crr_campaign_id
        complaints = self.env["crr.complaint"].sudo().search([
            ("partner_id", "in", inputs.crr_customer_id.ids),
            ("company_id", "in", inputs.crr_company_id.ids),
            ("date_received", ">=", fields.Datetime.to_datetime(min(campaigns.mapped("date_from")))),
            ("date_received", "<", fields.Datetime.to_datetime(max(campaigns.mapped("date_to")) + timedelta(days=1))),
            ("state", "not in", ("rejected", "cancelled")),
            ("channel", "!=", "survey"),
            "|", ("severity", "in", ("major", "critical")), ("has_return", "=", True),
        ])
        result = {}
        for user_input in inputs:
            campaign = user_input.crr_campaign_id
            mine = complaints.filtered(
                lambda c, i=user_input, p=campaign: c.partner_id == i.crr_customer_id
                and c.company_id == i.crr_company_id and p.date_from <= c.date_received.date() <= p.date_to
            )
            result[user_input.id] = {
                "complaints": mine.filtered(lambda c: c.severity in ("major", "critical")).mapped("name"),
                "returns": mine.filtered("has_return").mapped("name"),
            }
        return result

    def _crr_comparison_items(self):
        """(items worse than competitors, items named most urgent to improve) of this answer, as labels."""
        self.ensure_one()
        worse, urgent = [], []
        for line in self.user_input_line_ids:
            role = line.question_id.crr_role
            choice = line.suggested_answer_id
            if not role or line.skipped or not choice:
                continue
            if role == "competitor" and choice.crr_comparison == "worse":
                worse.append(line.matrix_row_id.value or line.question_id.title)
            elif role == "urgent" and not choice.crr_nothing_urgent:
                urgent.append(choice.value)
        return worse, urgent

    def _crr_follow_up_reasons(self, incidents=None):
        """Why this completed answer needs a follow-up (corrective action), per the procedures and the company
        settings: ``{'criteria': [(question, score)], 'total': bool, 'drop': points or 0.0, 'worse': [items],
        'urgent': [items], 'complaints': [references], 'returns': [references]}``; empty dict when none."""
        self.ensure_one()
        company = self.crr_company_id or self.env.company
        low, total_low, drop = [], False, 0.0
        if self.crr_band:
            low = [
                (score.question_id, score.score)
                for score in self.crr_score_ids.sorted(lambda s: (s.question_id.sequence, s.question_id.id))
                if score.score < company.crr_followup_criterion_below
            ]
            total_low = self.crr_score < company.crr_followup_total_below
            if self.crr_previous_input_id and -self.crr_score_change > company.crr_followup_drop_points:
                drop = -self.crr_score_change
        worse, urgent = self._crr_comparison_items()
        if incidents is None:
            incidents = self._crr_period_incidents()
        mine = incidents.get(self.id, {})
        reasons = {
            "criteria": low, "total": total_low, "drop": drop, "worse": worse, "urgent": urgent,
            "complaints": mine.get("complaints", []), "returns": mine.get("returns", []),
        }
        return reasons if any(reasons.values()) else {}

    def _crr_follow_up_description(self, reasons):
        """Plain-text description of the follow-up reasons, naming the low criteria."""
        self.ensure_one()
        company = self.crr_company_id or self.env.company
        if self.crr_band:
            lines = [self.env._(
                "Satisfaction survey %(survey)s answered by %(contact)s: score %(score).2f (%(band)s).",
                survey=self.survey_id.title, contact=self.partner_id.display_name or self.email or "",
                score=self.crr_score,
                band=dict(self._fields["crr_band"]._description_selection(self.env))[self.crr_band],
            )]
        else:
            lines = [self.env._(
                "Satisfaction survey %(survey)s answered by %(contact)s.",
                survey=self.survey_id.title, contact=self.partner_id.display_name or self.email or "",
            )]
        if reasons.get("criteria"):
            lines.append(self.env._(
                "Criteria below %(threshold)s: %(criteria)s.",
                threshold=f"{company.crr_followup_criterion_below:g}",
                criteria=", ".join(f"{question.title} ({score:g})" for question, score in reasons["criteria"]),
            ))
        if reasons.get("total"):
            lines.append(self.env._(
                "Total score below %(threshold)s.", threshold=f"{company.crr_followup_total_below:g}"))
        if reasons.get("drop"):
            lines.append(self.env._(
                "Score fell by %(drop).2f points since the previous campaign (%(previous).2f), more than %(threshold)s.",
                drop=reasons["drop"], previous=self.crr_previous_score,
                threshold=f"{company.crr_followup_drop_points:g}",
            ))
        if reasons.get("worse"):
            lines.append(self.env._(
                "Worse than competitors: %(items)s.", items=", ".join(reasons["worse"])))
        if reasons.get("urgent"):
            lines.append(self.env._(
                "Named most urgent to improve: %(items)s.", items=", ".join(reasons["urgent"])))
        if reasons.get("complaints"):
            lines.append(self.env._(
                "Major or critical complaints in the period: %(complaints)s.",
                complaints=", ".join(reasons["complaints"])))
        if reasons.get("returns"):
            lines.append(self.env._("Returns in the period: %(returns)s.", returns=", ".join(reasons["returns"])))
        comments = self._crr_customer_comments()
        if comments:
            lines.append(self.env._("The customer's comments:"))
            lines.extend(
                self.env._("%(question)s: %(answer)s", question=title, answer=text) for title, text in comments
            )
        return lines

    def _crr_customer_comments(self):
        """[(question title, text)] of what the customer wrote: free-text answers and comments."""
        self.ensure_one()
        comments = []
        for line in self.user_input_line_ids.sorted(lambda ln: (ln.question_id.sequence, ln.id)):
            text = line.value_text_box if line.answer_type == "text_box" else (
                line.value_char_box if line.answer_type == "char_box" else False)
            if text and text.strip():
                comments.append((line.question_id.title, text.strip()))
        return comments

    def _crr_follow_up(self):
        """Open a complaint (channel survey, category satisfaction) for each completed answer that needs
        a follow-up and has none yet; the answer links to it. Returns the complaints created."""
        todo, vals_list = self.browse(), []
        departments = {
            department.company_id: department
            for department in self.env["crr.department"].sudo().search(
                [("code", "=", "sales"), ("company_id", "in", self.crr_company_id.ids)])
        }
        incidents = self._crr_period_incidents()
        for user_input in self:
            if user_input.crr_complaint_id or not user_input.crr_customer_id:
                continue
            reasons = user_input._crr_follow_up_reasons(incidents)
            if not reasons:
                continue
            company = user_input.crr_company_id or self.env.company
            customer = user_input.crr_customer_id
            # written in the company's language (not the respondent's): it is an internal record
            lang = company.partner_id.lang or self.env["res.lang"].get_installed()[0][0]
            internal = user_input.with_context(lang=lang)
            description = Markup("").join(
                Markup("<p>%s</p>") % line for line in internal._crr_follow_up_description(reasons))
            owner = customer.user_id.filtered(lambda u, c=company: c in u.company_ids) or \
                user_input.crr_campaign_id.user_id
            vals_list.append({
                "subject": internal.env._(
                    "Satisfaction follow-up: %(customer)s scored %(score).2f", customer=customer.display_name,
                    score=user_input.crr_score) if user_input.crr_band else internal.env._(
                    "Satisfaction follow-up: %(customer)s", customer=customer.display_name),
                "partner_id": customer.id,
                "contact_id": user_input.partner_id.id if user_input.partner_id != customer else False,
                "email_from": user_input.email or user_input.partner_id.email,
                "channel": "survey",
                "category": "satisfaction",
                "severity": "major" if any(
                    reasons.get(key) for key in ("total", "drop", "complaints", "returns")) else "minor",
                "description": description,
                "department_id": departments.get(company, self.env["crr.department"]).id,
                "user_id": owner.id,
                "company_id": company.id,
            })
            todo |= user_input
        if not vals_list:
            return self.env["crr.complaint"]
        # an internal follow-up: the customer is not made a follower (sales contacts them); written by the
        # campaign's responsible (the respondent is the public or a portal user), in the company's language
        complaints = self.env["crr.complaint"]
        for user_input, vals in zip(todo, vals_list, strict=True):
            company = user_input.crr_company_id or self.env.company
            author = user_input.crr_campaign_id.user_id or company.partner_id.user_ids[:1] or \
                self.env.ref("base.user_root")
            lang = company.partner_id.lang or self.env["res.lang"].get_installed()[0][0]
            with crr_scope("internal_complaint"):
                complaint = self.env["crr.complaint"].with_user(author).sudo().with_context(lang=lang).create(vals)
            with crr_scope():
                user_input.crr_complaint_id = complaint
            complaint.message_post(
                body=Markup("%s <a href='#' data-oe-model='survey.user_input' data-oe-id='%s'>%s</a>") % (
                    complaint.env._("Opened from the satisfaction answer"), user_input.id,
                    user_input.survey_id.with_context(lang=lang).title),
                subtype_xmlid="mail.mt_note",
                author_id=author.partner_id.id,
            )
            complaints |= complaint
        return complaints.with_env(self.env)
