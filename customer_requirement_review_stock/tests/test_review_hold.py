from odoo.addons.customer_requirement_review.tests.common_review import CrrReviewCommon
from odoo.exceptions import UserError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestDeliveryHeldForReview(CrrReviewCommon):
    """Policy "confirm, then review": an order confirmed online before its review keeps its delivery until the
    review is approved (the main addon's hook ``_crr_hold_deliveries``, the hold being the bridge's)."""

    def test_delivery_held_until_the_review_is_approved(self):
        self.company.write({"crr_review_mode": "all", "crr_online_policy": "review_after"})
        order = self._order(partner=self.new_customer)
        # confirmed by Odoo itself (a payment, a cron): no salesperson in the loop
        order.sudo().action_confirm()
        self.assertEqual((order.state, order.crr_online_state, order.review_state), ("sale", "pending", "in_review"))
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertTrue(delivery.crr_review_held)
        self.assertTrue(any("Held:" in (m.body or "") for m in delivery.message_ids))
        with self.assertRaisesRegex(UserError, "is held: its order .* was confirmed before its requirement review"):
            delivery.button_validate()
        self.assertNotEqual(delivery.state, "done")
        self._approve_all(order)
        self.assertEqual(order.crr_online_state, "reviewed")
        delivery.invalidate_recordset(["crr_review_held"])
        self.assertFalse(delivery.crr_review_held)
        self.assertTrue(any("Released:" in (m.body or "") for m in delivery.message_ids))
        for move in delivery.move_ids:
            move.quantity = move.product_uom_qty
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
