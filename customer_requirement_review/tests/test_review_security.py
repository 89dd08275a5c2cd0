from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewSecurity(CrrReviewCommon):

    def test_bad_rule_domain_refused(self):
        Rule = self.env["crr.review.rule"]
        with self.assertRaisesRegex(ValidationError, "not a valid domain"):
            Rule.create({"name": "Broken", "domain": "[('amount_untaxed', '>'"})
        with self.assertRaisesRegex(ValidationError, "cannot be used on quotations"):
            Rule.create({"name": "Unknown field", "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, "must be a list"):
            Rule.create({"name": "Not a list", "domain": "42"})
        rule = Rule.create({"name": "Big", "domain": "[('amount_untaxed', '>=', 1000)]"})
        with self.assertRaises(ValidationError):
            rule.domain = "[('amount_untaxed', 'bogus', 1)]"

    def test_reviewer_reads_order_of_department_only(self):
        order = self._order(products=[self.good])
        order.action_request_review()
        production = self.reviewers["production"]
        finance = self.reviewers["finance"]
        self.assertEqual(self.env["sale.order"].with_user(production).search([("id", "=", order.id)]), order)
        order.with_user(production).read(["name", "review_state"])
        with self.assertRaises(AccessError):
            order.with_user(finance).read(["name"])
        # every line of the order he reviews is readable (the other departments' decisions, issue 18)...
        lines = self.env["crr.review.line"].with_user(production).search([("order_id", "=", order.id)])
        self.assertEqual(lines.department_id, self.dep["production"] | self.dep["procurement"] | self.dep["sales"])
        # ... but none of another order
        other = self._order(products=[self.service])
        other.action_request_review()
        self.assertFalse(self.env["crr.review.line"].with_user(production).search([("order_id", "=", other.id)]))
        with self.assertRaises(AccessError):
            order.with_user(production).write({"note": "hello"})
        # the salesperson sees all the lines of the order but cannot write them
        lines = self.env["crr.review.line"].with_user(self.salesperson).search([("order_id", "=", order.id)])
        self.assertEqual(len(lines), 3)
        with self.assertRaises(AccessError):
            lines.with_user(self.salesperson).write({"opinion": "ok"})

    def test_salesperson_cannot_see_other_salespersons_lines(self):
        other = new_test_user(self.env, login="crr_t_sales2", groups="sales_team.group_sale_salesman")
        order = self._order(products=[self.service])
        order.action_request_review()
        self.assertFalse(self.env["crr.review.line"].with_user(other).search([("order_id", "=", order.id)]))

    def test_company_isolation_and_new_company_setup(self):
        company_b = self.env["res.company"].create({"name": "Company B", "crr_review_mode": "all"})
        departments_b = self.env["crr.department"].search([("company_id", "=", company_b.id)])
        self.assertEqual(len(departments_b), 9)
        self.assertTrue(departments_b.filtered(lambda d: d.code == "general_manager").is_final_approval)
        rules_b = self.env["crr.review.rule"].search([("company_id", "=", company_b.id)])
        self.assertEqual(len(rules_b), 6)
        self.assertEqual(rules_b.department_ids.company_id, company_b)
        # a user of company B cannot read company A's review lines
        order = self._order(products=[self.good])
        order.action_request_review()
        user_b = new_test_user(
            self.env, login="crr_t_b", groups="customer_requirement_review.group_crr_manager",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.env["crr.review.line"].with_user(user_b).search([("order_id", "=", order.id)]))
        with self.assertRaises(AccessError):
            order.review_line_ids.with_user(user_b).read(["state"])
        # company B's orders use company B's departments and rules
        partner_b = self.env["res.partner"].create({"name": "B customer", "company_id": company_b.id})
        order_b = self.env["sale.order"].with_user(user_b).with_company(company_b).create(
            {"partner_id": partner_b.id, "order_line": [Command.create({"product_id": self.good.id})]}
        )
        order_b.action_request_review()
        self.assertEqual(order_b.review_line_ids.department_id.company_id, company_b)

    def test_decided_line_not_deleted(self):
        order = self._order(products=[self.service])
        order.action_request_review()
        line = order._crr_round_lines()
        line.with_user(self.reviewers["sales"]).action_approve()
        # no group may delete review lines, and the record guard refuses the superuser too
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            line.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.sudo().unlink()
