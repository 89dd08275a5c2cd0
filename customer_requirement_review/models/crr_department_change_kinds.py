from odoo import fields, models


class CrrDepartment(models.Model):
    """The departments that review changes of transport mode and of packaging (change requests)."""

    _inherit = "crr.department"

    review_transport = fields.Boolean(
        string="Reviews Transport Mode Changes",
        tracking=True,
        help="Asked again when the transport mode the customer requires changes.",
    )
    review_packaging = fields.Boolean(
        string="Reviews Packaging Changes",
        tracking=True,
        help="Asked again when the packaging the customer requires changes.",
    )
