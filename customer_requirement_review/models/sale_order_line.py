from odoo import api, models
from odoo.exceptions import ValidationError

# fields of sale.order.line whose change after approval sends the quotation back to review, by change kind
CRR_LINE_REVIEWED_FIELDS = {
    "product_id": "quantity",
    "product_uom_qty": "quantity",
    "product_uom_id": "quantity",
    "price_unit": "price",
    "discount": "price",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # sales history of the review rules ("new product for the customer"): which of these products did this
    # customer buy on a confirmed order, without reading the customer's whole history
    _crr_partner_product_sold_idx = models.Index("(order_partner_id, product_id) WHERE state = 'sale'")

    @api.constrains("product_uom_qty")
    def _check_crr_reviewed_quantity(self):
        """A quotation sent to review holds what the customer orders: no negative quantity."""
        for line in self:
            order = line.order_id
            if (
                not line.display_type
                and line.product_uom_qty < 0
                and order.review_round
                and order.state in ("draft", "sent")
            ):
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s on %(order)s cannot be negative (%(qty)s): the quotation is "
                        "under requirement review. Enter the quantity the customer orders; returns and credits "
                        "are handled on the delivery or the invoice.",
                        product=line.product_id.display_name or line.name,
                        order=order.name,
                        qty=line.product_uom_qty,
                    )
                )

    def _crr_approved_orders(self):
        return self.order_id._crr_rereview_candidates()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.context.get("crr_no_rereview"):
            product_lines = lines.filtered(lambda line: not line.display_type)
            product_lines._crr_approved_orders()._crr_reviewed_fields_changed(
                {"quantity", "price"}, [self.env._("Order lines (added)")]
            )
        return lines

    def write(self, vals):
        if not self.env.context.get("crr_no_rereview") and set(vals) & set(CRR_LINE_REVIEWED_FIELDS):
            orders = self._crr_approved_orders()
            if orders:
                for order in orders:
                    changed = set()
                    for line in self.filtered(lambda line, order=order: line.order_id == order and not line.display_type):
                        for fname in set(vals) & set(CRR_LINE_REVIEWED_FIELDS):
                            if line._fields[fname].convert_to_write(line[fname], line) != vals[fname]:
                                changed.add(fname)
                    if changed:
                        order._crr_reviewed_fields_changed(
                            {CRR_LINE_REVIEWED_FIELDS[f] for f in changed},
                            [
                                self.env._("Order lines: %(field)s", field=self._fields[f]._description_string(self.env))
                                for f in changed
                            ],
                        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_crr_rereview(self):
        if not self.env.context.get("crr_no_rereview"):
            self.filtered(lambda line: not line.display_type)._crr_approved_orders()._crr_reviewed_fields_changed(
                {"quantity", "price"}, [self.env._("Order lines (removed)")]
            )
