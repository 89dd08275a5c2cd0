from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewFlow(CrrReviewCommon):

    def _codes(self, order):
        return set(order._crr_round_lines().department_id.mapped("code"))

    # -- default rules ---------------------------------------------------------------------------
    def test_rule_regular_in_stock(self):
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        self.assertFalse(order.crr_has_new_product)
        self.assertFalse(order.crr_is_first_order)
        self.assertTrue(order.crr_all_in_stock)
        self.assertEqual(order.contract_type, "regular")
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(self._codes(order), {"sales"})

    def test_rule_regular_not_in_stock(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self.assertFalse(order.crr_all_in_stock)
        self.assertEqual(order.contract_type, "regular")
        self.assertEqual(self._codes(order), {"sales", "production", "procurement"})

    def test_rule_special_new_product(self):
        order = self._order(products=[self.good, self.new_good])
        order.with_user(self.salesperson).action_request_review()
        self.assertTrue(order.crr_has_new_product)
        self.assertEqual(order.contract_type, "special")
        self.assertEqual(self._codes(order), set(self.dep))
        gm_line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "general_manager")
        self.assertEqual(gm_line.state, "waiting")

    def test_rule_special_first_order_margin_payment_amount(self):
        order = self._order(partner=self.new_customer)
        order.action_request_review()
        self.assertTrue(order.crr_is_first_order)
        self.assertEqual(order.contract_type, "special")
        # low margin
        cheap = self._order(products=[self.good])
        cheap.order_line.price_unit = 55.0
        cheap.action_request_review()
        self.assertAlmostEqual(cheap.crr_margin_percent, 100 * 5 / 55, places=2)
        self.assertTrue(cheap.crr_low_margin)
        self.assertEqual(cheap.contract_type, "special")
        # long payment term
        term = self.env["account.payment.term"].create(
            {"name": "90 days", "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 90})]}
        )
        late = self._order(products=[self.good], payment_term_id=term.id)
        late.action_request_review()
        self.assertEqual(late.crr_payment_term_days, 90)
        self.assertTrue(late.crr_long_payment)
        self.assertEqual(late.contract_type, "special")
        # large order
        self.company.crr_amount_threshold = 150.0
        large = self._order(products=[self.good])
        large.action_request_review()
        self.assertTrue(large.crr_large_order)
        # a large contract is approved by the general manager; the amount alone does not make it special
        self.assertEqual(large.contract_type, "regular")
        self.assertEqual(self._codes(large), {"sales", "production", "procurement", "general_manager"})

    def test_sales_history_of_customer_and_contacts(self):
        """New product and first order look at the confirmed orders of the customer and all its contacts."""
        company = self.env["res.partner"].create({"name": "Hangzhou Pump Works", "is_company": True})
        buyer, engineer = self.env["res.partner"].create(
            [{"name": "Buyer Li", "parent_id": company.id}, {"name": "Engineer Wang", "parent_id": company.id}]
        )
        self.company.crr_review_mode = "off"
        bought = self._order(partner=buyer, products=[self.good])
        bought.action_confirm()
        cancelled = self._order(partner=buyer, products=[self.new_good])
        cancelled.action_cancel()
        self._order(partner=buyer, products=[self.service])  # a quotation only: not bought
        self.company.crr_review_mode = "all"

        same_product = self._order(partner=engineer, products=[self.good])
        other_products = self._order(partner=company, products=[self.new_good, self.service])
        stranger = self._order(partner=self.new_customer, products=[self.good])
        stranger_again = self._order(partner=self.new_customer, products=[self.good])
        # requested together: a quotation of the batch is not history for the others
        (same_product | other_products | stranger | stranger_again).with_user(
            self.salesperson
        ).action_request_review()
        self.assertFalse(same_product.crr_has_new_product)
        self.assertFalse(same_product.crr_is_first_order)
        self.assertTrue(other_products.crr_has_new_product)
        self.assertFalse(other_products.crr_is_first_order)
        for order in stranger | stranger_again:
            self.assertTrue(order.crr_has_new_product)
            self.assertTrue(order.crr_is_first_order)
        self.assertEqual(same_product.contract_type, "regular")
        self.assertEqual(other_products.contract_type, "special")

    def test_mode_special_only_and_off(self):
        self.company.crr_review_mode = "special"
        regular = self._order(products=[self.good])
        regular.action_request_review()
        self.assertEqual(regular.review_state, "not_required")
        regular.action_confirm()
        self.assertEqual(regular.state, "sale")
        # special order never requested: confirmation classifies it and refuses, naming departments
        special = self._order(partner=self.new_customer)
        with self.assertRaisesRegex(UserError, "request the review.*General Manager"):
            special.action_confirm()
        self.company.crr_review_mode = "off"
        special.action_confirm()
        self.assertEqual(special.state, "sale")

    def test_unrequested_regular_order_not_requiring_review_confirms(self):
        self.env.ref("customer_requirement_review.crr_review_rule_every_order").active = False
        self.env.ref("customer_requirement_review.crr_review_rule_regular_in_stock").active = False
        order = self._order(products=[self.service])
        order.action_confirm()
        self.assertEqual(order.review_state, "not_required")
        self.assertEqual(order.state, "sale")

    # -- main flow -----------------------------------------------------------------------------------
    def test_main_flow_as_users(self):
        order = self._order(products=[self.good, self.new_good])
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.review_round, 1)
        lines = order._crr_round_lines()
        self.assertEqual(len(lines), 8)
        # activities scheduled for each department's reviewers
        finance_line = lines.filtered(lambda line: line.department_id.code == "finance")
        self.assertEqual(finance_line.activity_ids.user_id, self.reviewers["finance"])
        self.assertEqual(finance_line.deadline, fields.Date.context_today(order) + timedelta(days=3))
        # confirmation refused, naming the pending departments
        with self.assertRaisesRegex(UserError, "waiting for.*Quality"):
            order.with_user(self.salesperson).action_confirm()
        # all but the GM approve: the final line opens
        self._approve_all(order, codes=[c for c in self.dep if c != "general_manager"])
        gm_line = lines.filtered(lambda line: line.department_id.code == "general_manager")
        self.assertEqual(gm_line.state, "pending")
        self.assertEqual(gm_line.activity_ids.user_id, self.reviewers["general_manager"])
        self.assertFalse(finance_line.activity_ids)
        self.assertEqual(order.review_state, "in_review")
        with self.assertRaisesRegex(UserError, "waiting for General Manager"):
            order.action_confirm()
        gm_line.with_user(self.reviewers["general_manager"]).action_approve(
            opinion="Fine", conditions="Prepayment of 30%"
        )
        self.assertEqual(gm_line.reviewer_id, self.reviewers["general_manager"])
        self.assertTrue(gm_line.decision_date)
        self.assertEqual(order.review_state, "approved")
        approvals = order.message_ids.filtered(lambda m: "is approved" in (m.body or ""))
        self.assertEqual(len(approvals), 1)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_request_note_rides_on_status_tracking(self):
        order = self._order(products=[self.good])
        # the quotation was saved in an earlier request (Odoo does not track a record created in the same one)
        self._flush_tracking()
        order.with_user(self.salesperson).action_request_review()
        self._flush_tracking()
        notes = order.message_ids.filtered(lambda m: "Review round 1 requested" in (m.body or ""))
        # one chatter entry: the note, its author and the status change it made
        self.assertEqual(len(notes), 1)
        self.assertIn("Departments asked", notes.body)
        self.assertEqual(notes.author_id, self.salesperson.partner_id)
        status = notes.sudo().tracking_value_ids.filtered(lambda t: t.field_id.name == "review_state")
        self.assertEqual((status.old_value_char, status.new_value_char), ("Not Requested", "In Review"))
        # reviewers get an activity on their line, and are not subscribed to it
        line = order.sudo()._crr_round_lines().filtered(lambda line: line.department_id.code == "production")
        self.assertEqual(line.activity_ids.user_id, self.reviewers["production"])
        self.assertNotIn(self.reviewers["production"].partner_id, line.message_partner_ids)

    def test_request_note_logged_without_tracking(self):
        # without status tracking (imports, scripts) the note is logged on its own
        order = self._order(products=[self.good])
        self._flush_tracking()
        order.with_context(tracking_disable=True).action_request_review()
        self._flush_tracking()
        notes = order.message_ids.filtered(lambda m: "Review round 1 requested" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertFalse(notes.sudo().tracking_value_ids)
        # a repeated "no review required" changes no status: the note is logged on its own too
        self.company.crr_review_mode = "special"
        # created and requested in one transaction, then requested again with no status change
        regular = self._order(products=[self.good])
        regular.action_request_review()
        self._flush_tracking()
        regular.action_request_review()
        self._flush_tracking()
        self.assertEqual(regular.review_state, "not_required")
        self.assertEqual(len(regular.message_ids.filtered(lambda m: "No review required" in (m.body or ""))), 2)

    def test_final_line_waits_and_form_request(self):
        order = self._order(products=[self.new_good])
        with Form(order.with_user(self.salesperson)) as form:
            form.order_source = "email"
        order.with_user(self.salesperson).action_request_review()
        gm_line = order._crr_round_lines().filtered("is_final_approval")
        with self.assertRaisesRegex(UserError, "opens only when every other department"):
            gm_line.with_user(self.reviewers["general_manager"]).action_approve()

    def test_rejection_and_new_round_history(self):
        order = self._order(products=[self.good])
        order.action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "production")
        with self.assertRaisesRegex(UserError, "Write an opinion explaining why"):
            line.with_user(self.reviewers["production"]).action_reject()
        line.with_user(self.reviewers["production"]).action_reject(opinion="No capacity in May")
        self.assertEqual(order.review_state, "rejected")
        self.assertTrue(any("No capacity in May" in (m.body or "") for m in order.message_ids))
        with self.assertRaisesRegex(UserError, "was rejected"):
            order.action_confirm()
        order.order_line.product_uom_qty = 1
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.review_round, 2)
        self.assertEqual(len(order._crr_round_lines()), 3)
        self.assertEqual(len(order._crr_round_lines(all_rounds=True)), 6)
        self.assertEqual(line.state, "rejected")
        self.assertFalse(line.is_current_round)
        # as stored: the lists filter on it
        current = self.env["crr.review.line"].search([("order_id", "=", order.id), ("is_current_round", "=", True)])
        self.assertEqual(current, order._crr_round_lines())
        with self.assertRaisesRegex(UserError, "already decided"):
            line.with_user(self.reviewers["production"]).action_approve()

    # -- refusals ----------------------------------------------------------------------------------
    def test_salesperson_and_wrong_department_cannot_decide(self):
        order = self._order(products=[self.good, self.new_good])
        order.with_user(self.salesperson).action_request_review()
        finance_line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "finance")
        with self.assertRaisesRegex(UserError, "Only reviewers of the Finance department"):
            finance_line.with_user(self.reviewers["quality"]).action_approve()
        self.assertFalse(finance_line.with_user(self.reviewers["quality"]).can_decide)
        self.assertTrue(finance_line.with_user(self.reviewers["finance"]).can_decide)
        sales_line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "sales")
        with self.assertRaises(UserError):
            sales_line.with_user(self.salesperson).action_approve()
        # a review manager may decide any line
        finance_line.with_user(self.manager).action_approve()
        self.assertEqual(finance_line.state, "approved")
        with self.assertRaisesRegex(UserError, "read-only"):
            finance_line.with_user(self.manager).write({"opinion": "changed"})

    def test_four_eyes(self):
        # a salesperson who is also a reviewer of the sales department (only reviewers ever decide)
        self.salesperson.group_ids = [Command.link(self.env.ref("customer_requirement_review.group_crr_reviewer").id)]
        self.dep["sales"].user_ids = [Command.link(self.salesperson.id)]
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        line = order._crr_round_lines()
        self.assertFalse(line.with_user(self.salesperson).can_decide)
        with self.assertRaisesRegex(UserError, "Four-eyes review"):
            line.with_user(self.salesperson).action_approve()
        self.company.crr_four_eyes = False
        line.with_user(self.salesperson).action_approve()
        self.assertEqual(order.review_state, "approved")

    def test_approve_with_conditions_needs_opinion(self):
        order = self._order(products=[self.service])
        order.action_request_review()
        line = order._crr_round_lines()
        with self.assertRaisesRegex(UserError, "Write an opinion to approve"):
            line.with_user(self.reviewers["sales"]).action_approve(conditions="Deliver by air")

    def test_requirements_and_deviation_block_approval(self):
        order = self._order(products=[self.service])
        requirement = self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "RoHS compliant", "category": "environmental",
             "department_id": self.dep["sales"].id}
        )
        order.action_request_review()
        line = order._crr_round_lines()
        reviewer = self.reviewers["sales"]
        with self.assertRaisesRegex(UserError, "must answer its requirements before approving: RoHS compliant"):
            line.with_user(reviewer).action_approve()
        requirement.with_user(reviewer).response = "deviation"
        with self.assertRaisesRegex(UserError, "Close the deviations"):
            line.with_user(reviewer).action_approve()
        with self.assertRaisesRegex(UserError, "Write how the deficiency"):
            requirement.with_user(reviewer).action_close_deficiency()
        requirement.with_user(reviewer).resolution = "Customer accepts REACH declaration"
        requirement.with_user(reviewer).action_close_deficiency()
        self.assertFalse(requirement.is_deficiency_open)
        line.with_user(reviewer).action_approve()
        self.assertEqual(order.review_state, "approved")

    def test_oral_order_needs_written_confirmation(self):
        order = self._order(products=[self.service], order_source="phone")
        # the salesperson is told at the request (tests/test_review_salesperson.py), and the approval still
        # checks it (the confirmation unticked during the review)
        order.written_confirmation = True
        order.action_request_review()
        order.written_confirmation = False
        line = order._crr_round_lines()
        with self.assertRaisesRegex(UserError, "oral or phone order"):
            line.with_user(self.reviewers["sales"]).action_approve()
        order.written_confirmation = True
        line.with_user(self.reviewers["sales"]).action_approve()
        self.assertEqual(order.review_state, "approved")

    def test_send_and_portal_blocked(self):
        # the portal is closed to unreviewed quotations where the company reviews online orders first
        self.company.crr_online_policy = "review_first"
        order = self._order(products=[self.service])
        with self.assertRaisesRegex(UserError, "cannot be sent to the customer.*Request Review"):
            order.with_user(self.salesperson).action_quotation_send()
        order.require_signature = True
        self.assertFalse(order._has_to_be_signed())
        order.action_request_review()
        with self.assertRaisesRegex(UserError, "waiting for Sales"):
            order.with_user(self.salesperson).action_quotation_send()
        order._crr_round_lines().with_user(self.reviewers["sales"]).action_approve()
        self.assertTrue(order._has_to_be_signed())
        action = order.with_user(self.salesperson).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.company.crr_block_unreviewed_send = False
        other = self._order(products=[self.service])
        other.with_user(self.salesperson).action_quotation_send()

    def test_reopen_and_contract_type_override(self):
        order = self._order(products=[self.service])
        order.action_request_review()
        line = order._crr_round_lines()
        line.with_user(self.reviewers["sales"]).action_approve()
        self.assertEqual(order.review_state, "approved")
        with self.assertRaisesRegex(UserError, "Only review managers may reopen"):
            line.with_user(self.reviewers["sales"]).action_reopen("typo")
        with self.assertRaisesRegex(UserError, "Give the reason"):
            line.with_user(self.manager).action_reopen("")
        line.with_user(self.manager).action_reopen("Wrong price list checked")
        self.assertEqual(line.state, "pending")
        self.assertEqual(line.reopen_reason, "Wrong price list checked")
        self.assertEqual(order.review_state, "in_review")
        # contract type override
        with self.assertRaisesRegex(UserError, "Only review managers may override"):
            order.with_user(self.salesperson).action_override_contract_type("special", "risk")
        order.with_user(self.manager).action_override_contract_type("special", "Customer payment risk")
        self.assertEqual(order.contract_type, "special")
        self.assertTrue(order.contract_type_overridden)
        line.with_user(self.reviewers["sales"]).action_reject(opinion="Redo as special")
        order.action_request_review()
        self.assertEqual(order.contract_type, "special")
        self.assertIn("general_manager", set(order._crr_round_lines().department_id.mapped("code")))

    def test_override_to_regular_keeps_non_special_rules(self):
        """A special order overridden to regular is reviewed by the departments of the non-special rules."""
        overridden = self._order(products=[self.good, self.new_good])
        untouched = self._order(products=[self.good, self.new_good])
        overridden.with_user(self.manager).action_override_contract_type("regular", "Known part, new code only")
        (overridden | untouched).with_user(self.salesperson).action_request_review()
        self.assertEqual(overridden.contract_type, "regular")
        self.assertEqual(self._codes(overridden), {"sales", "production", "procurement"})
        self.assertEqual(untouched.contract_type, "special")
        self.assertEqual(self._codes(untouched), set(self.dep))

    def test_substitute_decides_on_behalf(self):
        order = self._order(products=[self.good])
        order.action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "production")
        substitute = self.reviewers["quality"]
        with self.assertRaises(UserError):
            line.with_user(substitute).action_approve()
        self.env["crr.review.substitute"].with_user(self.reviewers["production"]).create(
            {
                "user_id": self.reviewers["production"].id,
                "substitute_id": substitute.id,
                "date_to": "2999-12-31",
            }
        )
        # the substitute now sees the line and may decide it
        self.assertIn(line, self.env["crr.review.line"].with_user(substitute).search([]))
        self.assertTrue(line.with_user(substitute).can_decide)
        line.with_user(substitute).action_approve()
        self.assertEqual(line.reviewer_id, substitute)
        self.assertEqual(line.on_behalf_of_id, self.reviewers["production"])

    def test_requirement_templates_prefill(self):
        template = self.env["crr.requirement.template"].create(
            {
                "name": "Customer special requirements",
                "partner_id": self.customer.id,
                "line_ids": [
                    Command.create({"name": "Inspection report with each lot", "category": "quality",
                                    "department_id": self.dep["quality"].id}),
                ],
            }
        )
        order = self._order(products=[self.service])
        order.action_crr_load_requirements()
        self.assertEqual(order.requirement_ids.name, "Inspection report with each lot")
        self.assertEqual(order.requirement_ids.template_id, template)
        order.action_crr_load_requirements()
        self.assertEqual(len(order.requirement_ids), 1)

    def test_overdue_cron_reminds(self):
        order = self._order(products=[self.service])
        order.action_request_review()
        line = order._crr_round_lines()
        with crr_scope():
            line.sudo().write({"deadline": "2000-01-01"})
        self.env["crr.review.line"]._cron_remind_overdue()
        self.assertTrue(any("Reminder" in (m.body or "") for m in line.message_ids))
        self.assertTrue(line.last_reminder_date)
