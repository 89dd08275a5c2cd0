from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crr_countermeasure_ids = fields.One2many("crr.delivery.countermeasure", "order_id", string="Delay Countermeasures")
    crr_countermeasure_count = fields.Integer(string="Delays", compute="_compute_crr_countermeasure_count")

    @api.depends("crr_countermeasure_ids")
    def _compute_crr_countermeasure_count(self):
        counts = dict(self.env["crr.delivery.countermeasure"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        ))
        for order in self:
            order.crr_countermeasure_count = counts.get(order, 0)

    def _crr_all_in_stock(self, needed_by_order):
        """"Everything in Stock" from the real stock: for each storable product, the quantity free to use
        (on hand minus reserved) in the order's warehouse, counting only the company's own goods (customer
        property, owned by customers, is not ours to sell). Services are available; consumables whose stock
        is not tracked are not known to be in stock. A few queries per warehouse, none per product."""
        result = {}
        by_warehouse = {}
        for order in self:
            by_warehouse.setdefault(order.warehouse_id, self.browse())
            by_warehouse[order.warehouse_id] |= order
        for warehouse, orders in by_warehouse.items():
            products = self.env["product.product"].union(
                *(product for order in orders for product in (needed_by_order.get(order) or {}))
            ).filtered("is_storable")
            free = {}
            if products:
                products = products.sudo().with_context(warehouse_id=warehouse.id or False, owner_id=False)
                free = {product.id: product.free_qty for product in products}
            for order in orders:
                needed = needed_by_order.get(order) or {}
                result[order] = bool(needed) and all(
                    product.type == "service"
                    or (product.is_storable and product.uom_id.compare(free.get(product.id, 0.0), qty) >= 0)
                    for product, qty in needed.items()
                )
        return result

    def _crr_hold_deliveries(self, hold):
        """Orders confirmed before their review (paid or confirmed online, policy "confirm, then review"):
        their deliveries wait for the approval. The hold itself is the refusal to validate them
        (``stock.picking._crr_check_review_hold``) while ``_crr_delivery_held()``; here the deliveries' chatter
        says so, and the hold is lifted by the approval of the review."""
        pickings = self.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing" and p.state != "done")
        for picking in pickings.sudo():
            order = picking.sale_id
            picking._message_log(
                body=self.env._(
                    "Held: %(order)s was confirmed before its requirement review; this delivery cannot be validated "
                    "until the review is approved.", order=order.name)
                if hold else self.env._(
                    "Released: the requirement review of %(order)s is approved; this delivery may be validated.",
                    order=order.name)
            )
        return super()._crr_hold_deliveries(hold)

    def action_view_crr_countermeasures(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "customer_requirement_review_stock.action_crr_delivery_countermeasure"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action
