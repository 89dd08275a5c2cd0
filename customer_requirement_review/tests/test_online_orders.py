from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common_review import CrrReviewCommon

DEPARTMENT_CODES = {
    "sales", "technical", "quality", "production", "procurement", "logistics", "finance", "general_manager",
}


@tagged("post_install", "-at_install")
class TestCompanyCreation(TransactionCase):
    """A user allowed to create companies (not a review manager) creates one: it gets the review set-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings_admin = new_test_user(
            cls.env, login="crr_company_admin", groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
            name="Access Rights Admin",
        )

    def test_company_created_without_review_rights(self):
        self.assertFalse(self.settings_admin.has_group("customer_requirement_review.group_crr_manager"))
        company = self.env["res.company"].with_user(self.settings_admin).create({"name": "Branch Factory"})
        departments = self.env["crr.department"].search([("company_id", "=", company.id)])
        # the eight departments of the procedures and the sales manager (beyond a salesperson's authority)
        self.assertEqual(set(departments.mapped("code")), DEPARTMENT_CODES | {"sales_manager"})
        rules = self.env["crr.review.rule"].search([("company_id", "=", company.id)])
        self.assertEqual(len(rules), 6)
        self.assertEqual(rules.department_ids.company_id, company)
        self.assertTrue(company.crr_complaint_alias_id)
        # install defaults: review off until the company has set it up, online orders reviewed after confirmation
        self.assertEqual(company.crr_review_mode, "off")
        self.assertEqual(company.crr_online_policy, "review_after")
        # the set-up runs again for existing companies (post-install) without duplicating anything
        self.env["crr.review.rule"]._crr_setup_companies(company)
        self.assertEqual(self.env["crr.department"].search_count([("company_id", "=", company.id)]), 9)
        self.assertEqual(self.env["crr.review.rule"].search_count([("company_id", "=", company.id)]), 6)

    def test_company_creation_still_needs_the_right(self):
        salesperson = new_test_user(self.env, login="crr_company_sales", groups="sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.env["res.company"].with_user(salesperson).create({"name": "Not Allowed"})


@tagged("post_install", "-at_install")
class TestOrdersConfirmedWithoutSalesperson(CrrReviewCommon):
    """The company's policy for orders Odoo confirms itself (sudo flows, portal signature), without website."""

    def _special_quotation(self, **vals):
        # a first order of a new customer: special contract, every department reviews
        return self._order(partner=self.new_customer, **vals)

    def _activities(self, order):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("user_id", "=", self.salesperson.id)]
        )

    def test_salesperson_still_refused(self):
        self.company.crr_online_policy = "review_after"
        order = self._special_quotation()
        with self.assertRaisesRegex(UserError, "cannot be confirmed before its requirement review"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.crr_online_state)

    def test_review_after_confirms_and_holds_until_approved(self):
        self.company.crr_online_policy = "review_after"
        order = self._special_quotation()
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crr_online_state, "pending")
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(set(order._crr_round_lines().department_id.mapped("code")), DEPARTMENT_CODES)
        self.assertTrue(order._crr_delivery_held())
        activity = self._activities(order)
        self.assertEqual(activity.summary, "Confirmed online before its review")
        self.assertIn("deliveries are held", str(activity.note))
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.crr_online_state, "reviewed")
        self.assertFalse(order._crr_delivery_held())
        self.assertTrue(any("deliveries are released" in (m.body or "") for m in order.message_ids))

    def test_review_first_keeps_the_quotation(self):
        self.company.crr_online_policy = "review_first"
        order = self._special_quotation()
        order.sudo().action_confirm()
        # a quotation waiting for its salesperson (as Odoo marks a quotation whose payment is pending)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.crr_online_state, "held")
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(len(self._activities(order)), 1)
        # a second confirmation attempt (payment notified twice) neither confirms nor adds an activity
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sent")
        self.assertEqual(len(self._activities(order)), 1)
        # the salesperson cannot confirm before the review either
        with self.assertRaises(UserError):
            order.action_confirm()
        self._approve_all(order)
        self.assertIn("Review approved: confirm the paid order", self._activities(order).mapped("summary"))
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crr_online_state, "reviewed")

    def test_review_rejected_tells_the_salesperson(self):
        self.company.crr_online_policy = "review_after"
        order = self._special_quotation()
        order.sudo().action_confirm()
        line = order._crr_round_lines().filtered(lambda line: line.department_id.code == "finance")
        line.with_user(self.reviewers["finance"]).action_reject(opinion="Payment terms not acceptable")
        self.assertEqual(order.review_state, "rejected")
        self.assertTrue(order._crr_delivery_held())
        self.assertIn("Review rejected: agree with the customer", self._activities(order).mapped("summary"))

    def test_exempt_by_condition(self):
        self.company.write({"crr_online_policy": "exempt", "crr_online_exempt_domain": "[('amount_total', '<=', 1000)]"})
        small = self._special_quotation(qty=1)
        large = self._special_quotation(qty=50)
        (small | large).sudo().action_confirm()
        self.assertEqual(small.state, "sale")
        self.assertEqual(small.crr_online_state, "exempt")
        self.assertEqual(small.review_state, "not_required")
        self.assertFalse(small._crr_round_lines())
        # not matching the condition: reviewed first
        self.assertEqual(large.state, "sent")
        self.assertEqual(large.crr_online_state, "held")

    def test_exempt_condition_validated(self):
        with self.assertRaisesRegex(Exception, "cannot be used on orders"):
            self.company.crr_online_exempt_domain = "[('no_such_field', '=', 1)]"

    def test_portal_signature_follows_the_policy(self):
        """``_validate_order`` is how the portal signature and the free e-commerce checkout confirm."""
        self.company.crr_online_policy = "review_first"
        order = self._special_quotation(require_signature=True, require_payment=False)
        self.assertFalse(order._has_to_be_signed(), "review first: the customer cannot sign before the review")
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.crr_online_state, "held")

        self.company.crr_online_policy = "review_after"
        other = self._special_quotation(require_signature=True, require_payment=False)
        self.assertTrue(other._has_to_be_signed(), "confirm then review: the customer may sign")
        other.sudo()._validate_order()
        self.assertEqual(other.state, "sale")
        self.assertEqual(other.crr_online_state, "pending")

    def test_online_state_not_writable_by_users(self):
        order = self._special_quotation()
        with self.assertRaisesRegex(UserError, "changes only through its action: use the online confirmation"):
            order.write({"crr_online_state": "exempt"})
        self.assertFalse(order.crr_online_state)

    def test_activity_in_the_salespersons_language(self):
        # the payment runs in the customer's language; the salesperson reads theirs
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        self.salesperson.lang = "zh_CN"
        self.company.crr_online_policy = "review_after"
        order = self._special_quotation()
        order.sudo().with_context(lang="en_US").action_confirm()
        self.assertEqual(self._activities(order).summary, "评审前已在线确认")
