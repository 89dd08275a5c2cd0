from odoo import fields, models
from odoo.tools import format_list


class SaleOrder(models.Model):
    """The company setting that refuses the confirmation of a quotation while a special requirement of its
    customer on it is not verified (no production or delivery before every special requirement is met)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_special_unverified_count = fields.Integer(
        string="Unverified Special Requirements", compute="_compute_crr_special_unverified_count"
    )

    def _compute_crr_special_unverified_count(self):
        counts = dict(
            self.env["crr.requirement"]._read_group(
                [("order_id", "in", self.ids), ("crr_special", "=", True), ("crr_special_state", "!=", "verified")],
                ["order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.crr_special_unverified_count = counts.get(order, 0)

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or not self.company_id.crr_block_unverified_special:
            return error
        unverified = self.sudo().requirement_ids.filtered(
            lambda r: r.crr_special and r.crr_special_state != "verified"
        )
        if unverified:
            return self.env._(
                "%(order)s cannot be confirmed while special requirements of the customer are not approved by the "
                "management representative and verified by quality: %(names)s.",
                order=self.name,
                names=format_list(self.env, unverified.mapped("name")),
            )
        return error
