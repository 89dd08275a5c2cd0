from datetime import datetime

from psycopg2 import IntegrityError

from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_change_request import CrrChangeRequestCommon


@tagged("post_install", "-at_install")
class TestChangeRequestFlow(CrrChangeRequestCommon):

    def test_quantity_and_date_change_reviewed_and_applied(self):
        order = self._confirmed_order(commitment_date=datetime(2030, 1, 10, 8, 0))
        gear = self._line(order, self.good)
        action = order.with_user(self.salesperson).action_request_change()
        self.assertEqual(action["res_model"], "crr.change.request")
        self.assertEqual(action["context"]["default_order_id"], order.id)
        request = self._change(
            order,
            new_commitment_date=datetime(2030, 2, 1, 8, 0),
            line_ids=[Command.create({"order_line_id": gear.id, "new_product_uom_qty": 15})],
        )
        self.assertRegex(request.name, r"^CR/\d{4}/\d+")
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.old_commitment_date, datetime(2030, 1, 10, 8, 0))
        self.assertEqual(request.line_ids.old_product_uom_qty, 10)
        self.assertEqual(request.line_ids.old_price_unit, gear.price_unit)
        self.assertEqual(request.change_kinds, "date,quantity")
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "to_review")
        self.assertEqual(self._codes(request), {"production", "procurement", "logistics"})
        self.assertEqual(set(request.review_line_ids.mapped("state")), {"pending"})
        # the order's own review is untouched: change-request lines are not order-review lines
        self.assertFalse(order.review_line_ids)
        self.assertEqual(order.review_line_count, 0)
        self.assertFalse(order._crr_round_lines(all_rounds=True))
        # activities for the reviewers of each department
        production_line = request.review_line_ids.filtered(lambda line: line.department_id.code == "production")
        self.assertEqual(self._todos(production_line).user_id, self.reviewers["production"])
        self.assertIn(request.name, self._todos(production_line).summary)
        # decisions: the production reviewer decides its line only
        self.assertTrue(production_line.with_user(self.reviewers["production"]).can_decide)
        production_line.with_user(self.reviewers["production"]).action_approve()
        self.assertEqual(request.state, "to_review")
        self._approve_request(request)
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.approved_date)
        # apply
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertEqual(request.applied_by_id, self.salesperson)
        self.assertTrue(request.applied_date)
        self.assertEqual(gear.product_uom_qty, 15)
        self.assertEqual(order.commitment_date, datetime(2030, 2, 1, 8, 0))
        self.assertEqual(self._line(order, self.service).product_uom_qty, 10)
        self.assertEqual(
            request.notified_department_ids, self.dep["production"] | self.dep["procurement"] | self.dep["logistics"]
        )
        # the order's chatter has the before/after table and the reviewers were told
        message = order.message_ids.filtered(lambda m: request.name in (m.body or "") and "<table" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Before", message.body)
        self.assertIn("After", message.body)
        self.assertIn("Quantity: ", message.body)
        self.assertIn("<td>10</td><td>15</td>", message.body)
        self.assertIn(self.reviewers["logistics"].partner_id, message.partner_ids)
        # history on the order
        self.assertEqual(order.change_request_count, 1)
        self.assertEqual(order.change_request_ids, request)
        history = order.action_view_change_requests()
        self.assertEqual(history["domain"], [("order_id", "=", order.id)])
        # an applied change did not send the order back to review
        self.assertEqual(order.state, "sale")

    def test_price_change_finance_then_general_manager(self):
        order = self._confirmed_order()
        gear = self._line(order, self.good)
        request = self._change(
            order, line_ids=[Command.create({"order_line_id": gear.id, "new_price_unit": 120.0})]
        )
        self.assertEqual(request.change_kinds, "price")
        request.action_submit()
        self.assertEqual(self._codes(request), {"finance", "general_manager"})
        gm_line = request.review_line_ids.filtered("is_final_approval")
        finance_line = request.review_line_ids - gm_line
        self.assertEqual(gm_line.state, "waiting")
        self.assertFalse(self._todos(gm_line))
        with self.assertRaisesRegex(UserError, "opens only when every other department"):
            gm_line.with_user(self.reviewers["general_manager"]).action_approve()
        finance_line.with_user(self.reviewers["finance"]).action_approve()
        self.assertEqual(gm_line.state, "pending")
        self.assertEqual(self._todos(gm_line).user_id, self.reviewers["general_manager"])
        self.assertEqual(request.state, "to_review")
        gm_line.with_user(self.reviewers["general_manager"]).action_approve()
        self.assertEqual(request.state, "approved")
        request.action_apply()
        self.assertEqual(gear.price_unit, 120.0)

    def test_payment_and_specification_and_new_and_removed_lines(self):
        order = self._confirmed_order(products=[self.good, self.service])
        service_line = self._line(order, self.service)
        request = self._change(
            order,
            new_payment_term_id=self.term_30.id,
            requirement_change_ids=[Command.create({"name": "RoHS compliant paint"})],
            line_ids=[
                Command.create({"new_product_id": self.new_good.id, "new_product_uom_qty": 3, "new_price_unit": 80}),
                Command.create({"order_line_id": service_line.id, "remove": True}),
            ],
        )
        self.assertEqual(request.change_kinds, "payment,price,quantity,specification")
        request.action_submit()
        self.assertEqual(
            self._codes(request),
            {"technical", "quality", "production", "procurement", "logistics", "finance", "general_manager"},
        )
        self._approve_request(request)
        self.assertEqual(request.state, "approved")
        request.action_apply()
        self.assertEqual(order.payment_term_id, self.term_30)
        # the specification lands in the requirement list, not in the terms and conditions note
        self.assertIn("RoHS compliant paint", order.requirement_ids.mapped("name"))
        self.assertNotIn("RoHS", order.note or "")
        new_line = self._line(order, self.new_good)
        self.assertEqual((new_line.product_uom_qty, new_line.price_unit), (3, 80))
        # a line of a confirmed order is not deleted: its quantity goes to 0
        self.assertEqual(service_line.product_uom_qty, 0)

    def test_no_department_concerned_approved_at_once(self):
        for department in self.dep.values():
            department.review_specification = False
        order = self._confirmed_order()
        request = self._change(order, requirement_change_ids=[Command.create({"name": "Blue label"})])
        request.action_submit()
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.review_line_ids)
        self.assertIn("No department reviews this kind of change", request.message_ids[0].body)
        request.action_apply()
        self.assertIn("Blue label", order.requirement_ids.mapped("name"))

    def test_rejection_tells_requester(self):
        order = self._confirmed_order()
        request = self._change(
            order, line_ids=[Command.create({"order_line_id": self._line(order, self.good).id, "new_product_uom_qty": 99})]
        )
        request.action_submit()
        line = request.review_line_ids.filtered(lambda line: line.department_id.code == "production")
        with self.assertRaisesRegex(UserError, "Write an opinion explaining why"):
            line.with_user(self.reviewers["production"]).action_reject()
        line.with_user(self.reviewers["production"]).action_reject(opinion="No capacity in March")
        self.assertEqual(request.state, "rejected")
        message = request.message_ids[0]
        self.assertIn("No capacity in March", message.body)
        self.assertIn(self.salesperson.partner_id, message.partner_ids)
        # the other pending lines lost their activities
        superseded = request.review_line_ids.filtered(lambda line: line.state == "superseded")
        self.assertTrue(superseded)
        self.assertFalse(request.review_line_ids.filtered(lambda line: line.state == "pending"))
        self.assertFalse(self._todos(superseded))
        with self.assertRaisesRegex(UserError, "no longer open"):
            superseded[:1].with_user(
                self.reviewers["logistics"]
            ).action_approve()
        with self.assertRaisesRegex(UserError, "only approved change requests can be applied"):
            request.action_apply()

    def test_quotation_with_approved_review(self):
        order = self._order(products=[self.service, self.good])
        with self.assertRaisesRegex(UserError, "neither"):
            order.action_request_change()
        order.action_request_review()
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        service_line = self._line(order, self.service)
        gear_line = self._line(order, self.good)
        request = self._change(
            order,
            line_ids=[
                Command.create({"order_line_id": service_line.id, "new_product_uom_qty": 5}),
                Command.create({"order_line_id": gear_line.id, "remove": True}),
            ],
        )
        request.action_submit()
        self._approve_request(request)
        request.action_apply()
        self.assertEqual(order.order_line, service_line)
        self.assertEqual(service_line.product_uom_qty, 5)
        # the removed quotation line is deleted; the request keeps its snapshot
        removed = request.line_ids.filtered("remove")
        self.assertFalse(removed.order_line_id)
        self.assertEqual((removed.old_product_id, removed.old_product_uom_qty), (self.good, 2))
        self.assertIn("Line removed: ", str(request._crr_report_rows()))
        # reviewed through the change request: the order's review stands
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(set(order.review_line_ids.mapped("state")), {"approved"})

    def test_cancel(self):
        order = self._confirmed_order()
        request = self._change(
            order, line_ids=[Command.create({"order_line_id": self._line(order, self.good).id, "new_product_uom_qty": 11})]
        )
        request.action_submit()
        self.assertTrue(self._todos(request.review_line_ids))
        request.with_user(self.salesperson).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(self._todos(request.review_line_ids))
        with self.assertRaisesRegex(UserError, "can be cancelled"):
            request.action_cancel()
        # cancelled: a new request may be opened
        self._change(order, new_commitment_date=datetime(2031, 1, 1))

    def test_form_request_change(self):
        order = self._confirmed_order()
        with Form(self.env["crr.change.request"].with_user(self.salesperson).with_context(
                default_order_id=order.id)) as form:
            form.reason = "Customer wants more gear boxes"
            with form.line_ids.new() as line:
                line.order_line_id = self._line(order, self.good)
                self.assertEqual(line.new_product_uom_qty, 10)
                line.new_product_uom_qty = 12
        request = form.record
        self.assertEqual(request.line_ids.old_product_uom_qty, 10)
        self.assertEqual(request.line_ids.new_product_uom_qty, 12)
        self.assertEqual(request.change_kinds, "quantity")


