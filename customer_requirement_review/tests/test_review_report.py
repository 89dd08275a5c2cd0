from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewReport(CrrReviewCommon):

    def test_review_form_renders(self):
        order = self._order(products=[self.good])
        self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Salt spray 96h", "category": "quality", "response": "comply",
             "department_id": self.dep["production"].id}
        )
        order.action_request_review()
        self._approve_all(order)
        line = order._crr_round_lines()[0]
        self.assertEqual(order.review_state, "approved")
        html, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_review", res_ids=order.ids
        )
        self.assertEqual(fmt, "html")
        text = html.decode()
        for needle in ("Contract/Order Review Form", order.name, "Requirement Response List", "Salt spray 96h",
                       "Regular Contract", "Department Reviews", line.reviewer_id.name, "General Manager",
                       "Production"):
            self.assertIn(needle, text)
