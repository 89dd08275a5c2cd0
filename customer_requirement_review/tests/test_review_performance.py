from odoo.fields import Command
from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewPerformance(CrrReviewCommon):
    """Request, approval and confirmation cost no query per rule nor per order line."""

    def _count(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _scenario(self, n_rules, n_lines):
        Rule = self.env["crr.review.rule"]
        Rule.search([("company_id", "=", self.company.id)]).active = False
        products = self.env["product.product"].create(
            [{"name": f"P{n_rules}-{i}", "type": "consu", "list_price": 100, "standard_price": 10}
             for i in range(n_lines)]
        )
        Rule.create(
            [
                {
                    "name": f"Rule {i}",
                    "domain": "[('amount_untaxed', '>=', 1)]" if i % 2 else "[('crr_has_new_product', '=', True)]",
                    "department_ids": [Command.set([self.dep["sales"].id, self.dep["production"].id])],
                    "contract_type": "regular",
                }
                for i in range(n_rules)
            ]
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products],
            }
        )
        counts = {}
        counts["request"] = self._count(lambda: order.with_user(self.salesperson).action_request_review())
        lines = order._crr_round_lines()
        self.assertEqual(len(lines), 2)
        sales_line = lines.filtered(lambda line: line.department_id == self.dep["sales"])
        counts["approve"] = self._count(lambda: sales_line.with_user(self.reviewers["sales"]).action_approve())
        prod_line = lines - sales_line
        prod_line.with_user(self.reviewers["production"]).action_approve()
        self.assertEqual(order.review_state, "approved")
        counts["confirm"] = self._count(lambda: order.with_user(self.salesperson).action_confirm())
        self.assertEqual(order.state, "sale")
        return counts

    def test_query_counts_do_not_grow(self):
        self._scenario(3, 5)  # warm-up (caches of ir.model, templates, ...)
        small = self._scenario(3, 5)
        many_rules = self._scenario(30, 5)
        many_lines = self._scenario(3, 50)
        for key in ("request", "approve"):
            self.assertLessEqual(abs(many_rules[key] - small[key]), 2, (key, small, many_rules))
            self.assertLessEqual(abs(many_lines[key] - small[key]), 2, (key, small, many_lines))
        # confirmation is sale's own: we only check that our part does not grow with rules
        self.assertLessEqual(abs(many_rules["confirm"] - small["confirm"]), 2, (small, many_rules))
