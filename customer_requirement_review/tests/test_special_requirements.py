"""The customer's special requirements list (顾客特殊要求一览表): approved by the management representative,
fulfilment verified by quality with evidence; the company setting refusing confirmation while one is
unverified; printed. Over the ORM and XML-RPC."""

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_review import CrrReviewCommon, CrrRpcMixin


@tagged("post_install", "-at_install")
class TestSpecialRequirements(CrrReviewCommon, CrrRpcMixin, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="crr_t_mgmt_rep", groups="customer_requirement_review.group_crr_management_rep",
            name="Management Representative",
        )
        cls.env["crr.requirement.template"].create(
            {
                "name": "Review Customer special requirements",
                "partner_id": cls.customer.id,
                "line_ids": [
                    Command.create({"category": "quality", "name": "PPAP level 3 with each new part",
                                    "department_id": cls.dep["quality"].id}),
                ],
            }
        )

    def _order_with_special(self):
        order = self._order()
        order.action_crr_load_requirements()
        special = order.requirement_ids.filtered("crr_special")
        self.assertEqual(special.mapped("name"), ["PPAP level 3 with each new part"])
        self.assertEqual(special.crr_special_state, "to_approve")
        return order, special

    def test_approve_verify_and_confirmation_setting(self):
        order, special = self._order_with_special()
        plain = self.env["crr.requirement"].create({"order_id": order.id, "name": "Blue paint"})
        self.assertFalse(plain.crr_special)
        # approval: the management representative only, action-only
        with self.assertRaises(AccessError):
            special.with_user(self.manager).action_crr_special_approve()
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            special.with_user(self.salesperson).write({"crr_special_state": "verified"})
        with self.assertRaisesRegex(UserError, "must be approved"):
            special.with_user(self.reviewers["quality"]).action_crr_special_verify("Checked")
        special.with_user(self.rep).action_crr_special_approve()
        self.assertEqual((special.crr_special_state, special.crr_special_approved_by_id), ("approved", self.rep))
        # approved: kept on the list
        with self.assertRaisesRegex(UserError, "kept"):
            special.with_user(self.salesperson).unlink()
        with self.assertRaisesRegex(UserError, "stays on the list"):
            special.with_user(self.salesperson).write({"crr_special": False})
        # verification: quality, with evidence
        with self.assertRaises(AccessError):
            special.with_user(self.reviewers["production"]).action_crr_special_verify("Looks fine")
        with self.assertRaisesRegex(UserError, "evidence"):
            special.with_user(self.reviewers["quality"]).action_crr_special_verify()
        # the setting: no confirmation while a special requirement of the customer is unverified
        self.company.crr_block_unverified_special = True
        order.requirement_ids.write({"response": "comply"})
        order.action_request_review()
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")
        with self.assertRaisesRegex(UserError, "PPAP level 3"):
            order.with_user(self.salesperson).action_confirm()
        special.with_user(self.reviewers["quality"]).action_crr_special_verify("PPAP file 2026-07 checked.")
        self.assertEqual(special.crr_special_state, "verified")
        self.assertEqual(special.crr_special_verified_by_id, self.reviewers["quality"])
        with self.assertRaisesRegex(UserError, "verified and kept"):
            special.with_user(self.salesperson).write({"crr_special_evidence": "other"})
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        # the list prints
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_special_requirements", res_ids=special.ids
        )
        text = html.decode()
        for needle in ("Customer Special Requirements List", "PPAP level 3", "PPAP file 2026-07 checked.",
                       "Fulfilment Verified"):
            self.assertIn(needle, text)

    def test_changed_terms_need_a_new_approval_and_setting_off(self):
        order, special = self._order_with_special()
        special.with_user(self.rep).action_crr_special_approve()
        special.with_user(self.salesperson).write({"name": "PPAP level 2 with each new part"})
        self.assertEqual(special.crr_special_state, "to_approve")
        self.assertFalse(special.crr_special_approved_by_id)
        # the setting off (default): confirmation does not wait for the verification
        self.assertFalse(self.company.crr_block_unverified_special)
        order.requirement_ids.write({"response": "comply"})
        order.action_request_review()
        self._approve_all(order)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_xmlrpc(self):
        _order, special = self._order_with_special()

        def rpc(user, method, *args):
            return self._rpc(user, "crr.requirement", method, special.ids, *args)

        def refused(message, user, method, *args):
            self._rpc_refused(message, user, "crr.requirement", method, special.ids, *args)

        refused("Only the management representative", self.salesperson, "action_crr_special_approve")
        refused("changes only through its action", self.salesperson, "write", {"crr_special_state": "approved"})
        rpc(self.rep, "action_crr_special_approve")
        refused("must be a text", self.reviewers["quality"], "action_crr_special_verify", ["x"])
        refused("Only the quality department", self.reviewers["sales"], "action_crr_special_verify", "ok")
        rpc(self.reviewers["quality"], "action_crr_special_verify", "Audit report 17 attached to the order.")
        self.env.invalidate_all()
        self.assertEqual(special.crr_special_state, "verified")

    def test_other_company_and_portal_refused_over_xmlrpc(self):
        """Another company's management representative, quality reviewer (of its quality department) and
        salesperson, and the customer's portal user: none of the first company's special requirements is found,
        read, changed, created, deleted, approved or verified; wrong ids answer a clear error; nothing
        written."""
        outsiders = self._crr_outsiders("crr_t_special", self.customer, {
            "rep": "customer_requirement_review.group_crr_management_rep",
            "quality": "customer_requirement_review.group_crr_reviewer",
            "salesperson": "sales_team.group_sale_salesman",
        })
        quality_b = outsiders["other company quality"]
        self.env["crr.department"].search(
            [("company_id", "=", quality_b.company_id.id), ("code", "=", "quality")]
        ).user_ids = [Command.link(quality_b.id)]
        order, to_approve = self._order_with_special()
        approved = self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Salt spray 480 h", "crr_special": True}
        )
        approved.with_user(self.rep).action_crr_special_approve()
        actions = [("action_crr_special_approve", (), {}), ("action_crr_special_verify", ("Checked",), {})]
        watched = ["name", "crr_special", "crr_special_state", "crr_special_approved_by_id",
                   "crr_special_verified_by_id", "crr_special_evidence"]
        for records in (to_approve, approved):
            self._crr_assert_outsiders_refused(
                outsiders, records, watched, {"name": "Forged"},
                {"order_id": order.id, "name": "Forged", "crr_special": True}, actions,
            )
        self.assertEqual((to_approve.crr_special_state, approved.crr_special_state), ("to_approve", "approved"))
        self._crr_assert_report_refused(
            outsiders, "customer_requirement_review.report_crr_special_requirements", to_approve | approved,
            "Salt spray 480 h",
        )
        self._crr_assert_bad_ids_refused(self.rep, "crr.requirement", actions, to_approve | approved, watched)
