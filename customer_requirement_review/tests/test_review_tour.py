import os
import unittest

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReviewTour(HttpCase):
    """In the browser: a salesperson adds a requirement and requests the review, the sales
    department's reviewer approves it from "To Review", the salesperson confirms the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"crr_review_mode": "all", "crr_four_eyes": True})
        cls.salesperson = new_test_user(
            cls.env, login="crr_tour_sales", password="crr_tour_sales",
            groups="sales_team.group_sale_salesman", name="Tour Salesperson",
        )
        cls.reviewer = new_test_user(
            cls.env, login="crr_tour_reviewer", password="crr_tour_reviewer",
            groups="customer_requirement_review.group_crr_reviewer", name="Tour Reviewer",
        )
        cls.env.ref("customer_requirement_review.crr_department_sales").user_ids = [Command.link(cls.reviewer.id)]
        cls.customer = cls.env["res.partner"].create({"name": "CRR Tour Customer"})
        service = cls.env["product.product"].create(
            {"name": "Tour Installation", "type": "service", "list_price": 300.0, "standard_price": 100.0}
        )
        # the customer bought this service before: a regular contract, everything available -> sales only
        company.crr_review_mode = "off"
        history = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [Command.create({"product_id": service.id, "product_uom_qty": 1})],
        })
        history.action_confirm()
        company.crr_review_mode = "all"
        # goods never sold to this customer: several departments review (the "Waiting for" line names them)
        cls.goods = cls.env["product.product"].create(
            {"name": "Tour Gear Pump", "type": "consu", "list_price": 900.0, "standard_price": 500.0}
        )
        cls.order = cls.env["sale.order"].with_user(cls.salesperson).create({
            "partner_id": cls.customer.id,
            "user_id": cls.salesperson.id,
            "order_line": [Command.create({"product_id": service.id, "product_uom_qty": 2})],
        })

    def _tour(self, url, name, login):
        try:
            self.start_tour(url, name, login=login, timeout=120)
        except unittest.SkipTest as exc:
            if os.environ.get("CRR_REQUIRE_BROWSER") == "1":
                self.fail(f"the browser tour {name} could not run ({exc}); the setup must install chromium "
                          "and websocket-client")
            raise

    def test_review_flow_in_the_browser(self):
        order = self.order
        self._tour(f"/odoo/sales/{order.id}", "crr_salesperson_request_review", self.salesperson.login)
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(order.requirement_ids.mapped("name"), ["Export cartons, 20 pieces per carton"])
        self.assertEqual(order.requirement_ids.response, "comply")
        line = order.review_line_ids
        self.assertEqual(line.department_id.code, "sales")
        self.assertEqual(line.state, "pending")

        self._tour(
            "/odoo/action-customer_requirement_review.action_crr_review_line_to_review",
            "crr_reviewer_approve",
            self.reviewer.login,
        )
        self.assertEqual(line.state, "approved")
        self.assertEqual(line.reviewer_id, self.reviewer)
        self.assertEqual(order.review_state, "approved")

        self._tour(f"/odoo/sales/{order.id}", "crr_salesperson_confirm", self.salesperson.login)
        self.assertEqual(order.state, "sale")

    def test_salesperson_header_guidance(self):
        """Not requested: Request Review is the one primary button, Send and Confirm step back; after the
        request a notification, and the header says which departments the quotation waits for."""
        order = self.env["sale.order"].with_user(self.salesperson).create({
            "partner_id": self.customer.id,
            "user_id": self.salesperson.id,
            "order_line": [Command.create({"product_id": self.goods.id, "product_uom_qty": 5})],
        })
        self.assertEqual(order.review_state, "not_requested")
        self._tour(f"/odoo/sales/{order.id}", "crr_salesperson_header_guidance", self.salesperson.login)
        self.assertEqual(order.review_state, "in_review")
        self.assertIn("Production", order.crr_waiting_for)
