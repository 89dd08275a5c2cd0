import contextlib

from odoo import api, models
from odoo.exceptions import ValidationError

from .crr_change_kinds import ORDER_LINE_ADDED_KINDS, ORDER_LINE_FIELD_KINDS
from .crr_record_guard_mixin import crr_flag

# lines Odoo adds to confirmed orders by itself (sections and notes, down payments, re-invoiced expenses, shipping)
TECHNICAL_LINE_KEYS = ("display_type", "is_downpayment", "is_expense", "is_delivery")


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

    def _crr_reviewed_orders(self):
        """Quotations of these lines whose review was requested (their terms are reviewed terms)."""
        if crr_flag("no_rereview"):
            return self.order_id.browse()
        return self.filtered(lambda line: not line.display_type).order_id.filtered(
            lambda o: o.review_round and o.state in ("draft", "sent")
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crr.record.guard.mixin"]._crr_check_values_shape(vals_list, self)
        locked = self.env["sale.order"].browse(list({
            vals["order_id"] for vals in vals_list if isinstance(vals.get("order_id"), int)
        }))._crr_terms_locked()
        for vals in vals_list:
            # Odoo's own lines of a confirmed order (sections and notes, down payments, re-invoiced expenses,
            # shipping) are not terms the departments reviewed
            if vals.get("order_id") in locked.ids and not any(vals.get(key) for key in TECHNICAL_LINE_KEYS):
                locked.browse(vals["order_id"])._crr_refuse_confirmed_change([self.env._("Order lines (added)")])
        lines = super().create(vals_list)
        lines._crr_reviewed_orders()._crr_reviewed_fields_changed(
            ORDER_LINE_ADDED_KINDS, [self.env._("Order lines (added)")]
        )
        return lines

    def write(self, vals):
        fnames = set(vals) & set(ORDER_LINE_FIELD_KINDS)
        before = {}
        confirmed = self.order_id.browse()
        if fnames:
            # the values before and after the write are compared (taxes are given as commands)
            confirmed = self.order_id._crr_terms_locked()
            orders = self._crr_reviewed_orders() | confirmed
            before = {
                line: {fname: line[fname] for fname in fnames}
                for line in self.filtered(
                    lambda line: line.order_id in orders and not line.display_type
                    and not any(line[key] for key in TECHNICAL_LINE_KEYS if key in line._fields)
                )
            }
        # a confirmed order's terms change through a change request: the write is undone when it changed them
        with self.env.cr.savepoint() if confirmed else contextlib.nullcontext():
            result = super().write(vals)
            changed = {}
            for line, values in before.items():
                for fname, value in values.items():
                    if line[fname] != value:
                        changed.setdefault(line.order_id, set()).add(fname)
            for order in confirmed:
                if order in changed:
                    order._crr_refuse_confirmed_change(
                        [
                            self.env._("Order lines: %(field)s", field=self._fields[f]._description_string(self.env))
                            for f in changed[order]
                        ]
                    )
        for order, fields_changed in changed.items():
            order._crr_reviewed_fields_changed(
                {ORDER_LINE_FIELD_KINDS[f] for f in fields_changed},
                [
                    self.env._("Order lines: %(field)s", field=self._fields[f]._description_string(self.env))
                    for f in fields_changed
                ],
            )
        return result

    def unlink(self):
        orders = self._crr_reviewed_orders()
        result = super().unlink()
        orders.exists()._crr_reviewed_fields_changed(ORDER_LINE_ADDED_KINDS, [self.env._("Order lines (removed)")])
        return result
