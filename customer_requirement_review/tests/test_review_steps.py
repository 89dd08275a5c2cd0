"""Steps of the review (the procedures' order of the departments), urgent orders, the large-order rule and the
salesperson's authority limit."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewSteps(CrrReviewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("customer_requirement_review.mail_activity_crr_review")
        cls.dep["sales_manager"] = cls.env.ref("customer_requirement_review.crr_department_sales_manager")
        cls.reviewers["sales_manager"] = new_test_user(
            cls.env, login="crr_t_rev_sales_manager", groups="customer_requirement_review.group_crr_reviewer",
            name="Reviewer sales manager",
        )
        cls.dep["sales_manager"].user_ids = [Command.set(cls.reviewers["sales_manager"].ids)]

    def _line(self, order, code):
        return order._crr_round_lines().filtered(lambda line: line.department_id.code == code)

    def _states(self, order):
        order._crr_round_lines().invalidate_recordset(["state"])
        return {line.department_id.code: line.state for line in order._crr_round_lines()}

    def _approve(self, order, *codes):
        for code in codes:
            self._line(order, code).with_user(self.reviewers[code]).action_approve()

    # -- steps ---------------------------------------------------------------------------------------
    def test_regular_not_in_stock_production_and_procurement_then_sales(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.contract_type, "regular")
        steps = {line.department_id.code: line.step for line in order._crr_round_lines()}
        self.assertEqual(steps, {"production": 1, "procurement": 1, "sales": 2})
        # step 1 in parallel; sales waits, without activity
        self.assertEqual(
            self._states(order), {"production": "pending", "procurement": "pending", "sales": "waiting"}
        )
        sales = self._line(order, "sales")
        self.assertFalse(sales.activity_ids)
        self.assertIn("step 2: Sales", order.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "is in step 2: it opens only when every department"):
            sales.with_user(self.reviewers["sales"]).action_approve()
        self._approve(order, "production")
        self.assertEqual(self._states(order)["sales"], "waiting")
        self._approve(order, "procurement")
        # step 2 opens: sales concludes
        self.assertEqual(self._states(order)["sales"], "pending")
        self.assertEqual(sales.activity_ids.activity_type_id, self.activity_type)
        self.assertEqual(sales.deadline, fields.Date.context_today(order) + timedelta(days=3))
        self.assertEqual(order.review_state, "in_review")
        self._approve(order, "sales")
        self.assertEqual(order.review_state, "approved")

    def test_rejection_in_step_one_closes_the_round_without_opening_step_two(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self._approve(order, "procurement")
        self._line(order, "production").with_user(self.reviewers["production"]).action_reject(
            opinion="No capacity in March"
        )
        self.assertEqual(order.review_state, "rejected")
        sales = self._line(order, "sales")
        self.assertEqual(sales.state, "superseded")
        self.assertFalse(order._crr_round_lines().activity_ids)
        self.assertFalse(sales.reviewer_id)

    def test_reopening_an_earlier_step_puts_the_later_step_back_to_waiting(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self._approve(order, "production", "procurement")
        self.assertEqual(self._states(order)["sales"], "pending")
        self._line(order, "production").with_user(self.manager).action_reopen(reason="Capacity plan changed")
        self.assertEqual(self._states(order)["sales"], "waiting")
        self.assertFalse(self._line(order, "sales").activity_ids)
        self._approve(order, "production")
        self.assertEqual(self._states(order)["sales"], "pending")

    def test_special_every_department_then_the_general_manager_last(self):
        order = self._order(products=[self.new_good])
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.contract_type, "special")
        lines = order._crr_round_lines()
        gm = self._line(order, "general_manager")
        # the special rule's order stands: sales reviews with the others (the regular rule's step 2 does not apply)
        self.assertEqual(set((lines - gm).mapped("step")), {1})
        self.assertEqual(gm.step, 2)
        self.assertEqual(set((lines - gm).mapped("state")), {"pending"})
        self.assertEqual(gm.state, "waiting")
        self._approve_all(order, codes=[code for code in self.dep if code not in ("general_manager", "sales_manager")])
        self.assertEqual(gm.state, "pending")
        self._approve(order, "general_manager")
        self.assertEqual(order.review_state, "approved")

    # -- urgent orders -------------------------------------------------------------------------------
    def test_urgent_order_asks_every_step_at_once_with_the_shorter_deadline(self):
        self.company.crr_urgent_deadline_hours = 4
        order = self._order(products=[self.good], crr_is_urgent=True)
        order.with_user(self.salesperson).action_request_review()
        expected = fields.Date.context_today(order, fields.Datetime.now() + timedelta(hours=4))
        lines = order._crr_round_lines()
        self.assertEqual(set(lines.mapped("is_urgent")), {True})
        self.assertEqual(self._states(order), dict.fromkeys(("production", "procurement", "sales"), "pending"))
        self.assertEqual(set(lines.mapped("deadline")), {expected})
        self.assertEqual(len(lines.activity_ids), 3)
        self.assertIn("Urgent order: every department is asked at once", order.message_ids[0].body)
        # sales may conclude before production and procurement have decided
        self._approve(order, "sales", "production", "procurement")
        self.assertEqual(order.review_state, "approved")

    def test_urgent_special_order_keeps_the_general_manager_last(self):
        self.company.crr_urgent_deadline_hours = 8
        order = self._order(products=[self.new_good], crr_is_urgent=True)
        order.with_user(self.salesperson).action_request_review()
        gm = self._line(order, "general_manager")
        self.assertEqual(gm.state, "waiting")
        self._approve_all(order, codes=[code for code in self.dep if code not in ("general_manager", "sales_manager")])
        self.assertEqual(gm.state, "pending")
        self.assertEqual(gm.deadline, fields.Date.context_today(order, fields.Datetime.now() + timedelta(hours=8)))

    # -- large orders ---------------------------------------------------------------------------------
    def test_large_order_adds_the_general_manager_only_and_keeps_the_contract_type(self):
        self.company.crr_amount_threshold = 150.0
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        self.assertTrue(order.crr_large_order)
        self.assertEqual(order.contract_type, "regular")
        self.assertEqual(self._states(order), {"sales": "pending", "general_manager": "waiting"})
        self._approve(order, "sales")
        self.assertEqual(self._states(order)["general_manager"], "pending")
        self._approve(order, "general_manager")
        self.assertEqual(order.review_state, "approved")

    # -- the salesperson's authority limit ---------------------------------------------------------
    def test_order_beyond_the_authority_limit_adds_the_sales_manager_step(self):
        self.salesperson.with_company(self.company).crr_authority_limit = 150.0
        within = self._order(products=[self.good], qty=1)
        beyond = self._order(products=[self.good], qty=2)
        (within | beyond).with_user(self.salesperson).action_request_review()
        self.assertFalse(within.crr_over_authority)
        self.assertNotIn("sales_manager", self._states(within))
        self.assertTrue(beyond.crr_over_authority)
        steps = {line.department_id.code: line.step for line in beyond._crr_round_lines()}
        self.assertEqual(steps, {"production": 1, "procurement": 1, "sales": 2, "sales_manager": 3})
        self._approve(beyond, "production", "procurement", "sales")
        self.assertEqual(self._states(beyond)["sales_manager"], "pending")
        self.assertEqual(beyond.review_state, "in_review")
        self._approve(beyond, "sales_manager")
        self.assertEqual(beyond.review_state, "approved")

    def test_authority_limit_is_per_company(self):
        other = self.env["res.company"].create({"name": "Steps Other Co"})
        self.salesperson.with_company(other).crr_authority_limit = 50.0
        order = self._order(products=[self.service], qty=2)
        order.with_user(self.salesperson).action_request_review()
        self.assertFalse(order.crr_over_authority)
        self.assertEqual(self.salesperson.with_company(self.company).crr_authority_limit, 0.0)

    # -- configuration -------------------------------------------------------------------------------
    def test_rule_steps_and_departments_stay_together_and_new_companies_get_the_steps(self):
        Rule = self.env["crr.review.rule"]
        rule = Rule.create(
            {
                "name": "Export: logistics after quality",
                "domain": "[]",
                "step_ids": [
                    Command.create({"department_id": self.dep["quality"].id, "step": 1}),
                    Command.create({"department_id": self.dep["logistics"].id, "step": 2}),
                ],
            }
        )
        self.assertEqual(rule.department_ids, self.dep["quality"] | self.dep["logistics"])
        rule.department_ids = [Command.unlink(self.dep["logistics"].id), Command.link(self.dep["finance"].id)]
        self.assertEqual(rule.step_ids.department_id, self.dep["quality"])
        self.assertEqual(rule._crr_steps(), {self.dep["quality"].id: 1, self.dep["finance"].id: 1})
        # a duplicated rule keeps its steps
        shipped = self.env.ref("customer_requirement_review.crr_review_rule_regular_not_in_stock")
        self.assertEqual(shipped.copy()._crr_steps(), shipped._crr_steps())
        company = self.env["res.company"].create({"name": "Steps New Co"})
        copy = Rule.search(
            [("company_id", "=", company.id), ("domain", "=", "[('crr_all_in_stock', '=', False)]")]
        )
        self.assertEqual(
            {line.department_id.code: line.step for line in copy.step_ids},
            {"production": 1, "procurement": 1, "sales": 2},
        )
        self.assertEqual(copy.step_ids.department_id.company_id, company)
        manager_rule = Rule.search([("company_id", "=", company.id), ("domain", "=", "[('crr_over_authority', '=', True)]")])
        self.assertEqual(manager_rule.step_ids.department_id.code, "sales_manager")

    def test_step_and_urgency_of_a_line_are_set_by_the_request_only(self):
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        line = self._line(order, "sales")
        for vals in ({"step": 1}, {"is_urgent": True}):
            with self.assertRaisesRegex(UserError, "action_request_review"):
                line.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(Exception, "step"):
            with self.env.cr.savepoint():
                rule = self.env.ref("customer_requirement_review.crr_review_rule_regular_not_in_stock")
                rule.step_ids[:1].step = 0
