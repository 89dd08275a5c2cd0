from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    crr_authority_limit = fields.Float(
        string="Authority Limit",
        company_dependent=True,
        digits="Product Price",
        groups="base.group_user",
        help="Highest untaxed amount (in the company's currency) of an order this salesperson may conclude alone "
        "in this company: the review of a larger order adds the sales manager's step (department code "
        "sales_manager, review rule 'Beyond the salesperson's authority'). 0: no limit.",
    )
