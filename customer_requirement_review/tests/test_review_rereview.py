from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewRereview(CrrReviewCommon):

    def _approved_special(self):
        order = self._order(products=[self.good, self.new_good])
        order.action_request_review()
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        return order

    def test_price_change_asks_finance_and_gm_only(self):
        order = self._approved_special()
        order.order_line[0].price_unit = 120.0
        self.assertEqual(order.review_state, "to_review")
        note = order.message_ids[0].body
        self.assertIn("Unit Price", note)
        self.assertIn("Finance", note)
        order.action_request_review()
        self.assertEqual(order.review_round, 2)
        lines = order._crr_round_lines()
        pending = lines.filtered(lambda line: line.state in ("pending", "waiting"))
        self.assertEqual(set(pending.department_id.mapped("code")), {"finance", "general_manager"})
        carried = lines.filtered("carried_over")
        self.assertEqual(len(carried), 6)
        self.assertTrue(all(line.state == "approved" for line in carried))
        self._flush_tracking()
        self.assertIn("carried over", order.message_ids[0].body)
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")

    def test_quantity_and_date_change_asks_production_side(self):
        order = self._approved_special()
        order.write({"commitment_date": "2030-01-01 10:00:00"})
        order.order_line[0].product_uom_qty = 5
        self.assertEqual(order.crr_rereview_kinds, "date,quantity")
        order.action_request_review()
        pending = order._crr_round_lines().filtered(lambda line: line.state in ("pending", "waiting"))
        self.assertEqual(
            set(pending.department_id.mapped("code")), {"production", "procurement", "logistics", "general_manager"}
        )

    def test_requirement_change_asks_specification_departments(self):
        order = self._approved_special()
        self.env["crr.requirement"].create({"order_id": order.id, "name": "Salt spray 96h", "category": "quality",
                                            "response": "comply"})
        self.assertEqual(order.review_state, "to_review")
        self.assertIn("Requirement list", order.message_ids[0].body)
        order.action_request_review()
        pending = order._crr_round_lines().filtered(lambda line: line.state in ("pending", "waiting"))
        self.assertEqual(set(pending.department_id.mapped("code")), {"technical", "quality", "general_manager"})

    def test_unchanged_values_do_not_reopen(self):
        order = self._approved_special()
        order.order_line[0].product_uom_qty = order.order_line[0].product_uom_qty
        self.assertEqual(order.review_state, "approved")
