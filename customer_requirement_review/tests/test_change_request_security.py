from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_change_request import CrrChangeRequestCommon


@tagged("post_install", "-at_install")
class TestChangeRequestSecurity(CrrChangeRequestCommon):

    def _submitted(self, **vals):
        order = self._confirmed_order()
        request = self._change(
            order,
            line_ids=[Command.create({"order_line_id": self._line(order, self.good).id, "new_price_unit": 150})],
            **vals,
        )
        request.with_user(self.salesperson).action_submit()
        return request

    def test_salesperson_cannot_decide(self):
        request = self._submitted()
        finance_line = request.review_line_ids.filtered(lambda line: line.department_id.code == "finance")
        self.assertFalse(finance_line.with_user(self.salesperson).can_decide)
        with self.assertRaisesRegex(UserError, "Only reviewers and review managers may decide"):
            finance_line.with_user(self.salesperson).action_approve()
        self.assertEqual(finance_line.state, "pending")

    def test_reviewer_decides_only_its_department(self):
        request = self._submitted()
        finance_line = request.review_line_ids.filtered(lambda line: line.department_id.code == "finance")
        quality = self.reviewers["quality"]
        self.assertFalse(finance_line.with_user(quality).can_decide)
        with self.assertRaisesRegex(UserError, "Only reviewers of the .* department"):
            finance_line.with_user(quality).action_approve()
        # the finance reviewer reads the request and its order, and decides
        finance = self.reviewers["finance"]
        self.assertEqual(request.with_user(finance).read(["name"])[0]["name"], request.name)
        request.order_id.with_user(finance).check_access("read")
        self.assertTrue(finance_line.with_user(finance).can_decide)
        finance_line.with_user(finance).action_approve()
        self.assertEqual(finance_line.state, "approved")
        # a reviewer of a department that is not concerned does not see the request
        self.assertFalse(self.env["crr.change.request"].with_user(quality).search([("id", "=", request.id)]))
        # nor may a reviewer apply or edit it
        with self.assertRaises(AccessError):
            request.with_user(finance).write({"reason": "mine"})

    def test_four_eyes_requester_cannot_decide(self):
        finance = self.reviewers["finance"]
        finance.group_ids = [Command.link(self.env.ref("sales_team.group_sale_salesman_all_leads").id)]
        order = self._confirmed_order()
        request = self._change(
            order, user=finance,
            line_ids=[Command.create({"order_line_id": self._line(order, self.good).id, "new_price_unit": 150})],
        )
        request.with_user(finance).action_submit()
        finance_line = request.review_line_ids.filtered(lambda line: line.department_id.code == "finance")
        self.assertFalse(finance_line.with_user(finance).can_decide)
        with self.assertRaisesRegex(UserError, "Four-eyes review"):
            finance_line.with_user(finance).action_approve()

    def test_other_salesperson_and_company(self):
        request = self._submitted()
        other = new_test_user(self.env, login="crr_t_sales_other", groups="sales_team.group_sale_salesman")
        self.assertFalse(self.env["crr.change.request"].with_user(other).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(other).read(["name"])
        manager_view = self.env["crr.change.request"].with_user(self.manager).search([("id", "=", request.id)])
        self.assertEqual(manager_view, request)
        # another company's user does not see it
        company_b = self.env["res.company"].create({"name": "Other Company CR"})
        user_b = new_test_user(
            self.env, login="crr_t_cr_b", groups="customer_requirement_review.group_crr_manager",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.env["crr.change.request"].with_user(user_b).search([("id", "=", request.id)]))

    def test_reviewer_cannot_apply(self):
        request = self._submitted()
        self._approve_request(request)
        with self.assertRaises(AccessError):
            request.with_user(self.reviewers["finance"]).action_apply()
        self.assertEqual(request.state, "approved")
        request.with_user(self.manager).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertEqual(request.applied_by_id, self.manager)

    def test_reviewer_cannot_create_on_unseen_order(self):
        order = self._confirmed_order()
        with self.assertRaises(AccessError):
            self.env["crr.change.request"].with_user(self.reviewers["quality"]).create(
                {"order_id": order.id, "reason": "x", "new_commitment_date": datetime(2030, 1, 1)}
            )
