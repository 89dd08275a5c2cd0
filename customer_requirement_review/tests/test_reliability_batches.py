from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReliabilityBatches(CrrReviewCommon):
    """The review register reads in batches: the result must not depend on the batch size."""

    def test_register_summary_independent_of_batches(self):
        orders = self._order(products=[self.good]) | self._order(products=[self.new_good])
        orders.with_user(self.salesperson).action_request_review()
        self._approve_all(orders[0])
        lines = orders.review_line_ids
        self.assertGreater(len(lines), 3)
        whole = list(lines._crr_xlsx_summary_rows())
        self.assertEqual(list(lines._crr_xlsx_summary_rows(batch_size=2)), whole)
        self.assertEqual(list(lines._crr_xlsx_summary_rows(batch_size=1)), whole)
        self.assertEqual(sum(row[1] for row in whole), len(lines))
        rows = list(lines._crr_xlsx_register_rows(batch_size=2))
        self.assertEqual(len(rows), len(lines))

    def test_negative_quantity_allowed_before_review(self):
        # the guard only concerns quotations under review: a quotation never reviewed keeps sale's behaviour
        order = self._order(products=[self.good])
        order.order_line.product_uom_qty = -1
        self.assertEqual(order.order_line.product_uom_qty, -1)
