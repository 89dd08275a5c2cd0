from odoo import api, fields, models

from .crr_review_line import CrrReviewLine as BaseReviewLine


class CrrReviewLine(models.Model):
    """Two more subjects of the review engine: the CAPA plan of a complaint (approved by the management
    representative) and the results of a satisfaction campaign (checked by the management representative, then
    approved by the general manager)."""

    _name = "crr.review.line"
    _inherit = "crr.review.line"

    _crr_subject_fields = ("complaint_id", "campaign_id", *BaseReviewLine._crr_subject_fields)
    _crr_action_fields = {
        **BaseReviewLine._crr_action_fields,
        "complaint_id": "action_submit_plan",
        "campaign_id": "action_submit_approval",
    }

    complaint_id = fields.Many2one(
        "crr.complaint", string="Complaint (CAPA Plan)", index="btree_not_null", ondelete="restrict", readonly=True,
        help="Set on the review lines of the CAPA plan of a complaint.",
    )
    campaign_id = fields.Many2one(
        "crr.satisfaction.campaign", string="Satisfaction Campaign", index="btree_not_null", ondelete="restrict",
        readonly=True, help="Set on the review lines of the results of a satisfaction campaign.",
    )

    @api.depends("order_id", "change_request_id", "complaint_id", "campaign_id")
    def _compute_company_id(self):
        return super()._compute_company_id()

    @api.depends("order_id", "department_id", "round", "change_request_id", "complaint_id", "campaign_id")
    def _compute_display_name(self):
        return super()._compute_display_name()

    @api.depends("round", "change_request_id", "complaint_id", "campaign_id")
    def _compute_is_current_round(self):
        return super()._compute_is_current_round()
