from odoo.fields import Command
from odoo.tests import tagged

from .common import CrrStockCommon


@tagged("post_install", "-at_install")
class TestEverythingInStock(CrrStockCommon):
    """The "Everything in Stock" rule fact reads the company's own free stock in the order's warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pump = cls.env["product.product"].create({"name": "Stock Pump", "type": "consu", "is_storable": True})
        cls.service = cls.env["product.product"].create({"name": "Commissioning", "type": "service"})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.pump, cls.stock_location, 10.0)
        # goods of the customer on our premises are not ours to sell
        Quant._update_available_quantity(cls.pump, cls.stock_location, 100.0, owner_id=cls.customer)

    def _fact(self, qty, products=None):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": qty}) for p in (products or [self.pump])],
        })
        order._crr_update_rule_fields()
        return order.crr_all_in_stock

    def test_own_free_stock(self):
        self.assertTrue(self._fact(10))
        self.assertFalse(self._fact(11))
        self.assertTrue(self._fact(4, [self.pump, self.service]))
        # a consumable whose stock is not tracked is not known to be in stock
        self.assertFalse(self._fact(1, [self.bracket]))

    def test_reserved_stock_is_not_free(self):
        order = self.env["sale.order"].create({
            "partner_id": self.other_customer.id,
            "order_line": [Command.create({"product_id": self.pump.id, "product_uom_qty": 8})],
        })
        order.action_confirm()  # reserves 8 of our 10
        self.assertEqual(order.picking_ids.move_ids.quantity, 8)
        self.assertTrue(self._fact(2))
        self.assertFalse(self._fact(3))
