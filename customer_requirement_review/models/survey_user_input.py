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


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

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
            user_input.write({
                "crr_previous_input_id": previous.id,
                "crr_score_change": round(user_input.crr_score - previous.crr_score, 2) if has_change else False,
            })

    def _crr_follow_up_reasons(self):
        """Why this completed answer needs a follow-up (corrective action), per the company settings:
        ``{'criteria': [(question, score)], 'total': bool, 'drop': points or 0.0}``; empty dict when none."""
        self.ensure_one()
        if not self.crr_band:
            return {}
        company = self.crr_company_id or self.env.company
        low = [
            (score.question_id, score.score)
            for score in self.crr_score_ids.sorted(lambda s: (s.question_id.sequence, s.question_id.id))
            if score.score < company.crr_followup_criterion_below
        ]
        total_low = self.crr_score < company.crr_followup_total_below
        drop = 0.0
        if self.crr_previous_input_id and -self.crr_score_change > company.crr_followup_drop_points:
            drop = -self.crr_score_change
        if not (low or total_low or drop):
            return {}
        return {"criteria": low, "total": total_low, "drop": drop}

    def _crr_follow_up_description(self, reasons):
        """Plain-text description of the follow-up reasons, naming the low criteria."""
        self.ensure_one()
        company = self.crr_company_id or self.env.company
        lines = [self.env._(
            "Satisfaction survey %(survey)s answered by %(contact)s: score %(score).2f (%(band)s).",
            survey=self.survey_id.title, contact=self.partner_id.display_name or self.email or "",
            score=self.crr_score, band=dict(self._fields["crr_band"]._description_selection(self.env))[self.crr_band],
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
        return lines

    def _crr_follow_up(self):
        """Open a complaint (channel survey, category satisfaction) for each completed answer that needs
        a follow-up and has none yet; the answer links to it. Returns the complaints created."""
        todo, vals_list = self.browse(), []
        departments = {
            department.company_id: department
            for department in self.env["crr.department"].sudo().search(
                [("code", "=", "sales"), ("company_id", "in", self.crr_company_id.ids)])
        }
        for user_input in self:
            if user_input.crr_complaint_id or not user_input.crr_customer_id:
                continue
            reasons = user_input._crr_follow_up_reasons()
            if not reasons:
                continue
            company = user_input.crr_company_id or self.env.company
            customer = user_input.crr_customer_id
            description = Markup("").join(
                Markup("<p>%s</p>") % line for line in user_input._crr_follow_up_description(reasons))
            owner = customer.user_id.filtered(lambda u, c=company: c in u.company_ids) or \
                user_input.crr_campaign_id.user_id
            vals_list.append({
                "subject": self.env._(
                    "Satisfaction follow-up: %(customer)s scored %(score).2f", customer=customer.display_name,
                    score=user_input.crr_score),
                "partner_id": customer.id,
                "contact_id": user_input.partner_id.id if user_input.partner_id != customer else False,
                "email_from": user_input.email or user_input.partner_id.email,
                "channel": "survey",
                "category": "satisfaction",
                "severity": "major" if reasons.get("total") or reasons.get("drop") else "minor",
                "description": description,
                "department_id": departments.get(company, self.env["crr.department"]).id,
                "user_id": owner.id,
                "company_id": company.id,
            })
            todo |= user_input
        if not vals_list:
            return self.env["crr.complaint"]
        # an internal follow-up: the customer is not made a follower (sales contacts them)
        with crr_scope("internal_complaint"):
            complaints = self.env["crr.complaint"].sudo().create(vals_list)
        for user_input, complaint in zip(todo, complaints, strict=True):
            user_input.crr_complaint_id = complaint
            complaint.message_post(
                body=Markup("%s <a href='#' data-oe-model='survey.user_input' data-oe-id='%s'>%s</a>") % (
                    self.env._("Opened from the satisfaction answer"), user_input.id,
                    user_input.survey_id.title),
                subtype_xmlid="mail.mt_note",
            )
        return complaints
