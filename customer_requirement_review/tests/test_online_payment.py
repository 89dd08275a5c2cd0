"""A customer pays a quotation online and checks out an e-commerce cart, under each policy of the company.

These tests need the e-commerce (``website_sale``) and the demo payment provider (``payment_demo``), which are
not dependencies of the module: they are skipped where these are not installed (``make test`` installs them
into its database). They go through the real routes: the portal's and the shop's transaction routes, the demo
provider's payment simulation and the payment status poll that post-processes the transaction (where Odoo
confirms the order).
"""

import unittest

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

REQUIRED_MODULES = ("website_sale", "payment_demo")


@tagged("post_install", "-at_install")
class TestOnlinePayment(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Module = cls.env["ir.module.module"]
        missing = [name for name in REQUIRED_MODULES if Module._get(name).state != "installed"]
        if missing:
            raise unittest.SkipTest(f"needs {', '.join(missing)} installed")
        cls.company = cls.env.company
        cls.company.write({"crr_review_mode": "all", "crr_block_unreviewed_send": True})
        cls.website = cls.env["website"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "is_published": True})
        cls.payment_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.salesperson = new_test_user(
            cls.env, login="crr_online_sales", groups="sales_team.group_sale_salesman", name="Online Salesperson"
        )
        cls.customer = new_test_user(cls.env, login="crr_online_customer", groups="base.group_portal",
                                     name="Online Customer", email="online.customer@example.com")
        cls.customer.partner_id.write(
            {"street": "1 Harbour Road", "city": "Ningbo", "zip": "315000", "country_id": cls.env.ref("base.cn").id,
             "phone": "+86 574 0000 0000"}
        )
        # a service: the cart needs no delivery method
        cls.product = cls.env["product.product"].create(
            {"name": "Online Inspection", "type": "service", "list_price": 120.0, "standard_price": 60.0,
             "sale_ok": True, "is_published": True, "website_id": cls.website.id, "taxes_id": [Command.clear()]}
        )

    # -- helpers -------------------------------------------------------------------------------
    def _set_policy(self, policy, domain="[]"):
        self.company.write({"crr_online_policy": policy, "crr_online_exempt_domain": domain})

    def _quotation(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.partner_id.id,
                "user_id": self.salesperson.id,
                "require_payment": True,
                "require_signature": False,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
            }
        )
        order.action_quotation_sent()
        return order

    def _tx_values(self, order, landing_route):
        return {
            "access_token": order._portal_ensure_token(),
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method.id,
            "token_id": None,
            "amount": order.amount_total,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": landing_route,
            "is_validation": False,
        }

    def _pay(self, transaction_route, order, landing_route):
        """The customer's browser: create the transaction, pay with the demo provider, poll the status (which
        post-processes the transaction). Any error in these routes fails the test (JsonRpcException)."""
        processing = self.make_jsonrpc_request(transaction_route, self._tx_values(order, landing_route))
        reference = processing["reference"]
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": reference, "payment_details": "4242", "simulated_state": "done"},
        )
        status = self.make_jsonrpc_request("/payment/status/poll", {})
        self.env.invalidate_all()
        tx = self.env["payment.transaction"].search([("reference", "=", reference)])
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.is_post_processed, status)
        # the customer's payment is recorded whatever happens to the order
        self.assertTrue(tx.payment_id, "the payment is recorded in accounting")
        self.assertEqual(tx.payment_id.amount, order.amount_total)
        return tx

    def _pay_quotation(self, order):
        self.authenticate(None, None)
        return self._pay(f"/my/orders/{order.id}/transaction", order, order.get_portal_url())

    def _checkout_cart(self):
        self.authenticate(self.customer.login, self.customer.login)
        self.make_jsonrpc_request(
            "/shop/cart/add",
            {"product_template_id": self.product.product_tmpl_id.id, "product_id": self.product.id, "quantity": 3},
        )
        cart = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.partner_id.id), ("website_id", "=", self.website.id),
             ("state", "=", "draft")],
            order="id desc", limit=1,
        )
        self.assertTrue(cart, "the cart exists")
        self.assertEqual(cart.order_line.product_id, self.product)
        tx = self._pay(f"/shop/payment/transaction/{cart.id}", cart, "/shop/payment/validate")
        return cart, tx

    def _activity_summaries(self, order):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        ).mapped("summary")

    # -- a quotation paid on the portal ---------------------------------------------------------------
    def test_quotation_review_first(self):
        self._set_policy("review_first")
        order = self._quotation()
        self.assertFalse(order._has_to_be_paid(), "the portal offers no payment before the review")
        # the customer pays anyway (a payment link, or a payment started before): recorded, order held
        self._pay_quotation(order)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.crr_online_state, "held")
        self.assertEqual(order.review_state, "in_review")
        self.assertIn("Paid online: confirm once reviewed", self._activity_summaries(order))
        # the payment transaction's post-processing handled it (not a later, generic confirmation)
        self.assertTrue(any(f"The customer paid {order.name} online" in (m.body or "") for m in order.message_ids))

    def test_quotation_review_after(self):
        self._set_policy("review_after")
        order = self._quotation()
        self.assertTrue(order._has_to_be_paid(), "the customer may pay before the review")
        self._pay_quotation(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crr_online_state, "pending")
        self.assertEqual(order.review_state, "in_review")
        self.assertTrue(order._crr_delivery_held())
        self.assertIn("Confirmed online before its review", self._activity_summaries(order))

    def test_quotation_exempt(self):
        self._set_policy("exempt", "[('amount_total', '<=', 1000)]")
        order = self._quotation()
        self.assertTrue(order._has_to_be_paid())
        self._pay_quotation(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crr_online_state, "exempt")
        self.assertEqual(order.review_state, "not_required")

    # -- an e-commerce cart checked out --------------------------------------------------------------
    def test_cart_review_first(self):
        self._set_policy("review_first")
        cart, _tx = self._checkout_cart()
        # paid, but not confirmed before its review: a quotation the salesperson confirms once approved
        self.assertEqual(cart.state, "sent")
        self.assertEqual(cart.crr_online_state, "held")
        self.assertEqual(cart.review_state, "in_review")
        self.assertIn("Paid online: confirm once reviewed", self._activity_summaries(cart))

    def test_cart_review_after(self):
        self._set_policy("review_after")
        cart, _tx = self._checkout_cart()
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.crr_online_state, "pending")
        self.assertEqual(cart.review_state, "in_review")
        self.assertIn("Confirmed online before its review", self._activity_summaries(cart))

    def test_cart_exempt_by_website(self):
        self._set_policy("exempt", "[('website_id', '!=', False)]")
        cart, _tx = self._checkout_cart()
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.crr_online_state, "exempt")
        self.assertEqual(cart.review_state, "not_required")
        # a quotation of the back office is not exempt by that condition
        order = self._quotation()
        self.assertFalse(order._has_to_be_paid())
