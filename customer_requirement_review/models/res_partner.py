from odoo import api, fields, models

from .survey_user_input import CRR_BANDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- complaints (smart button) --
    crr_complaint_count = fields.Integer(
        string="Complaint Count", compute="_compute_crr_complaint_count", groups="base.group_user"
    )

    def _compute_crr_complaint_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["crr.complaint"]._read_group(
                [("partner_id", "child_of", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crr_complaint_count = sum(
                count
                for complaint_partner, count in counts.items()
                if complaint_partner.commercial_partner_id == partner.commercial_partner_id
            )

    def action_view_crr_complaints(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self.env["crr.guard.mixin"]._crr_check_records(self, "read")
        commercial = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_complaint")
        action["domain"] = [("partner_id", "child_of", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id}
        return action

    # -- satisfaction (smart button with the latest score, band and trend) --

    crr_satisfaction_score = fields.Float(
        string="Latest Satisfaction Score", digits=(5, 2), compute="_compute_crr_satisfaction",
    )
    crr_satisfaction_band = fields.Selection(
        CRR_BANDS, string="Latest Satisfaction Band", compute="_compute_crr_satisfaction",
    )
    crr_satisfaction_trend = fields.Float(
        string="Satisfaction Trend", digits=(5, 2), compute="_compute_crr_satisfaction",
        help="Change of the latest satisfaction score since the customer's previous campaign.",
    )
    crr_satisfaction_has_trend = fields.Boolean(compute="_compute_crr_satisfaction")
    crr_satisfaction_count = fields.Integer(string="Satisfaction Answers", compute="_compute_crr_satisfaction")

    @api.depends("commercial_partner_id")
    def _compute_crr_satisfaction(self):
        customers = self.commercial_partner_id
        inputs = self.env["survey.user_input"].sudo().search(
            [
                ("crr_customer_id", "in", customers.ids),
                ("state", "=", "done"),
                ("test_entry", "=", False),
                ("crr_band", "!=", False),
                ("crr_company_id", "in", self.env.companies.ids),
            ],
            order="crr_period_date desc, end_datetime desc, id desc",
        )
        by_customer = {}
        for user_input in inputs:
            by_customer.setdefault(user_input.crr_customer_id.id, []).append(user_input)
        for partner in self:
            answers = by_customer.get(partner.commercial_partner_id.id, [])
            latest = answers[0] if answers else None
            partner.crr_satisfaction_count = len(answers)
            partner.crr_satisfaction_score = latest.crr_score if latest else 0.0
            partner.crr_satisfaction_band = latest.crr_band if latest else False
            partner.crr_satisfaction_has_trend = bool(latest and latest.crr_previous_input_id)
            partner.crr_satisfaction_trend = latest.crr_score_change if latest and latest.crr_previous_input_id else 0.0

    def action_view_crr_satisfaction(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self.env["crr.guard.mixin"]._crr_check_records(self, "read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_satisfaction_score")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_period": 1}
        action["views"] = [(False, "graph"), (False, "pivot"), (False, "list")]
        return action
