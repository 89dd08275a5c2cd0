from odoo import fields, models


class SaleOrder(models.Model):
    """What the review page shows of the customer file, so reviewers see it when deciding: grade,
    overdue receivables, open complaints, last satisfaction score. Computed for the whole recordset
    at once through the commercial partners (one grouped query per figure, none per order)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_customer_grade_id = fields.Many2one(
        "crr.customer.grade", string="Customer Grade", related="partner_id.commercial_partner_id.crr_grade_id",
        tracking=False,
    )
    crr_customer_credit_rating = fields.Selection(
        related="partner_id.commercial_partner_id.crr_credit_rating", string="Customer Credit Rating",
        tracking=False,
    )
    crr_customer_overdue_amount = fields.Monetary(
        string="Customer Overdue Receivables", compute="_compute_crr_customer_file",
        currency_field="crr_customer_currency_id",
    )
    crr_customer_currency_id = fields.Many2one("res.currency", compute="_compute_crr_customer_file")
    crr_customer_open_complaints = fields.Integer(
        string="Customer Open Complaints", compute="_compute_crr_customer_file"
    )
    crr_customer_satisfaction = fields.Float(
        string="Last Satisfaction Score", digits=(5, 2), compute="_compute_crr_customer_file",
        help="The customer's latest satisfaction score (0 when the customer never answered a survey).",
    )

    def _compute_crr_customer_file(self):
        customers = self.partner_id.commercial_partner_id.sudo()
        # one grouped query per figure for all the customers of the recordset
        for name in ("crr_overdue_amount", "crr_open_complaint_count", "crr_satisfaction_score"):
            customers.mapped(name)
        for order in self:
            customer = order.partner_id.commercial_partner_id.sudo()
            order.crr_customer_currency_id = customer.crr_company_currency_id or order.company_id.currency_id
            order.crr_customer_overdue_amount = customer.crr_overdue_amount
            order.crr_customer_open_complaints = customer.crr_open_complaint_count
            order.crr_customer_satisfaction = customer.crr_satisfaction_score
