import base64
import io

from PIL import Image

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_review import CrrReviewCommon


def signature_png():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


class SampleMixin:
    @classmethod
    def _sample_users(cls):
        """The department manager reviews for the Sales department, the GM for the final approval one."""
        ref = cls.env.ref
        cls.sales_admin = new_test_user(
            cls.env, login="crr_smp_dept_manager", groups="customer_requirement_review.group_crr_reviewer",
            name="Dept Manager",
        )
        cls.gm = new_test_user(
            cls.env, login="crr_smp_gm", groups="customer_requirement_review.group_crr_reviewer", name="General Manager"
        )
        ref("customer_requirement_review.crr_department_sales").user_ids = [Command.link(cls.sales_admin.id)]
        ref("customer_requirement_review.crr_department_general_manager").user_ids = [Command.link(cls.gm.id)]

    @classmethod
    def _approved_sample(cls, partner, product, salesperson, **vals):
        sample = cls.env["crr.sample.request"].with_user(salesperson).create(
            {"partner_id": partner.id, "product_id": product.id, "quantity": 2, "cost": 150.0, **vals}
        )
        sample.action_submit()
        sample.with_user(cls.sales_admin).action_approve_manager()
        sample.with_user(cls.gm).action_approve_gm()
        return sample


@tagged("post_install", "-at_install")
class TestSampleRequest(SampleMixin, CrrReviewCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sample_users()
        cls.customer.is_company = True
        cls.company.crr_first_batch_review = True  # off at install
        cls.sales_admin_department = cls.dep["sales"]
        cls.gm_department = cls.dep["general_manager"]

    def test_approval_steps_and_guards(self):
        sample = self.env["crr.sample.request"].with_user(self.salesperson).create(
            {"partner_id": self.customer.id, "product_id": self.new_good.id, "quantity": 3}
        )
        self.assertEqual(sample.state, "draft")
        self.assertTrue(sample.name.startswith("SMP/"))
        # the status changes only through the actions, even for an administrator
        with self.assertRaisesRegex(UserError, "action_submit"):
            sample.with_user(self.manager).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "action_submit"):
            sample.with_user(self.manager).write({"submitted_by_id": self.manager.id})
        with self.assertRaises(UserError):
            self.env["crr.sample.request"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "product_id": self.good.id, "state": "accepted"}
            )
        # no sample is sent before both approvals
        with self.assertRaisesRegex(UserError, "not approved"):
            self.env["crr.sample.round"].with_user(self.salesperson).create({"request_id": sample.id})
        sample.with_user(self.salesperson).action_submit()
        self.assertEqual(sample.state, "to_approve")
        # one round of the review engine: the department manager pending, the general manager waiting
        lines = sample.review_line_ids
        self.assertEqual(lines.department_id, self.sales_admin_department | self.gm_department)
        self.assertEqual(
            {line.department_id: line.state for line in lines},
            {self.sales_admin_department: "pending", self.gm_department: "waiting"},
        )
        self.assertEqual(sample.approval_step, self.sales_admin_department.name)
        # the approved content is locked
        with self.assertRaisesRegex(UserError, "submitted"):
            sample.with_user(self.salesperson).quantity = 30
        # the salesperson is not the department manager, the general manager waits for the manager
        with self.assertRaises(UserError):
            sample.with_user(self.salesperson).action_approve_manager()
        with self.assertRaises(UserError):
            sample.with_user(self.gm).action_approve_gm()
        sample.with_user(self.sales_admin).action_approve()
        self.assertEqual((sample.state, sample.manager_id), ("to_approve", self.sales_admin))
        # the general manager's step has opened: one activity for the department (its first reviewer, issue 18)
        gm_activity = self._todos(lines.filtered(lambda line: line.department_id == self.gm_department))
        self.assertEqual(len(gm_activity), 1)
        self.assertIn(gm_activity.user_id, self.gm_department.user_ids)
        with self.assertRaises(UserError):
            sample.with_user(self.sales_admin).action_approve_gm()
        sample.with_user(self.gm).action_approve()
        self.assertEqual((sample.state, sample.gm_id), ("approved", self.gm))
        self.assertFalse(self._todos(lines))
        # rounds: rework, then approved by the customer (recorded by the salesperson)
        first = self.env["crr.sample.round"].with_user(self.salesperson).create(
            {"request_id": sample.id, "sent_date": fields.Date.today(), "carrier": "SF Express",
             "comments": "Holes off by 2 mm"}
        )
        with self.assertRaisesRegex(UserError, "still waits"):
            self.env["crr.sample.round"].with_user(self.salesperson).create({"request_id": sample.id})
        with self.assertRaisesRegex(UserError, "Customer Approved"):
            first.with_user(self.salesperson).write({"verdict": "approved"})
        first.with_user(self.salesperson).action_customer_rework()
        self.assertEqual((first.verdict, sample.state), ("rework", "approved"))
        with self.assertRaisesRegex(UserError, "kept"):
            first.with_user(self.salesperson).carrier = "DHL"
        with self.assertRaisesRegex(UserError, "kept"):
            first.with_user(self.manager).unlink()
        second = self.env["crr.sample.round"].with_user(self.salesperson).create(
            {"request_id": sample.id, "sent_date": fields.Date.today(), "carrier": "DHL"}
        )
        self.assertEqual(second.sequence, 2)
        second.with_user(self.salesperson).action_customer_approve()
        self.assertEqual(sample.state, "accepted")
        self.assertTrue(sample.accepted_date)
        # nothing decided is deleted
        with self.assertRaisesRegex(UserError, "cancel them"):
            sample.with_user(self.manager).unlink()

    def test_refusal_needs_a_reason(self):
        sample = self.env["crr.sample.request"].with_user(self.salesperson).create(
            {"partner_id": self.customer.id, "specification": "Housing per drawing 77", "quantity": 1}
        )
        sample.action_submit()
        with self.assertRaisesRegex(UserError, "reason"):
            sample.with_user(self.sales_admin).action_refuse("  ")
        wizard = self.env["crr.sample.refuse.wizard"].with_user(self.sales_admin).create(
            {"request_id": sample.id, "reason": "No capacity this quarter"}
        )
        wizard.action_confirm()
        self.assertEqual((sample.state, sample.refused_by_id), ("refused", self.sales_admin))
        self.assertEqual(sample.refusal_reason, "No capacity this quarter")
        # the round is closed: the general manager's line is superseded
        self.assertEqual(set(sample.review_line_ids.mapped("state")), {"rejected", "superseded"})
        with self.assertRaises(UserError):
            sample.with_user(self.salesperson).action_submit()

    def test_sample_fact_in_review_rule_and_confirmation(self):
        """The rule fact "samples approved" in a review rule, and the setting that holds confirmation."""
        rule = self.env["crr.review.rule"].create({
            "name": "New product without approved sample: technical review",
            "domain": "[('crr_has_new_product', '=', True), ('crr_sample_approved', '=', False)]",
            "department_ids": [Command.set(self.dep["technical"].ids)],
            "contract_type": "special",
        })
        self.assertTrue(rule)
        order = self._order(products=[self.good, self.new_good])
        order.action_request_review()
        self.assertFalse(order.crr_sample_approved)
        self.assertIn(self.dep["technical"], order.review_line_ids.department_id)
        self.assertEqual(order.contract_type, "special")
        # an approved sample of the new product for this customer: the fact holds, the rule no longer matches
        sample = self._approved_sample(self.customer, self.new_good, self.salesperson)
        first = self.env["crr.sample.round"].with_user(self.salesperson).create(
            {"request_id": sample.id, "sent_date": fields.Date.today()}
        )
        first.action_customer_approve()
        other = self._order(products=[self.good, self.new_good])
        other.action_request_review()
        self.assertTrue(other.crr_sample_approved)
        condition = rule._crr_parse_domain()
        self.assertEqual(order.filtered_domain(condition), order)
        self.assertFalse(other.filtered_domain(condition))
        # a fact cannot be forged: refused, and computed again when the review is requested
        forged = self._order(products=[self.new_good], partner=self.new_customer)
        with self.assertRaisesRegex(UserError, "changes only through its action: use action_request_review"):
            forged.with_user(self.salesperson).write({"crr_sample_approved": True})
        forged.action_request_review()
        self.assertFalse(forged.crr_sample_approved)
        self.assertIn(self.dep["technical"], forged.review_line_ids.department_id)

    def test_confirmation_waits_for_the_sample(self):
        self.company.write({"crr_sample_required": True, "crr_review_mode": "off"})
        order = self._order(products=[self.new_good])
        with self.assertRaisesRegex(UserError, "approved a sample"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        sample = self._approved_sample(self.customer, self.new_good, self.salesperson, order_id=order.id)
        self.env["crr.sample.round"].create(
            {"request_id": sample.id, "sent_date": fields.Date.today()}
        ).action_customer_approve()
        self.assertTrue(order.crr_sample_approved)
        self.assertEqual(order.crr_sample_request_count, 1)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # the first supply of a new product to this customer is reviewed
        review = order.crr_first_batch_review_ids
        self.assertEqual(len(review), 1)
        self.assertEqual((review.reason, review.product_ids), ("new_product", self.new_good))
        self.assertEqual(review.department_id, self.dep["quality"])
        self.assertIn(self.reviewers["quality"], self._todos(review.review_line_ids).user_id)
        self.assertEqual(review.review_line_ids.department_id, self.dep["quality"])
        with self.assertRaisesRegex(UserError, "action_pass"):
            review.with_user(self.reviewers["quality"]).write({"state": "passed"})
        with self.assertRaisesRegex(UserError, "conclusion"):
            review.with_user(self.reviewers["quality"]).action_pass()
        review.with_user(self.reviewers["quality"]).conclusion = "First lot inspected, customer satisfied."
        with self.assertRaises(UserError):
            review.with_user(self.reviewers["sales"]).action_pass()
        review.with_user(self.reviewers["quality"]).action_pass()
        self.assertEqual((review.state, review.reviewer_id), ("passed", self.reviewers["quality"]))
        # a regular product for a known customer opens none; a new customer does
        self.company.crr_sample_required = False
        self.assertFalse(self._confirmed(self._order(products=[self.good])).crr_first_batch_review_ids)
        first_order = self._confirmed(self._order(partner=self.new_customer, products=[self.good]))
        self.assertEqual(first_order.crr_first_batch_review_ids.reason, "new_customer")

    def _confirmed(self, order):
        order.action_confirm()
        return order

    def test_trial_use_refused_without_gm(self):
        trial = self.env["crr.trial.request"].with_user(self.salesperson).create(
            {"partner_id": self.customer.id, "product_id": self.new_good.id, "quantity": 2,
             "purpose": "One month on the test bench"}
        )
        # the product does not leave without the general manager's approval
        with self.assertRaisesRegex(UserError, "general manager's approval"):
            trial.with_user(self.salesperson).action_deliver()
        with self.assertRaisesRegex(UserError, "action_deliver"):
            trial.with_user(self.manager).write({"state": "in_trial"})
        trial.with_user(self.salesperson).action_submit()
        with self.assertRaisesRegex(UserError, "general manager's approval"):
            trial.with_user(self.salesperson).action_deliver()
        self.assertEqual(trial.review_line_ids.department_id, self.gm_department)
        with self.assertRaises(UserError):
            trial.with_user(self.sales_admin).action_approve_gm()
        with self.assertRaises(UserError):
            trial.with_user(self.salesperson).action_refuse("no")
        trial.with_user(self.gm).action_refuse("Stock reserved for orders")
        self.assertEqual(trial.state, "refused")
        with self.assertRaisesRegex(UserError, "general manager's approval"):
            trial.with_user(self.salesperson).action_deliver()
        # approved: it leaves
        approved = trial.copy()
        self.assertEqual(approved.state, "draft")
        approved.with_user(self.salesperson).action_submit()
        approved.with_user(self.gm).action_approve_gm()
        approved.with_user(self.salesperson).action_deliver()
        self.assertEqual((approved.state, approved.delivered_by_id), ("in_trial", self.salesperson))
        with self.assertRaisesRegex(UserError, "cancel them"):
            approved.unlink()


@tagged("post_install", "-at_install")
class TestSamplePortal(SampleMixin, HttpCase):
    """From the request to the customer's signature on the portal, over HTTP as the portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sample_users()
        cls.salesperson = new_test_user(cls.env, login="crr_smp_sales", groups="sales_team.group_sale_salesman")
        cls.customer = cls.env["res.partner"].create({"name": "Sample Customer Co", "is_company": True})
        cls.portal_user = new_test_user(
            cls.env, login="crr_smp_portal", password="crr_smp_portal", groups="base.group_portal", name="Buyer Li"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.rival = cls.env["res.partner"].create({"name": "Rival Sample Co", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Sample Valve", "type": "consu"})

    def _sent(self, partner):
        sample = self._approved_sample(partner, self.product, self.salesperson, specification="PN40")
        self.env["crr.sample.round"].with_user(self.salesperson).create(
            {"request_id": sample.id, "sent_date": fields.Date.today(), "carrier": "SF Express"}
        )
        return sample

    def test_portal_signature(self):
        sample = self._sent(self.customer)
        rival_sample = self._sent(self.rival)
        draft = self.env["crr.sample.request"].create(
            {"partner_id": self.customer.id, "product_id": self.product.id, "specification": "DRAFT-SECRET"}
        )
        self.authenticate("crr_smp_portal", "crr_smp_portal")
        listing = self.url_open("/my/samples")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(sample.name, listing.text)
        self.assertNotIn(rival_sample.name, listing.text)
        self.assertNotIn(draft.name, listing.text)
        page = self.url_open(f"/my/samples/{sample.id}")
        self.assertIn("portal.signature_form", page.text)
        # another customer's sample, and a draft, are not reachable
        self.assertNotIn(f"/my/samples/{rival_sample.id}", self.url_open(f"/my/samples/{rival_sample.id}").url)
        self.assertNotIn(f"/my/samples/{draft.id}", self.url_open(f"/my/samples/{draft.id}").url)
        refused = self.make_jsonrpc_request(
            f"/my/samples/{rival_sample.id}/accept", {"name": "Buyer Li", "signature": signature_png()}
        )
        self.assertIn("error", refused)
        self.assertEqual(rival_sample.last_round_id.verdict, "pending")
        missing = self.make_jsonrpc_request(f"/my/samples/{sample.id}/accept", {"name": "Buyer Li"})
        self.assertIn("error", missing)
        # values of other types than texts (a JSON-RPC client sends anything): refused, not a traceback
        for params in ({"name": ["Buyer Li"], "signature": signature_png()}, {"name": "Buyer Li", "signature": {"a": 1}},
                       {"name": "Buyer Li", "signature": signature_png(), "access_token": 42}):
            self.assertEqual(self.make_jsonrpc_request(f"/my/samples/{sample.id}/accept", params),
                             {"error": "Invalid sample."})
        self.assertEqual(sample.last_round_id.verdict, "pending")
        result = self.make_jsonrpc_request(
            f"/my/samples/{sample.id}/accept", {"name": "Buyer Li", "signature": signature_png()}
        )
        self.assertTrue(result.get("force_refresh"), result)
        sample.invalidate_recordset()
        sample_round = sample.last_round_id
        self.assertEqual(sample.state, "accepted")
        self.assertEqual((sample_round.verdict, sample_round.signed_by), ("approved", "Buyer Li"))
        self.assertTrue(sample_round.signature)
        signed_message = sample.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertEqual(signed_message.author_id, self.portal_user.partner_id)
        # the signed sample approval form is attached (rendered as HTML in tests, as Odoo does without
        # force_report_rendering)
        self.assertEqual(signed_message.attachment_ids.name, f"{sample.name}.pdf")
        # signed once
        again = self.make_jsonrpc_request(
            f"/my/samples/{sample.id}/accept", {"name": "Buyer Li", "signature": signature_png()}
        )
        self.assertIn("error", again)
        # the portal user writes nothing directly: neither the signed round nor a pending one
        with self.assertRaises(UserError):
            sample_round.with_user(self.portal_user).write({"comments": "changed"})
        with self.assertRaises(AccessError):
            rival_sample.last_round_id.with_user(self.portal_user).write({"comments": "changed"})
        with self.assertRaises(UserError):
            rival_sample.last_round_id.with_user(self.portal_user).write({"verdict": "approved"})

    def test_portal_rework(self):
        sample = self._sent(self.customer)
        self.authenticate("crr_smp_portal", "crr_smp_portal")
        page = self.url_open(f"/my/samples/{sample.id}")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(
            f"/my/samples/{sample.id}/decline",
            data={"csrf_token": token, "verdict": "rework", "comments": "Colour too dark"},
        )
        self.assertEqual(response.status_code, 200)
        sample.invalidate_recordset()
        self.assertEqual(sample.last_round_id.verdict, "rework")
        self.assertEqual(sample.last_round_id.comments, "Colour too dark")
        self.assertEqual(sample.state, "approved")