@tagged("post_install", "-at_install")
class TestChangeRequestRefusals(CrrChangeRequestCommon):

    def _approved_qty_request(self, order, qty=15, product=None):
        line = self._line(order, product or self.good)
        request = self._change(order, line_ids=[Command.create({"order_line_id": line.id, "new_product_uom_qty": qty})])
        request.action_submit()
        self._approve_request(request)
        self.assertEqual(request.state, "approved")
        return request

    def _snapshot(self, order):
        return (
            order.commitment_date,
            order.payment_term_id,
            order.note,
            [(line.id, line.product_id, line.product_uom_qty, line.price_unit) for line in order.order_line],
        )

    def test_order_changed_since_request(self):
        order = self._confirmed_order()
        gear = self._line(order, self.good)
        request = self._change(
            order,
            new_commitment_date=datetime(2030, 5, 5),
            line_ids=[Command.create({"order_line_id": gear.id, "new_product_uom_qty": 15})],
        )
        request.action_submit()
        self._approve_request(request)
        gear.product_uom_qty = 12  # edited directly on the order meanwhile
        before = self._snapshot(order)
        with self.assertRaisesRegex(UserError, r"Quantity of line .*Gear Box.* changed since the request.*was 10 .* is now 12"):
            request.action_apply()
        self.assertEqual(self._snapshot(order), before)
        self.assertEqual(request.state, "approved")
        # nothing half-applied: the date (checked and written before the lines otherwise) did not move
        self.assertFalse(order.commitment_date)

    def test_header_changed_since_request(self):
        order = self._confirmed_order()
        request = self._change(order, new_payment_term_id=self.term_30.id)
        request.action_submit()
        self._approve_request(request)
        other = self.env["account.payment.term"].create({"name": "Prepaid"})
        order.payment_term_id = other
        with self.assertRaisesRegex(UserError, r"Payment Terms of .* changed since the request .*was \(none\).*is now Prepaid"):
            request.action_apply()
        self.assertEqual(order.payment_term_id, other)

    def test_quantity_below_delivered(self):
        order = self._confirmed_order(products=[self.service, self.good])
        service_line = self._line(order, self.service)
        self.assertEqual(service_line.qty_delivered_method, "manual")
        request = self._approved_qty_request(order, qty=4, product=self.service)
        service_line.qty_delivered = 6
        before = self._snapshot(order)
        with self.assertRaisesRegex(UserError, r"new quantity of .*Installation.* \(4\) would be below the delivered quantity \(6\)"):
            request.action_apply()
        self.assertEqual(self._snapshot(order), before)

    def test_remove_line_below_delivered(self):
        order = self._confirmed_order()
        service_line = self._line(order, self.service)
        request = self._change(order, line_ids=[Command.create({"order_line_id": service_line.id, "remove": True})])
        request.action_submit()
        self._approve_request(request)
        service_line.qty_delivered = 1
        with self.assertRaisesRegex(UserError, r"\(0\) would be below the delivered quantity \(1\)"):
            request.action_apply()
        self.assertEqual(service_line.product_uom_qty, 10)

    def test_quantity_below_invoiced(self):
        order = self._confirmed_order(products=[self.service])
        request = self._approved_qty_request(order, qty=4, product=self.service)
        try:
            order._create_invoices()
        except UserError as error:  # no accounting set up in this database
            self.skipTest(f"cannot invoice here: {error}")
        line = order.order_line
        self.assertEqual(line.qty_invoiced, 10)
        with self.assertRaisesRegex(UserError, r"would be below the invoiced quantity \(10\)"):
            request.action_apply()
        self.assertEqual(line.product_uom_qty, 10)

    def test_cancelled_and_locked_order(self):
        order = self._confirmed_order()
        request = self._approved_qty_request(order)
        order.action_lock()
        with self.assertRaisesRegex(UserError, "is locked"):
            request.action_apply()
        order.action_unlock()
        order.with_context(disable_cancel_warning=True)._action_cancel()
        self.assertEqual(order.state, "cancel")
        with self.assertRaisesRegex(UserError, "is cancelled"):
            request.action_apply()
        self.assertEqual(self._line(order, self.good).product_uom_qty, 10)
        with self.assertRaisesRegex(UserError, "is cancelled: no change can be requested"):
            order.action_request_change()

    def test_second_open_request(self):
        order = self._confirmed_order()
        first = self._change(order, new_commitment_date=datetime(2030, 1, 1))
        with self.assertRaisesRegex(UserError, rf"already has an open change request, {first.name}"):
            order.with_user(self.salesperson).action_request_change()
        with self.assertRaisesRegex(UserError, rf"already has an open change request, {first.name}"):
            self._change(order, new_commitment_date=datetime(2030, 2, 1))
        # cancel the first, open a second; the partial unique index refuses to reopen the first
        first.action_cancel()
        second = self._change(order, new_commitment_date=datetime(2030, 2, 1))
        self.assertEqual(second.state, "draft")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            with crr_scope():
                first.write({"state": "draft"})
            self.env.flush_all()

    def test_invalid_values(self):
        order = self._confirmed_order()
        gear = self._line(order, self.good)
        with self.assertRaisesRegex(ValidationError, r"new quantity of .*Gear Box.* must be a positive number \(got -5"), \
                self.env.cr.savepoint():
            self._change(order, line_ids=[Command.create({"order_line_id": gear.id, "new_product_uom_qty": -5})])
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.env.cr.savepoint():
            self._change(order, line_ids=[Command.create({"order_line_id": gear.id, "new_price_unit": -1})])
        with self.assertRaisesRegex(ValidationError, "needs a product"), self.env.cr.savepoint():
            self._change(order, line_ids=[Command.create({"new_product_uom_qty": 3})])
        other_order = self._confirmed_order()
        with self.assertRaisesRegex(ValidationError, "does not belong to"), self.env.cr.savepoint():
            self._change(order, line_ids=[Command.create({"order_line_id": other_order.order_line[0].id})])
        request = self._change(order, reason="Nothing really")
        with self.assertRaisesRegex(UserError, "changes nothing"):
            request.action_submit()
        request.reason = " "
        with self.assertRaisesRegex(UserError, "Give the reason"):
            request.action_submit()

    def test_apply_before_approval(self):
        order = self._confirmed_order()
        request = self._change(order, new_commitment_date=datetime(2030, 1, 1))
        with self.assertRaisesRegex(UserError, r"only approved change requests can be applied \(it is Draft\)"):
            request.action_apply()
        request.action_submit()
        with self.assertRaisesRegex(UserError, r"\(it is In Review\)"):
            request.action_apply()
        self.assertFalse(order.commitment_date)

    def test_applied_and_rejected_read_only(self):
        order = self._confirmed_order()
        applied = self._approved_qty_request(order)
        applied.action_apply()
        with self.assertRaisesRegex(UserError, "is Applied and read-only"):
            applied.write({"reason": "Other"})
        with self.assertRaisesRegex(UserError, "can only be changed while it is a draft"):
            applied.line_ids.write({"new_product_uom_qty": 3})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            applied.unlink()
        with self.assertRaisesRegex(UserError, "can be cancelled"):
            applied.action_cancel()
        with self.assertRaisesRegex(UserError, "only approved change requests"):
            applied.action_apply()
        rejected = self._change(order, new_commitment_date=datetime(2030, 1, 1))
        rejected.action_submit()
        rejected.review_line_ids[0].with_user(self.reviewers[rejected.review_line_ids[0].department_id.code]) \
            .action_reject(opinion="Not possible")
        self.assertEqual(rejected.state, "rejected")
        with self.assertRaisesRegex(UserError, "is Rejected and read-only"):
            rejected.write({"new_commitment_date": datetime(2030, 3, 1)})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            rejected.unlink()
        # a submitted request cannot be edited nor deleted; a draft one can
        draft = self._change(order, new_commitment_date=datetime(2030, 1, 1))
        draft.action_submit()
        with self.assertRaisesRegex(UserError, "was submitted"):
            draft.write({"new_commitment_date": datetime(2030, 4, 1)})
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            draft.unlink()
        draft.action_cancel()
        fresh = self._change(order, new_commitment_date=datetime(2030, 1, 1))
        fresh.unlink()
        self.assertFalse(fresh.exists())
