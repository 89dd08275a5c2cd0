from odoo.exceptions import UserError
from odoo.fields import Command
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

    def test_customer_change_asks_every_department(self):
        """Another customer is another contract: every department reviews it again, no approval is carried over
        (also when other terms changed with it, as the order form changes the addresses with the customer)."""
        order = self._approved_special()
        other = self.env["res.partner"].create({"name": "Another Customer", "is_company": True})
        order.with_user(self.salesperson).write({"partner_id": other.id})
        self.assertEqual(order.review_state, "to_review")
        self.assertIn("customer", order.crr_rereview_kinds)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).action_confirm()
        order.action_request_review()
        lines = order._crr_round_lines()
        self.assertFalse(lines.filtered("carried_over"))
        self.assertEqual(set(lines.department_id.mapped("code")), set(self.dep))
        # during the review: every approval is reopened
        decided = lines.filtered(lambda line: line.state == "pending")[:1]
        decided.with_user(self.reviewers[decided.department_id.code]).action_approve()
        order.with_user(self.salesperson).write({"partner_id": self.customer.id})
        self.assertEqual(decided.state, "pending")

    def test_printed_terms_ask_their_departments(self):
        """The terms the customer reads besides quantities and prices: the delivery address (transport), the
        line's description (specification), its taxes (price), the terms and conditions (commercial)."""
        tax = self.env["account.tax"].create({"name": "Rereview VAT 13%", "amount": 13.0, "type_tax_use": "sale"})
        # another delivery address of the customer (created after the orders: not their default one)
        def address():
            return self.env["res.partner"].create({"name": "Warehouse 2", "parent_id": self.customer.id}).id

        cases = [
            ({"partner_shipping_id": address}, None, "transport"),
            (None, {"name": "Valve DN50, stainless 316L"}, "specification"),
            (None, {"tax_ids": [(4, tax.id)]}, "price"),
            ({"note": "<p>Warranty 6 months</p>"}, None, "payment"),
        ]
        for order_vals, line_vals, kind in cases:
            with self.subTest(kind=kind):
                order = self._approved_special()
                if order_vals:
                    order.with_user(self.salesperson).write(
                        {key: value() if callable(value) else value for key, value in order_vals.items()})
                else:
                    order.order_line[0].with_user(self.salesperson).write(line_vals)
                self.assertEqual((kind, order.review_state, order.crr_rereview_kinds), (kind, "to_review", kind))
        # written again as they are: nothing to review
        order = self._approved_special()
        order.with_user(self.salesperson).write({"note": order.note, "partner_shipping_id": order.partner_shipping_id.id})
        order.order_line[0].with_user(self.salesperson).write(
            {"name": order.order_line[0].name, "tax_ids": [(6, 0, order.order_line[0].tax_ids.ids)]})
        self.assertEqual(order.review_state, "approved")

    def test_lead_time_and_currency_and_company(self):
        order = self._approved_special()
        order.order_line[0].with_user(self.salesperson).write({"customer_lead": 99})
        self.assertEqual((order.review_state, order.crr_rereview_kinds), ("to_review", "date"))
        order = self._approved_special()
        other_currency = self.env["res.currency"].with_context(active_test=False).search(
            [("id", "!=", order.currency_id.id)], limit=1)
        other_currency.active = True
        order.write({"currency_id": other_currency.id})
        self.assertEqual((order.review_state, order.crr_rereview_kinds), ("to_review", "price"))
        # another company's departments never reviewed it: it stays in its company
        company_b = self.env["res.company"].create({"name": "Rereview Company B"})
        with self.assertRaisesRegex(UserError, "cannot move to another company"):
            order.write({"company_id": company_b.id})
        self.assertEqual(order.company_id, self.env.company)
        order.write({"company_id": self.env.company.id})  # the same company: nothing changes
        # a quotation never sent to review moves as Odoo allows
        quotation = self._order()
        quotation.write({"company_id": company_b.id})
        self.assertEqual(quotation.company_id, company_b)

    def test_confirmed_order_changes_through_change_requests(self):
        """The terms of an order confirmed after its review change through a change request only: a direct edit
        is refused and undone; what is not a reviewed term (a note line, the salesperson) is edited as before;
        an order never reviewed is edited as Odoo allows."""
        order = self._order(products=[self.good, self.new_good])
        self.env["crr.requirement"].create({"order_id": order.id, "name": "Salt spray 96 h", "category": "quality",
                                            "department_id": self.dep["quality"].id, "response": "comply"})
        order.action_request_review()
        self._approve_all(order)
        order.with_user(self.salesperson).action_confirm()
        line = order.order_line[0]
        qty, date = line.product_uom_qty, order.commitment_date
        attempts = [
            (line, {"product_uom_qty": qty + 5}),
            (line, {"price_unit": 1.0}),
            (order, {"commitment_date": "2031-01-01 00:00:00"}),
            (order, {"order_line": [Command.create({"product_id": self.good.id, "product_uom_qty": 3})]}),
        ]
        for record, vals in attempts:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "change it through a change request"):
                record.with_user(self.salesperson).write(vals)
        # the requirement list too: written, added or removed
        requirement = self.env["crr.requirement"].search([("order_id", "=", order.id)], limit=1) or \
            self.env["crr.requirement"].browse()
        Requirement = self.env["crr.requirement"].with_user(self.salesperson)
        with self.assertRaisesRegex(UserError, "change it through a change request"):
            Requirement.create({"order_id": order.id, "name": "Salt spray 24 h", "category": "quality"})
        if requirement:
            with self.assertRaisesRegex(UserError, "change it through a change request"):
                requirement.with_user(self.salesperson).write({"name": "Relaxed"})
            with self.assertRaisesRegex(UserError, "change it through a change request"):
                requirement.with_user(self.salesperson).unlink()
        self.env.invalidate_all()
        self.assertEqual((line.product_uom_qty, order.commitment_date, len(order.order_line)), (qty, date, 2))
        order.with_user(self.salesperson).write(
            {"order_line": [Command.create({"display_type": "line_note", "name": "Deliver by the north gate"})],
             "client_order_ref": "PO-7781"})
        self.assertEqual(len(order.order_line), 3)
        # the change request is the way
        change = self.env["crr.change.request"].with_user(self.salesperson).create(
            {"order_id": order.id, "reason": "More units",
             "line_ids": [Command.create({"order_line_id": line.id, "new_product_uom_qty": qty + 5})]})
        change.with_user(self.salesperson).action_submit()
        for review_line in change.review_line_ids:
            review_line.with_user(self.reviewers[review_line.department_id.code]).action_approve()
        change.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, qty + 5)
        # never reviewed (review off): Odoo's own rules
        self.env.company.crr_review_mode = "off"
        plain = self._order()
        plain.action_confirm()
        plain.order_line[0].product_uom_qty += 1

    def test_unchanged_values_do_not_reopen(self):
        order = self._approved_special()
        order.order_line[0].product_uom_qty = order.order_line[0].product_uom_qty
        self.assertEqual(order.review_state, "approved")
