from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class CrrStockCommon(TransactionCase):
    """A company without compulsory review, users per role, a customer and goods, and helpers that confirm
    orders and validate their deliveries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"crr_review_mode": "off", "crr_on_time_target": 100.0})
        cls.company.partner_id.tz = "UTC"
        ref = cls.env.ref
        cls.logistics = ref("customer_requirement_review.crr_department_logistics")
        cls.quality = ref("customer_requirement_review.crr_department_quality")
        cls.salesperson = new_test_user(
            cls.env, login="crr_s_sales", groups="sales_team.group_sale_salesman,stock.group_stock_user",
            name="Stock Salesperson",
        )
        cls.logistician = new_test_user(
            cls.env, login="crr_s_logistics", groups="customer_requirement_review.group_crr_reviewer,stock.group_stock_user",
            name="Logistics Reviewer",
        )
        cls.inspector = new_test_user(
            cls.env, login="crr_s_quality", groups="customer_requirement_review.group_crr_reviewer,stock.group_stock_user",
            name="Quality Reviewer",
        )
        cls.manager = new_test_user(
            cls.env, login="crr_s_manager", groups="customer_requirement_review.group_crr_manager,stock.group_stock_user",
            name="Stock Review Manager",
        )
        cls.logistics.user_ids = [Command.set(cls.logistician.ids)]
        cls.quality.user_ids = [Command.set(cls.inspector.ids)]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Delivery Customer Ltd", "is_company": True, "email": "buyer@delivery-customer.example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Second Customer Ltd", "is_company": True})
        cls.bracket = cls.env["product.product"].create(
            {"name": "Valve Bracket", "type": "consu", "list_price": 45.0, "standard_price": 20.0}
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.today = fields.Date.today()  # the company calendar is UTC here

    @classmethod
    def _order(cls, days=5, qty=10, partner=None, products=None, user=None):
        """A confirmed order promised ``days`` from now (negative: in the past)."""
        order = cls.env["sale.order"].create({
            "partner_id": (partner or cls.customer).id,
            "user_id": (user or cls.salesperson).id,
            "commitment_date": fields.Datetime.now() + timedelta(days=days),
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": qty})
                           for p in (products or [cls.bracket])],
        })
        order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, order, qty=None, backorder=True):
        """Validate the order's open delivery with ``qty`` of each move (all by default); without
        ``backorder`` the rest is cancelled (a short delivery)."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.ensure_one()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(cancel_backorder=not backorder)._action_done()
        return picking
