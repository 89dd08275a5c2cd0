from odoo import fields, models


class CrrReviewLine(models.Model):
    """The customer file on the review line: what a reviewer sees in the list of lines to decide."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    crr_customer_grade_id = fields.Many2one(related="order_id.crr_customer_grade_id", string="Customer Grade")
    crr_customer_overdue_amount = fields.Monetary(
        related="order_id.crr_customer_overdue_amount", currency_field="crr_customer_currency_id",
        string="Overdue Receivables",
    )
    crr_customer_currency_id = fields.Many2one(related="order_id.crr_customer_currency_id")
    crr_customer_open_complaints = fields.Integer(
        related="order_id.crr_customer_open_complaints", string="Open Complaints"
    )
    crr_customer_satisfaction = fields.Float(
        related="order_id.crr_customer_satisfaction", string="Last Satisfaction Score"
    )
