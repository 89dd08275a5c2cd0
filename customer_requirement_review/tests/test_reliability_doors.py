"""Every door checked: roles, companies, customers and bad input never get past a clear refusal.

One fixture set (setUpClass), shared by table-driven tests:
- each action method of each model, for each role: allowed, or refused with a UserError/AccessError (never
  another exception), nothing written (savepoint rolled back and the records re-read);
- malformed calls over XML-RPC (each one a Fault whose code is a UserError/ValidationError or an AccessError,
  not a server error, whose message says what to do, with the database unchanged) and over HTTP (the portal
  complaint form, the XLSX route);
- substitutions (who may manage them, who may be named, who may decide), the install hook on a company that
  existed before the install, internal review results kept from the customer.
"""

import xmlrpc.client

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .. import post_init_hook
from .common_review import CrrReviewCommon

# XML-RPC fault codes of Odoo (addons/rpc/controllers/xmlrpc.py): a server error (traceback) is 1
FAULT_USER_ERROR = 2
FAULT_ACCESS_ERROR = 4

ROLES = (
    "sales_own", "sales_all", "reviewer", "manager", "sales_admin", "employee", "portal_a", "portal_b",
    "other_company",
)


@tagged("post_install", "-at_install")
class TestReliabilityDoors(CrrReviewCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.customer.is_company = True
        cls.customer_b = env["res.partner"].create({"name": "Doors Customer B", "is_company": True})
        # company B reviews every order (a new company starts with the review off)
        cls.company_b = env["res.company"].create({"name": "Doors Company B", "crr_review_mode": "all"})
        users = {
            "sales_own": cls.salesperson,
            "sales_all": new_test_user(env, login="crr_t_doors_all", groups="sales_team.group_sale_salesman_all_leads"),
            "reviewer": cls.reviewers["quality"],
            "manager": cls.manager,
            "sales_admin": new_test_user(env, login="crr_t_doors_admin", groups="sales_team.group_sale_manager"),
            "employee": new_test_user(env, login="crr_t_doors_employee", groups="base.group_user"),
            "portal_a": new_test_user(env, login="crr_t_doors_portal_a", groups="base.group_portal"),
            "portal_b": new_test_user(env, login="crr_t_doors_portal_b", groups="base.group_portal"),
            "other_company": new_test_user(
                env, login="crr_t_doors_b", groups="customer_requirement_review.group_crr_manager",
                company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
            ),
        }
        users["portal_a"].partner_id.parent_id = cls.customer
        users["portal_b"].partner_id.parent_id = cls.customer_b
        cls.users = users
        cls.system = new_test_user(
            env, login="crr_t_doors_system",
            groups="base.group_system,customer_requirement_review.group_crr_manager,survey.group_survey_manager",
        )
        cls.other_sales = new_test_user(env, login="crr_t_doors_sales2", groups="sales_team.group_sale_salesman")
        # a special contract in review (every department), the sales line approved
        cls.order = cls._order(products=[cls.new_good])
        cls.order.with_user(cls.salesperson).action_request_review()
        lines = cls.order._crr_round_lines()
        cls.quality_line = lines.filtered(lambda line: line.department_id == cls.dep["quality"])
        cls.sales_line = lines.filtered(lambda line: line.department_id == cls.dep["sales"])
        cls.sales_line.with_user(cls.reviewers["sales"]).action_approve()
        cls.quote = cls._order()
        cls.requirement = env["crr.requirement"].create({
            "order_id": cls.quote.id, "name": "Salt spray 96 h", "department_id": cls.dep["quality"].id,
            "response": "deviation", "resolution": "72 h agreed with the customer",
        })
        # the same review in company B
        env_b = env(context=dict(env.context, allowed_company_ids=cls.company_b.ids))
        cls.order_b = env_b["sale.order"].create({
            "partner_id": cls.customer_b.id, "company_id": cls.company_b.id,
            "order_line": [Command.create({"product_id": cls.new_good.id, "product_uom_qty": 1})],
        })
        cls.order_b.action_request_review()
        cls.line_b = cls.order_b._crr_round_lines().filtered(lambda line: line.department_id.code == "quality")
        assert cls.line_b, "company B's order is in review"
        cls.department_b = cls.line_b.department_id
        # confirmed orders: of the salesperson (A), of another salesperson (A), of customer B
        (cls.company | cls.company_b).crr_review_mode = "off"
        cls.confirmed = (cls._order() | cls._order() | cls._order(user=cls.other_sales)).with_env(env)
        cls.confirmed_b = env_b["sale.order"].create({
            "partner_id": cls.customer_b.id, "company_id": cls.company_b.id,
            "order_line": [Command.create({"product_id": cls.good.id, "product_uom_qty": 1})],
        })
        cls.confirmed.action_confirm()
        cls.confirmed_b.action_confirm()
        (cls.company | cls.company_b).crr_review_mode = "all"
        cls.change = env["crr.change.request"].with_user(cls.salesperson).create({
            "order_id": cls.confirmed[0].id, "reason": "More units",
            "line_ids": [Command.create({"order_line_id": cls.confirmed[0].order_line[0].id,
                                         "new_product_uom_qty": 5})],
        })
        Complaint = env["crr.complaint"]
        cls.complaint = Complaint.create({
            "subject": "Scratches", "partner_id": cls.customer.id, "order_id": cls.confirmed[1].id,
            "root_cause": "DOORS-ROOT-CAUSE", "cost": 12.5, "user_id": False,
        })
        cls.action = env["crr.complaint.action"].create({
            "complaint_id": cls.complaint.id, "name": "Polish", "user_id": users["employee"].id,
        })
        cls.action_done = env["crr.complaint.action"].create({
            "complaint_id": cls.complaint.id, "name": "Repack", "user_id": cls.reviewers["sales"].id,
        })
        cls.action_done.action_done()
        cls.complaint_other = Complaint.create({
            "subject": "Dents", "partner_id": cls.customer.id, "order_id": cls.confirmed[2].id, "user_id": False,
        })
        cls.complaint_b = Complaint.with_company(cls.company_b).create({
            "subject": "Rust B", "partner_id": cls.customer_b.id, "order_id": cls.confirmed_b.id,
            "company_id": cls.company_b.id, "user_id": False,
        })
        survey = env.ref("customer_requirement_review.crr_satisfaction_survey")
        cls.survey = survey
        cls.campaign = env["crr.satisfaction.campaign"].create({"year": 2026, "half": "h1", "survey_id": survey.id})
        cls.substitution = env["crr.review.substitute"].create({
            "user_id": cls.reviewers["finance"].id, "substitute_id": cls.reviewers["technical"].id,
            "date_from": fields.Date.today(), "date_to": fields.Date.today(),
        })

    # -- helpers -----------------------------------------------------------------------------------------
    def _snapshot(self):
        """What a refused call must leave as it was."""
        self.env.invalidate_all()
        counts = {
            model: self.env[model].sudo().with_context(active_test=False).search_count([])
            for model in (
                "crr.complaint", "crr.complaint.action", "crr.change.request", "crr.change.request.line",
                "crr.review.rule", "crr.review.substitute", "crr.requirement", "crr.satisfaction.campaign",
                "crr.department", "crr.review.line", "survey.user_input.line", "mail.message",
            )
        }
        lines = (self.quality_line | self.sales_line | self.line_b).sudo()
        records = {
            "lines": [(line.state, line.reviewer_id.id, line.opinion, line.decision_date) for line in lines],
            "orders": [(o.review_state, o.contract_type, o.contract_type_override_reason)
                       for o in (self.order | self.order_b | self.quote).sudo()],
            "complaints": (self.complaint | self.complaint_b).sudo().read(
                ["state", "subject", "cost", "affected_qty", "reply_date", "root_cause", "customer_acceptance"]),
            "change": self.change.sudo().read(["state", "reason"]) + self.change.line_ids.sudo().read(
                ["new_product_uom_qty", "new_price_unit"]),
            "company": self.company.sudo().read(
                ["crr_review_deadline_days", "crr_complaint_close_days_minor", "crr_amount_threshold"]),
            "weight": self.survey.question_ids.sudo().mapped("crr_weight"),
            "substitution": self.substitution.sudo().read(["user_id", "substitute_id", "date_to"]),
        }
        return counts, records

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    # -- actions per role ----------------------------------------------------------------------------------
    def _action_table(self):
        """(label, record, method, args, kwargs, roles allowed)."""
        A = frozenset
        managers = A({"manager"})
        reviewers = A({"reviewer", "manager"})
        sellers = A({"sales_own", "sales_all", "manager", "sales_admin"})
        return [
            ("override contract type", self.order, "action_override_contract_type", ("regular", "Repeat part"), {},
             managers),
            ("request review", self.quote, "action_request_review", (), {}, sellers),
            ("load requirements", self.quote, "action_crr_load_requirements", (), {}, sellers),
            ("approve line", self.quality_line, "action_approve", (), {}, reviewers),
            ("reject line", self.quality_line, "action_reject", (), {"opinion": "No capacity"}, reviewers),
            ("reopen line", self.sales_line, "action_reopen", ("Price changed",), {}, managers),
            ("close deficiency", self.requirement, "action_close_deficiency", (), {}, sellers),
            ("submit change", self.change, "action_submit", (), {}, sellers),
            ("cancel change", self.change, "action_cancel", (), {}, sellers),
            ("acknowledge complaint", self.complaint, "action_acknowledge", (), {}, reviewers),
            ("cancel complaint", self.complaint, "action_cancel", (), {}, reviewers),
            ("complaint action done", self.action, "action_done", (), {}, reviewers | A({"employee"})),
            ("verify complaint action", self.action_done, "action_verify", (), {}, reviewers),
            # closing needs the results approved (management representative, then GM): refused for every role
            ("close campaign", self.campaign, "action_close", (), {}, A(set())),
            ("load campaign customers", self.campaign, "action_load_customers", (), {}, managers),
            # navigation: whoever reads the order gets the action (the lines stay behind their own rules); the
            # customer reads its own quotation
            ("view review lines", self.order, "action_view_review_lines", (), {},
             sellers | A({"reviewer", "portal_a"})),
        ]

    def test_actions_per_role(self):
        """Each action, each role: done, or refused with a UserError/AccessError that says why (never another
        exception), and nothing written either way (each call is rolled back)."""
        before = self._snapshot()
        expected, outcomes = {}, {}
        for label, record, method, args, kwargs, allowed in self._action_table():
            for role in ROLES:
                user = self.users[role]
                expected[label, role] = "done" if role in allowed else "refused"
                with self.env.cr.savepoint(flush=False) as savepoint:
                    try:
                        getattr(record.with_user(user), method)(*args, **kwargs)
                        self.env.flush_all()
                        outcomes[label, role] = "done"
                    except UserError as error:  # an AccessError is a UserError
                        outcomes[label, role] = "refused" if str(error).strip() else "refused without a message"
                    savepoint.rollback()
                self.env.invalidate_all()
        self.assertEqual(
            {key: value for key, value in outcomes.items() if value != expected[key]}, {},
            "cells that differ from the expected table",
        )
        self.assertEqual(self._snapshot(), before)

    def test_other_company_refused_with_reason(self):
        """Records of another company: refused before any sudo, naming the reason."""
        manager = self.users["manager"]
        cases = [
            (self.order_b, "action_override_contract_type", ("special", "Large"), AccessError),
            (self.line_b, "action_approve", (), AccessError),
            (self.complaint_b, "action_acknowledge", (), AccessError),
        ]
        for record, method, args, error in cases:
            with self.subTest(method=method), self.assertRaises(error):
                getattr(record.with_user(manager), method)(*args)
        self.assertEqual(self.order_b.contract_type, "special")
        self.assertFalse(self.order_b.contract_type_overridden)

    # -- complaints: who reads what ----------------------------------------------------------------------
    def test_complaint_visibility(self):
        expected = {
            # role: (own order's complaint, another salesperson's, company B's)
            "sales_own": (True, False, False),
            "sales_all": (True, True, False),
            "reviewer": (True, True, False),
            "manager": (True, True, False),
            "sales_admin": (True, True, False),
            "employee": (True, False, False),  # holds an action of the first one
            "portal_a": (True, True, False),  # its company's complaints
            "portal_b": (False, False, False),
            "other_company": (False, False, True),
        }
        complaints = self.complaint | self.complaint_other | self.complaint_b
        for role, flags in expected.items():
            with self.subTest(role=role):
                user = self.users[role]
                found = self.env["crr.complaint"].with_user(user).with_company(user.company_id).search(
                    [("id", "in", complaints.ids)]
                )
                self.assertEqual([c in found for c in complaints], list(flags))
        # root cause and cost: the quality roles only
        for role in ROLES:
            with self.subTest(role=role, fields="internal notes"):
                user = self.users[role]
                complaint = self.complaint.with_user(user)
                readable = role in ("reviewer", "manager", "other_company")
                self.assertEqual("root_cause" in complaint.fields_get(), readable)
                if role in ("sales_own", "sales_all", "sales_admin", "employee"):
                    with self.assertRaises(AccessError):
                        complaint.read(["cost"])
                    self.assertEqual(complaint.read(["subject"])[0]["subject"], "Scratches")
        # another salesperson's complaint cannot be rewritten either
        with self.assertRaises(AccessError):
            self.complaint_other.with_user(self.salesperson).write({"subject": "Mine now"})
        self.assertEqual(self.complaint_other.subject, "Dents")

    def test_salesperson_register_and_report_without_internal_notes(self):
        records = self.complaint.with_user(self.users["sales_all"])
        rows = list(records._crr_xlsx_register_rows())
        self.assertEqual(len(rows), 1)
        self.assertNotIn("DOORS-ROOT-CAUSE", [str(value) for value in rows[0]])
        html, _fmt = self.env["ir.actions.report"].with_user(self.users["sales_all"])._render_qweb_html(
            "customer_requirement_review.action_report_crr_complaint", records.ids
        )
        self.assertIn("Scratches", html.decode())
        self.assertNotIn("DOORS-ROOT-CAUSE", html.decode())
        html, _fmt = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            "customer_requirement_review.action_report_crr_complaint", records.ids
        )
        self.assertIn("DOORS-ROOT-CAUSE", html.decode())

    # -- substitutions -------------------------------------------------------------------------------------
    def test_substitution_rights(self):
        Substitute = self.env["crr.review.substitute"]
        today = fields.Date.today()
        quality, gm = self.reviewers["quality"], self.reviewers["general_manager"]
        vals = {"date_from": today, "date_to": today}
        # a reviewer names a substitute for their own absence, not for someone else's
        own = Substitute.with_user(quality).create({**vals, "substitute_id": self.reviewers["technical"].id})
        self.assertEqual(own.user_id, quality)
        own.with_user(quality).write({"date_to": today})
        for label, call in (
            ("create for another", lambda: Substitute.with_user(quality).create(
                {**vals, "user_id": gm.id, "substitute_id": quality.id})),
            ("rewrite another's", lambda: self.substitution.with_user(quality).write({"substitute_id": quality.id})),
            ("take over own", lambda: own.with_user(quality).write({"user_id": gm.id})),
            ("delete another's", lambda: self.substitution.with_user(quality).unlink()),
            ("employee creates", lambda: Substitute.with_user(self.users["employee"]).create(
                {**vals, "user_id": self.users["employee"].id, "substitute_id": quality.id})),
        ):
            with self.subTest(label), self.assertRaises(AccessError):
                call()
        # the substitute is an internal reviewer of the company
        for label, substitute, message in (
            ("portal user", self.users["portal_a"], "is not a reviewer"),
            ("employee", self.users["employee"], "is not a reviewer"),
            ("salesperson", self.salesperson, "is not a reviewer"),
            ("other company", self.users["other_company"], "does not work in"),
        ):
            with self.subTest(label), self.assertRaisesRegex(UserError, message):
                Substitute.with_user(self.manager).create(
                    {**vals, "user_id": gm.id, "substitute_id": substitute.id}
                )
        # the review manager manages every substitution
        self.substitution.with_user(self.manager).write({"note": "Back on Monday"})
        own.with_user(self.manager).unlink()

    def test_substitute_without_reviewer_group_never_decides(self):
        """A substitution naming a portal user or an employee (legacy data, written in SQL) gives no power."""
        self._approve_all(self.order, codes=["sales", "technical", "quality", "production", "procurement",
                                              "logistics", "finance"])
        gm_line = self.order._crr_round_lines().filtered("is_final_approval")
        self.assertEqual(gm_line.state, "pending")
        today = fields.Date.today()
        for role in ("portal_a", "employee", "sales_own"):
            self.env.cr.execute(
                "INSERT INTO crr_review_substitute (user_id, substitute_id, date_from, date_to, company_id, active) "
                "VALUES (%s, %s, %s, %s, %s, true)",
                [self.reviewers["general_manager"].id, self.users[role].id, today, today, self.company.id],
            )
        self.env.invalidate_all()
        Substitute = self.env["crr.review.substitute"]
        for role in ("portal_a", "employee", "sales_own"):
            with self.subTest(role=role):
                self.assertEqual(Substitute._crr_departments_substituted(self.users[role]), {})
                with self.assertRaisesRegex(AccessError, "Only reviewers and review managers may decide"):
                    gm_line.with_user(self.users[role]).action_approve()
        # a reviewer named substitute does decide for the absent reviewer's departments
        self.assertEqual(
            Substitute._crr_departments_substituted(self.reviewers["technical"]),
            {self.dep["finance"]: self.reviewers["finance"]},
        )
        self.assertEqual(gm_line.state, "pending")
        self.assertEqual(self.order.review_state, "in_review")

    # -- install hook ----------------------------------------------------------------------------------
    def test_post_init_hook_gives_existing_companies_their_setup(self):
        company = self.env["res.company"].create({"name": "Doors Company Before Install"})
        # as if it existed before the module was installed: no departments, rules nor alias
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM crr_review_rule WHERE company_id = %s", [company.id])
        self.env.cr.execute("DELETE FROM crr_department WHERE company_id = %s", [company.id])
        alias = company.crr_complaint_alias_id
        self.env.cr.execute("UPDATE res_company SET crr_complaint_alias_id = NULL WHERE id = %s", [company.id])
        self.env.cr.execute("DELETE FROM mail_alias WHERE id = %s", [alias.id])
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        counts_a = (
            self.env["crr.department"].search_count([("company_id", "=", self.company.id)]),
            self.env["crr.review.rule"].search_count([("company_id", "=", self.company.id)]),
        )
        for run in (1, 2):  # a second run changes nothing
            post_init_hook(self.env)
            with self.subTest(run=run):
                departments = self.env["crr.department"].search([("company_id", "=", company.id)])
                rules = self.env["crr.review.rule"].search([("company_id", "=", company.id)])
                # the procedures' eight departments and the sales manager; the six shipped rules
                self.assertEqual(len(departments), 9)
                self.assertEqual(len(rules), 6)
                self.assertEqual(rules.department_ids.company_id, company)
                self.assertTrue(company.crr_complaint_alias_id)
                # the install default: off until the company has put reviewers in its departments
                self.assertEqual(company.crr_review_mode, "off")
                self.assertEqual(
                    (self.env["crr.department"].search_count([("company_id", "=", self.company.id)]),
                     self.env["crr.review.rule"].search_count([("company_id", "=", self.company.id)])),
                    counts_a,
                )
        # its orders are reviewed once it turns the review on
        company.crr_review_mode = "all"
        env_c = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        order = env_c["sale.order"].create({
            "partner_id": self.customer.id, "company_id": company.id,
            "order_line": [Command.create({"product_id": self.new_good.id, "product_uom_qty": 1})],
        })
        order.action_request_review()
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(order.review_line_ids.department_id.company_id, company)

    # -- internal review results ---------------------------------------------------------------------------
    def test_review_results_are_internal_notes(self):
        portal = self.users["portal_a"]
        self.order.message_subscribe(partner_ids=self.customer.ids)
        self.quality_line.with_user(self.reviewers["quality"]).action_reject(opinion="DOORS-SECRET no capacity")
        self.assertEqual(self.order.review_state, "rejected")
        # change request applied: the before/after table
        request = self.change
        request.with_user(self.salesperson).action_submit()
        self._approve_change(request)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "applied")
        self.env.flush_all()
        # the review result is notified by the engine's job (to the salesperson): send it, as the job does
        self.assertTrue(self.env["crr.review.notice"].sudo()._cron_send())
        self.env.flush_all()
        for record, text in ((self.order, "DOORS-SECRET"), (self.confirmed[0], "o_crr_change_table")):
            messages = self.env["mail.message"].search(
                [("model", "=", "sale.order"), ("res_id", "=", record.id), ("body", "ilike", text)]
            )
            with self.subTest(record=record.name):
                self.assertTrue(messages)
                self.assertTrue(all(message.subtype_id.internal for message in messages))
                # the customer reads none of them over mail.message, and is not notified of them
                self.assertFalse(self.env["mail.message"].with_user(portal).search([("id", "in", messages.ids)]))
                self.assertFalse(messages.notification_ids.filtered(lambda n: n.res_partner_id == self.customer))

    def _approve_change(self, request):
        for line in request.review_line_ids.sorted(lambda line: line.is_final_approval):
            line.invalidate_recordset(["state"])
            if line.state == "pending":
                line.with_user(self.reviewers[line.department_id.code]).action_approve()

    # -- malformed calls over XML-RPC ------------------------------------------------------------------------
    def _malformed_rpc_calls(self):
        """(label, role or user, model, method, args, kwargs, message)."""
        line, order, complaint = self.quality_line, self.order, self.complaint
        long_text = "x" * 1_000_000
        question = self.survey.question_ids.filtered("crr_is_criterion")[:2]
        other_answer = question[1].suggested_answer_ids[:1]
        user_input = self.survey.sudo()._create_answer(partner=self.customer, check_attempts=False)
        complaint_vals = {"subject": "Bad input", "partner_id": self.customer.id, "order_id": self.confirmed[0].id}
        cr_vals = {"order_id": self.confirmed[0].id, "reason": "Bad input"}
        cr_line = self.confirmed[0].order_line[0].id
        today = fields.Date.to_string(fields.Date.today())
        sub_vals = {"user_id": self.reviewers["quality"].id, "substitute_id": self.reviewers["technical"].id,
                    "date_from": today, "date_to": today}
        return [
            # decisions: texts, ids, companies
            ("opinion not a text", "reviewer", "crr.review.line", "action_reject", [line.ids], {"opinion": 123},
             "opinion must be a text"),
            ("opinion a list", "reviewer", "crr.review.line", "action_reject", [line.ids], {"opinion": ["no"]},
             "opinion must be a text"),
            ("opinion a dict", "reviewer", "crr.review.line", "action_approve", [line.ids], {"opinion": {"a": 1}},
             "opinion must be a text"),
            ("conditions a number", "reviewer", "crr.review.line", "action_approve", [line.ids],
             {"opinion": "ok", "conditions": 5}, "conditions must be a text"),
            ("opinion of a million characters", "reviewer", "crr.review.line", "action_reject", [line.ids],
             {"opinion": long_text}, "opinion is too long"),
            ("id a text", "reviewer", "crr.review.line", "action_approve", [["abc"]], {}, "is not a valid id"),
            ("id a float", "reviewer", "crr.review.line", "action_approve", [[1.5]], {}, "is not a valid id"),
            ("id a boolean", "reviewer", "crr.review.line", "action_approve", [[True]], {}, "is not a valid id"),
            ("id negative", "reviewer", "crr.review.line", "action_approve", [[-3]], {}, "is not a valid id"),
            ("id unknown", "reviewer", "crr.review.line", "action_approve", [[987654321]], {}, "does not exist"),
            ("line of another company", "reviewer", "crr.review.line", "action_approve", [self.line_b.ids], {},
             "belongs to another company"),
            ("reopen reason a number", "manager", "crr.review.line", "action_reopen", [self.sales_line.ids],
             {"reason": 42}, "reason must be a text"),
            ("reopen without reason", "manager", "crr.review.line", "action_reopen", [self.sales_line.ids],
             {"reason": "  "}, "Give the reason"),
            ("portal decides", "portal_a", "crr.review.line", "action_approve", [line.ids], {},
             "Only reviewers and review managers may decide"),
            ("employee decides", "employee", "crr.review.line", "action_approve", [line.ids], {},
             "Only reviewers and review managers may decide"),
            # contract type
            ("unknown contract type", "manager", "sale.order", "action_override_contract_type",
             [order.ids, "weird", "Because"], {}, "must be regular or special"),
            ("contract type reason a number", "manager", "sale.order", "action_override_contract_type",
             [order.ids, "special", 42], {}, "reason must be a text"),
            ("contract type without reason", "manager", "sale.order", "action_override_contract_type",
             [order.ids, "special", ""], {}, "Give the reason"),
            ("contract type of another company", "manager", "sale.order", "action_override_contract_type",
             [self.order_b.ids, "special", "Large"], {}, "Sales Order"),
            ("contract type by a salesperson", "sales_own", "sale.order", "action_override_contract_type",
             [order.ids, "regular", "Repeat"], {}, "Only review managers"),
            ("order id a text", "manager", "sale.order", "action_override_contract_type",
             [["abc"], "special", "x"], {}, "is not a valid id"),
            ("request review id a text", "sales_own", "sale.order", "action_request_review", [["abc"]], {},
             "is not a valid id"),
            # complaints
            ("million-character subject", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "subject": long_text}], {}, "at most 256 characters"),
            ("subject a number", "sales_own", "crr.complaint", "create", [{**complaint_vals, "subject": 12345}], {},
             "give a text"),
            ("quantity a text", "sales_own", "crr.complaint", "create", [{**complaint_vals, "affected_qty": "abc"}],
             {}, "give a number"),
            ("quantity 1e20", "sales_own", "crr.complaint", "create", [{**complaint_vals, "affected_qty": 1e20}],
             {}, "between 0 and 1e+09"),
            ("quantity negative", "sales_own", "crr.complaint", "create", [{**complaint_vals, "affected_qty": -1}],
             {}, "between 0 and 1e+09"),
            ("quantity nan", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "affected_qty": float("nan")}], {}, "give a finite number"),
            ("quantity inf", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "affected_qty": float("inf")}], {}, "give a finite number"),
            ("negative cost", "reviewer", "crr.complaint", "create", [{**complaint_vals, "cost": -5}], {},
             "between 0 and 1e+12"),
            ("cost 1e308", "reviewer", "crr.complaint", "write", [complaint.ids, {"cost": 1e308}], {},
             "between 0 and 1e+12"),
            ("cost a text", "reviewer", "crr.complaint", "write", [complaint.ids, {"cost": "a lot"}], {},
             "give a number"),
            ("unknown category", "sales_own", "crr.complaint", "create", [{**complaint_vals, "category": "bogus"}],
             {}, "use one of"),
            ("unknown severity", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "severity": "apocalyptic"}], {}, "use one of"),
            ("malformed date", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "date_received": "yesterday"}], {}, "give a date such as"),
            ("impossible date", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "date_received": "2026-13-45 00:00:00"}], {}, "give a date such as"),
            ("date of year 1", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "date_received": "0001-01-01 00:00:00"}], {}, "between the years"),
            ("reply date malformed", "reviewer", "crr.complaint", "write", [complaint.ids, {"reply_date": "31/12/26"}],
             {}, "give a date such as"),
            ("unknown acceptance", "reviewer", "crr.complaint", "write",
             [complaint.ids, {"customer_acceptance": "maybe"}], {}, "use one of"),
            ("root cause a list", "reviewer", "crr.complaint", "write", [complaint.ids, {"root_cause": ["x"]}], {},
             "give a text"),
            ("order id a list", "sales_own", "crr.complaint", "create", [{**complaint_vals, "order_id": ["abc"]}],
             {}, "give the numeric id of a record"),
            ("order id a text", "sales_own", "crr.complaint", "create", [{**complaint_vals, "order_id": "abc"}],
             {}, "give the numeric id of a record"),
            ("order id unknown", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "order_id": 987654321}], {}, "does not exist"),
            ("partner id a boolean", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "partner_id": True}], {}, "give the numeric id of a record"),
            ("department of another company", "reviewer", "crr.complaint", "write",
             [complaint.ids, {"department_id": self.department_b.id}], {}, "compan"),
            ("unknown field", "sales_own", "crr.complaint", "create", [{**complaint_vals, "no_such_field": 1}], {},
             "has no field"),
            ("description too long", "sales_own", "crr.complaint", "create",
             [{**complaint_vals, "description": "y" * 300000}], {}, "at most 200000 characters"),
            ("acknowledge id a text", "reviewer", "crr.complaint", "action_acknowledge", [["abc"]], {},
             "is not a valid id"),
            ("acknowledge another company's", "reviewer", "crr.complaint", "action_acknowledge",
             [self.complaint_b.ids], {}, "Complaint"),
            ("complaint action id a text", "reviewer", "crr.complaint.action", "action_verify", [["abc"]], {},
             "is not a valid id"),
            # change requests
            ("change quantity 1e20", "sales_own", "crr.change.request.line", "write",
             [self.change.line_ids.ids, {"new_product_uom_qty": 1e20}], {}, "between -1e+09 and 1e+09"),
            ("change quantity a text", "sales_own", "crr.change.request", "create",
             [{**cr_vals, "line_ids": [(0, 0, {"order_line_id": cr_line, "new_product_uom_qty": "twelve"})]}], {},
             "must be a number"),
            ("change price negative", "sales_own", "crr.change.request.line", "write",
             [self.change.line_ids.ids, {"new_price_unit": -1}], {}, "cannot be negative"),
            ("change date malformed", "sales_own", "crr.change.request", "write",
             [self.change.ids, {"new_commitment_date": "soon"}], {}, "give a date such as"),
            ("change reason a number", "sales_own", "crr.change.request", "write", [self.change.ids, {"reason": 7}],
             {}, "give a text"),
            ("change origin unknown", "sales_own", "crr.change.request", "write",
             [self.change.ids, {"origin": "martian"}], {}, "use one of"),
            ("change line command unknown", "sales_own", "crr.change.request", "write",
             [self.change.ids, {"line_ids": [(9, 0, 0)]}], {}, "give a list of commands or ids"),
            ("submit id a text", "sales_own", "crr.change.request", "action_submit", [["abc"]], {},
             "is not a valid id"),
            # review rules
            ("rule domain of the wrong type", "manager", "crr.review.rule", "create",
             [{"name": "Typed", "domain": "[('amount_untaxed', '>=', 'abc')]"}], {}, "cannot be used on quotations"),
            ("rule name too long", "manager", "crr.review.rule", "create",
             [{"name": "r" * 1000, "domain": "[]"}], {}, "at most 256 characters"),
            ("rule departments not ids", "manager", "crr.review.rule", "create",
             [{"name": "Ids", "domain": "[]", "department_ids": [(6, 0, ["abc"])]}], {}, "list of numeric ids"),
            ("rule contract type unknown", "manager", "crr.review.rule", "create",
             [{"name": "Odd", "domain": "[]", "contract_type": "odd"}], {}, "use one of"),
            # settings
            ("review deadline of 10,000,000 days", self.system, "res.company", "write",
             [self.company.ids, {"crr_review_deadline_days": 10_000_000}], {}, "cannot exceed 365"),
            ("complaint closing of 100,000 days", self.system, "res.company", "write",
             [self.company.ids, {"crr_complaint_close_days_minor": 100_000}], {}, "cannot exceed 365"),
            ("large order amount 1e20", self.system, "res.company", "write",
             [self.company.ids, {"crr_amount_threshold": 1e20}], {}, "cannot exceed"),
            # substitutions
            ("substitute for another", "reviewer", "crr.review.substitute", "create",
             [{**sub_vals, "user_id": self.reviewers["general_manager"].id}], {}, "Only review managers"),
            ("portal substitute", "manager", "crr.review.substitute", "create",
             [{**sub_vals, "substitute_id": self.users["portal_a"].id}], {}, "is not a reviewer"),
            ("substitution date malformed", "reviewer", "crr.review.substitute", "create",
             [{**sub_vals, "date_to": "someday"}], {}, "give a date such as"),
            ("substitution ends before it starts", "reviewer", "crr.review.substitute", "create",
             [{**sub_vals, "date_from": "2026-06-30", "date_to": "2026-06-01"}], {}, "must end on or after"),
            # satisfaction
            ("criterion weight 1e308", self.system, "survey.question", "write",
             [question[:1].ids, {"crr_weight": 1e308}], {}, "at most 1000"),
            ("criterion weight nan", self.system, "survey.question", "write",
             [question[:1].ids, {"crr_weight": float("nan")}], {}, "at most 1000"),
            ("answer of another question", self.system, "survey.user_input.line", "create",
             [{"user_input_id": user_input.id, "question_id": question[0].id, "answer_type": "suggestion",
               "suggested_answer_id": other_answer.id}], {}, "is not one of the answers"),
            ("campaign year a text", "manager", "crr.satisfaction.campaign", "create",
             [{"year": "abc", "half": "h1", "survey_id": self.survey.id}], {}, "give a number"),
            ("campaign year 99999", "manager", "crr.satisfaction.campaign", "create",
             [{"year": 99999, "half": "h1", "survey_id": self.survey.id}], {}, "between 1901 and 2999"),
            # requirements and departments
            ("requirement category unknown", "sales_own", "crr.requirement", "create",
             [{"order_id": self.quote.id, "name": "X", "category": "weird"}], {}, "use one of"),
            ("requirement response unknown", "sales_own", "crr.requirement", "write",
             [self.requirement.ids, {"response": "perhaps"}], {}, "use one of"),
            ("department code too long", "manager", "crr.department", "create",
             [{"name": "Long", "code": "c" * 300}], {}, "at most 256 characters"),
        ]

    def test_malformed_rpc_calls(self):
        calls = self._malformed_rpc_calls()
        self.assertGreaterEqual(len(calls), 60)
        before = self._snapshot()
        for label, who, model, method, args, kwargs, message in calls:
            user = self.users[who] if isinstance(who, str) else who
            with self.subTest(label):
                with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"), \
                        self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._rpc(user, model, method, *args, **kwargs)
                fault = caught.exception
                # a UserError/ValidationError or an AccessError, never a server error with a traceback
                self.assertIn(fault.faultCode, (FAULT_USER_ERROR, FAULT_ACCESS_ERROR), fault.faultString[-600:])
                self.assertNotIn("Traceback", fault.faultString)
                self.assertIn(message, fault.faultString)
                self.assertEqual(self._snapshot(), before, label)

    # -- malformed calls over HTTP -------------------------------------------------------------------------
    def test_malformed_portal_and_xlsx_requests(self):
        before = self._snapshot()
        self.authenticate("crr_t_doors_portal_a", "crr_t_doors_portal_a")
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        csrf = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        own_order = self.confirmed[1]
        good = {"csrf_token": csrf, "order_id": own_order.id, "subject": "Leaks", "category": "quality",
                "affected_qty": "3", "description": "Three leak."}
        quantity = "The affected quantity must be a number between 0 and"
        for label, changes, message in (
            ("quantity nan", {"affected_qty": "nan"}, quantity),
            ("quantity inf", {"affected_qty": "inf"}, quantity),
            ("quantity -inf", {"affected_qty": "-inf"}, quantity),
            ("quantity 1e308", {"affected_qty": "1e308"}, quantity),
            ("quantity negative", {"affected_qty": "-1"}, quantity),
            ("quantity a text", {"affected_qty": "twelve"}, quantity),
            ("subject too long", {"subject": "s" * 1000}, "Keep the subject under 256 characters"),
            ("description too long", {"description": "d" * 30000}, "Keep the description under"),
            ("unknown category", {"category": "bogus"}, "Choose the kind of problem from the list"),
            ("order id a text", {"order_id": "abc"}, "Choose one of your own confirmed orders"),
            ("order of another customer", {"order_id": self.confirmed_b.id}, "Choose one of your own confirmed"),
            ("no subject", {"subject": "   "}, "Give your complaint a short subject"),
        ):
            with self.subTest(label):
                response = self.url_open("/my/complaints/new", data={**good, **changes})
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertEqual(self._snapshot(), before)
        # the XLSX route, as a review manager
        self.authenticate("crr_t_manager", "crr_t_manager")
        base = "/customer_requirement_review/xlsx/crr.complaint"
        for label, query, message in (
            ("domain not JSON", "?domain=not-json", "is not a JSON list of conditions"),
            ("domain an object", '?domain={"a":1}', "is not a JSON list of conditions"),
            ("domain unknown field", '?domain=[["no_field","=",1]]', "cannot be used on"),
            ("domain of the wrong type", '?domain=[["cost",">=","abc"]]', "cannot be used on"),
            ("ids not numbers", "?ids=1,abc", "is not a record id"),
            ("model not exportable", None, "cannot be exported"),
        ):
            with self.subTest(label):
                url = base + query if query else "/customer_requirement_review/xlsx/res.users?ids=1"
                with mute_logger("odoo.http"):
                    response = self.url_open(url)
                self.assertIn(response.status_code, (400, 403, 422), response.text[:300])
                self.assertIn(message, response.text)
        self.assertEqual(self._snapshot(), before)
