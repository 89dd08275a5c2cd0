"""Tenders: the clause types of the requirement list (commercial clauses reviewed by sales, technical
clauses by the technical department), their two response lists, and the project proposal approved by the
general manager through the review engine, who names the project manager. Over the ORM and XML-RPC."""

import xmlrpc.client

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_review import FAULT_ACCESS_ERROR, FAULT_USER_ERROR, CrrReviewCommon, CrrRpcMixin


@tagged("post_install", "-at_install")
class TestTender(CrrReviewCommon, CrrRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project_manager = new_test_user(cls.env, login="crr_t_pm", groups="base.group_user", name="Project Lead")
        cls.tender = cls._order(order_source="tender")
        Requirement = cls.env["crr.requirement"].with_user(cls.salesperson)
        cls.payment = Requirement.create(
            {"order_id": cls.tender.id, "clause_type": "commercial", "category": "price_payment",
             "name": "30% advance payment"}
        )
        cls.pressure = Requirement.create(
            {"order_id": cls.tender.id, "clause_type": "technical", "name": "Pressure rating PN16",
             "description": "Hydrostatic test at 1.5 times the rated pressure"}
        )
        cls.gm = cls.reviewers["general_manager"]

    def _proposal(self, **vals):
        return self.env["crr.project.proposal"].with_user(self.salesperson).create(
            {"title": "Pump station", "order_id": self.tender.id, "partner_id": self.customer.id,
             "scope": "12 pumps and commissioning", "estimated_amount": 48000, **vals}
        )

    # -- clauses and response lists ------------------------------------------------------------------
    def test_clause_types_reviewed_by_their_departments(self):
        self.assertEqual(self.payment.department_id, self.dep["sales"])
        self.assertEqual(self.pressure.department_id, self.dep["technical"])
        self.assertEqual(self.tender._crr_clause_requirements("commercial"), self.payment)
        self.assertEqual(self.tender._crr_clause_requirements("technical"), self.pressure)
        # a department given explicitly is kept
        other = self.env["crr.requirement"].create(
            {"order_id": self.tender.id, "clause_type": "technical", "name": "Inspection by a third party",
             "department_id": self.dep["quality"].id}
        )
        self.assertEqual(other.department_id, self.dep["quality"])
        # the review of a tender asks the departments of its clauses, whatever the rules ask
        tender = self._order(order_source="tender")
        self.env["crr.requirement"].create(
            [{"order_id": tender.id, "clause_type": "commercial", "name": "Payment in 60 days"},
             {"order_id": tender.id, "clause_type": "technical", "name": "Material 316L"}]
        )
        tender.with_user(self.salesperson).action_request_review()
        self.assertTrue({"sales", "technical"} <= set(tender._crr_round_lines().department_id.mapped("code")))

    def test_response_lists_print(self):
        Report = self.env["ir.actions.report"]
        html, fmt = Report._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_response_commercial", res_ids=self.tender.ids
        )
        self.assertEqual(fmt, "html")
        text = html.decode()
        self.assertIn("Requirement Response List (Commercial Clauses)", text)
        self.assertIn("30% advance payment", text)
        self.assertNotIn("Pressure rating PN16", text)
        html, _fmt = Report._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_response_technical", res_ids=self.tender.ids
        )
        text = html.decode()
        self.assertIn("Requirement Response List (Technical Clauses)", text)
        self.assertIn("Pressure rating PN16", text)
        self.assertIn("Hydrostatic test", text)
        self.assertNotIn("30% advance payment", text)
        action = self.tender.with_user(self.salesperson).action_print_technical_response_list()
        self.assertEqual(action["report_name"], "customer_requirement_review.report_crr_response_technical")
        pdf, fmt = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_response_commercial", res_ids=self.tender.ids
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    # -- project proposal --------------------------------------------------------------------------
    def test_project_proposal_approved_by_gm_with_project_manager(self):
        proposal = self._proposal()
        self.assertTrue(proposal.name.startswith("PRJ/"))
        proposal.with_user(self.salesperson).action_submit()
        self.assertEqual(proposal.state, "to_approve")
        line = proposal.review_line_ids
        self.assertEqual(line.department_id, self.dep["general_manager"])
        self.assertEqual(line.state, "pending")
        # the content is what the general manager approves
        with self.assertRaisesRegex(UserError, "was submitted"):
            proposal.with_user(self.salesperson).write({"estimated_amount": 1})
        # the project manager is named by the approval only
        with self.assertRaisesRegex(UserError, "action_approve"):
            proposal.with_user(self.salesperson).write({"project_manager_id": self.project_manager.id})
        # approval requires the project manager, from the proposal or the review line
        with self.assertRaisesRegex(UserError, "Name the project manager"):
            proposal.with_user(self.gm).action_approve()
        with self.assertRaisesRegex(UserError, "Name the project manager"):
            line.with_user(self.gm).action_approve()
        # only the general manager's department decides
        with self.assertRaisesRegex(UserError, "Only reviewers of the"):
            proposal.with_user(self.reviewers["quality"]).action_approve(project_manager_id=self.project_manager.id)
        self.assertFalse(proposal.project_manager_id)
        with self.assertRaises(ValidationError):
            proposal.with_user(self.gm).action_approve(project_manager_id="Bob")
        proposal.with_user(self.gm).action_approve(project_manager_id=self.project_manager.id, opinion="Go")
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.project_manager_id, self.project_manager)
        self.assertEqual(proposal.approved_by_id, self.gm)
        self.assertIn(self.project_manager.partner_id, proposal.message_ids[0].partner_ids)
        self.assertEqual(self.tender.crr_project_proposal_count, 1)
        # kept, printed
        with self.assertRaisesRegex(UserError, "kept"):
            proposal.sudo().unlink()
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_project_proposal", res_ids=proposal.ids
        )
        text = html.decode()
        for expected in ("Project Proposal", proposal.name, "Pump station", "Project Lead", "Reviewer general_manager"):
            self.assertIn(expected, text)

    def test_project_proposal_rejected_and_cancelled(self):
        proposal = self._proposal()
        proposal.with_user(self.salesperson).action_submit()
        with self.assertRaises(ValidationError):
            proposal.with_user(self.gm).action_reject("")
        proposal.with_user(self.gm).action_reject("No capacity this year")
        self.assertEqual(proposal.state, "rejected")
        self.assertEqual(proposal.rejection_reason, "No capacity this year")
        other = self._proposal()
        other.with_user(self.salesperson).write({"scope": " "})
        with self.assertRaisesRegex(UserError, "Describe the scope"):
            other.with_user(self.salesperson).action_submit()
        other.with_user(self.salesperson).action_cancel()
        self.assertEqual(other.state, "cancelled")

    def test_xmlrpc(self):
        # the clauses of a tender
        requirement_id = self._rpc(
            self.salesperson, "crr.requirement", "create",
            {"order_id": self.tender.id, "clause_type": "commercial", "name": "Delivery within 60 days"},
        )
        requirement = self.env["crr.requirement"].browse(requirement_id)
        self.assertEqual(requirement.department_id, self.dep["sales"])
        # the proposal: submitted by sales, approved by the general manager who names the project manager
        proposal_id = self._rpc(
            self.salesperson, "crr.project.proposal", "create",
            {"title": "RPC project", "order_id": self.tender.id, "partner_id": self.customer.id, "scope": "Pumps"},
        )
        self._rpc_refused("action_submit", self.salesperson, "crr.project.proposal", "write", [proposal_id],
                          {"state": "approved"})
        self._rpc(self.salesperson, "crr.project.proposal", "action_submit", [proposal_id])
        self._rpc_refused("Name the project manager", self.gm, "crr.project.proposal", "action_approve", [proposal_id])
        self._rpc_refused("id of a user", self.gm, "crr.project.proposal", "action_approve", [proposal_id],
                          project_manager_id=[1, 2])
        proposal = self.env["crr.project.proposal"].browse(proposal_id)
        self.assertEqual((proposal.state, proposal.project_manager_id.id), ("to_approve", False))
        self._rpc(self.gm, "crr.project.proposal", "action_approve", [proposal_id],
                  project_manager_id=self.project_manager.id)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.project_manager_id, self.project_manager)


    def test_other_company_and_portal_refused_over_xmlrpc(self):
        """Another company's salesperson, reviewer and review manager, and the customer's portal user: none of
        the first company's proposals nor tender clauses is found, read, changed, created, deleted, submitted,
        approved, rejected, cancelled, opened or printed; wrong ids answer a clear error; nothing written."""
        outsiders = self._crr_outsiders("crr_t_tender", self.customer, {
            "salesperson": "sales_team.group_sale_salesman",
            "reviewer": "customer_requirement_review.group_crr_reviewer",
            "manager": "customer_requirement_review.group_crr_manager",
        })
        proposal = self._proposal()
        proposal.with_user(self.salesperson).action_submit()
        actions = [
            ("action_submit", (), {}), ("action_approve", (), {"project_manager_id": self.project_manager.id}),
            ("action_reject", ("No",), {}), ("action_cancel", (), {}), ("action_open_approve_wizard", (), {}),
            ("action_open_order", (), {}), ("action_print", (), {}),
        ]
        watched = ["state", "scope", "project_manager_id", "estimated_amount", "review_line_ids"]
        self._crr_assert_outsiders_refused(
            outsiders, proposal, watched, {"scope": "Forged"},
            {"title": "Forged", "order_id": self.tender.id, "partner_id": self.customer.id, "scope": "x",
             "company_id": self.company.id},
            actions,
        )
        self._crr_assert_outsiders_refused(
            outsiders, self.payment | self.pressure, ["name", "clause_type", "department_id", "response"],
            {"name": "Forged"}, {"order_id": self.tender.id, "clause_type": "technical", "name": "Forged"},
        )
        # the approval wizard does not open a door either
        for label, user in outsiders.items():
            with self.subTest(user=label, method="approve wizard"):
                try:
                    wizard_id = self._rpc(user, "crr.project.proposal.approve.wizard", "create",
                                          {"proposal_id": proposal.id, "project_manager_id": user.id})
                except xmlrpc.client.Fault as fault:
                    self.assertIn(fault.faultCode, (FAULT_USER_ERROR, FAULT_ACCESS_ERROR), fault.faultString[-800:])
                else:
                    self._rpc_refused(None, user, "crr.project.proposal.approve.wizard", "action_confirm",
                                      [wizard_id])
        # the tender's own actions (response lists, proposals): refused to the other company's users
        order_actions = [(method, (), {}) for method in (
            "action_print_commercial_response_list", "action_print_technical_response_list",
            "action_crr_new_project_proposal", "action_crr_view_project_proposals",
        )]
        for label, user in outsiders.items():
            if label == "portal":  # reads the order when it is the customer's (Odoo's portal rule)
                continue
            for method, _args, _kwargs in order_actions:
                with self.subTest(user=label, method=method):
                    self._rpc_refused(None, user, "sale.order", method, self.tender.ids)
        self._crr_assert_report_refused(
            outsiders, "customer_requirement_review.report_crr_project_proposal", proposal, "12 pumps"
        )
        self._crr_assert_report_refused(
            {label: user for label, user in outsiders.items() if label != "portal"},
            "customer_requirement_review.report_crr_response_technical", self.tender, "Hydrostatic test",
        )
        self.env.invalidate_all()
        self.assertEqual((proposal.state, proposal.project_manager_id), ("to_approve", self.project_manager.browse()))
        self.assertEqual(proposal.review_line_ids.state, "pending")
        self._crr_assert_bad_ids_refused(self.gm, "crr.project.proposal", actions, proposal, watched)
        self._crr_assert_bad_ids_refused(self.salesperson, "sale.order", order_actions, self.tender, ["state"])
        # the actions of one record, given none or two: a clear error, not Odoo's "Expected singleton"
        for model, method, ids in (
            ("crr.project.proposal", "action_open_order", []),
            ("crr.project.proposal", "action_approve", (proposal | self._proposal()).ids),
            ("sale.order", "action_crr_view_project_proposals", (self.tender | self._order(order_source="tender")).ids),
        ):
            with self.subTest(method=method, ids=ids):
                self._rpc_refused("one record at a time", self.gm if method == "action_approve" else self.salesperson,
                                  model, method, ids)


@tagged("post_install", "-at_install")
class TestTenderDemo(CrrReviewCommon):
    def test_demo_tender(self):
        tender = self.env.ref("customer_requirement_review.sale_order_crr_tender_demo", raise_if_not_found=False)
        if not tender:
            self.skipTest("demo data not loaded")
        self.assertEqual(tender.order_source, "tender")
        self.assertEqual(set(tender.requirement_ids.mapped("clause_type")), {"commercial", "technical"})
        proposal = self.env.ref("customer_requirement_review.crr_project_proposal_tender_demo")
        self.assertEqual(proposal.state, "approved")
        self.assertTrue(proposal.project_manager_id)
