from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # -- requirement review
    crr_review_mode = fields.Selection(related="company_id.crr_review_mode", readonly=False)
    crr_amount_threshold = fields.Monetary(
        related="company_id.crr_amount_threshold", readonly=False, currency_field="currency_id"
    )
    crr_margin_threshold = fields.Float(related="company_id.crr_margin_threshold", readonly=False)
    crr_payment_days_threshold = fields.Integer(related="company_id.crr_payment_days_threshold", readonly=False)
    crr_review_deadline_days = fields.Integer(related="company_id.crr_review_deadline_days", readonly=False)
    crr_urgent_deadline_hours = fields.Integer(related="company_id.crr_urgent_deadline_hours", readonly=False)
    crr_four_eyes = fields.Boolean(related="company_id.crr_four_eyes", readonly=False)
    crr_block_unreviewed_send = fields.Boolean(related="company_id.crr_block_unreviewed_send", readonly=False)
    crr_retention_years_order = fields.Integer(related="company_id.crr_retention_years_order", readonly=False)
    crr_retention_years_change_request = fields.Integer(
        related="company_id.crr_retention_years_change_request", readonly=False
    )
    crr_retention_years_complaint = fields.Integer(
        related="company_id.crr_retention_years_complaint", readonly=False
    )
    crr_online_policy = fields.Selection(related="company_id.crr_online_policy", readonly=False)
    crr_online_exempt_domain = fields.Char(related="company_id.crr_online_exempt_domain", readonly=False)
    # -- complaints
    crr_complaint_ack_hours_minor = fields.Integer(related="company_id.crr_complaint_ack_hours_minor", readonly=False)
    crr_complaint_ack_hours_major = fields.Integer(related="company_id.crr_complaint_ack_hours_major", readonly=False)
    crr_complaint_ack_hours_critical = fields.Integer(
        related="company_id.crr_complaint_ack_hours_critical", readonly=False
    )
    crr_complaint_close_days_minor = fields.Integer(
        related="company_id.crr_complaint_close_days_minor", readonly=False
    )
    crr_complaint_close_days_major = fields.Integer(
        related="company_id.crr_complaint_close_days_major", readonly=False
    )
    crr_complaint_close_days_critical = fields.Integer(
        related="company_id.crr_complaint_close_days_critical", readonly=False
    )
    crr_complaint_no_answer_days = fields.Integer(
        related="company_id.crr_complaint_no_answer_days", readonly=False
    )
    # -- customer satisfaction
    crr_band_very_satisfied = fields.Float(related="company_id.crr_band_very_satisfied", readonly=False)
    crr_band_satisfied = fields.Float(related="company_id.crr_band_satisfied", readonly=False)
    crr_band_neutral = fields.Float(related="company_id.crr_band_neutral", readonly=False)
    crr_band_dissatisfied = fields.Float(related="company_id.crr_band_dissatisfied", readonly=False)
    crr_followup_criterion_below = fields.Float(
        related="company_id.crr_followup_criterion_below", readonly=False
    )
    crr_followup_total_below = fields.Float(related="company_id.crr_followup_total_below", readonly=False)
    crr_followup_drop_points = fields.Float(related="company_id.crr_followup_drop_points", readonly=False)
    # -- document control
    crr_form_no_review = fields.Char(related="company_id.crr_form_no_review", readonly=False)
    crr_form_rev_review = fields.Char(related="company_id.crr_form_rev_review", readonly=False)
    crr_form_no_change = fields.Char(related="company_id.crr_form_no_change", readonly=False)
    crr_form_rev_change = fields.Char(related="company_id.crr_form_rev_change", readonly=False)
    crr_form_no_complaint = fields.Char(related="company_id.crr_form_no_complaint", readonly=False)
    crr_form_rev_complaint = fields.Char(related="company_id.crr_form_rev_complaint", readonly=False)
    crr_form_no_reply = fields.Char(related="company_id.crr_form_no_reply", readonly=False)
    crr_form_rev_reply = fields.Char(related="company_id.crr_form_rev_reply", readonly=False)
    crr_form_no_satisfaction = fields.Char(related="company_id.crr_form_no_satisfaction", readonly=False)
    crr_form_rev_satisfaction = fields.Char(related="company_id.crr_form_rev_satisfaction", readonly=False)
    # -- corrective action (CAPA) governance
    crr_capa_plan_days = fields.Integer(related="company_id.crr_capa_plan_days", readonly=False)
    crr_capa_plan_approval = fields.Boolean(related="company_id.crr_capa_plan_approval", readonly=False)
    crr_onsite_hours = fields.Integer(related="company_id.crr_onsite_hours", readonly=False)
    crr_capa_effectiveness_days = fields.Integer(
        related="company_id.crr_capa_effectiveness_days", readonly=False
    )
