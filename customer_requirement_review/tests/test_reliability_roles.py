"""Every role against every model: read, create, write and unlink, allowed or denied per cell.

Roles: a salesperson (owner of the order), an all-documents salesperson, a reviewer of one department
(quality), a review manager, a sales administrator, an employee without sales rights, a portal user of the
customer and one of another customer, and a review manager of another company. The records all belong to
the first company and to the salesperson's order.
"""

from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_review import CrrReviewCommon

ROLES = (
    "salesperson", "sales_all", "reviewer", "manager", "sales_admin", "employee", "portal", "portal_b",
    "other_company",
)
OPERATIONS = ("read", "create", "write", "unlink")

# expected access per model and role: R(ead) C(reate) W(rite) U(nlink); '-' denied
EXPECTED = {
    "crr.department": {
        "salesperson": "R---", "reviewer": "R---", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "R---", "portal_b": "----",
    },
    "crr.review.rule": {
        "salesperson": "R---", "reviewer": "R---", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "R---", "portal_b": "----",
    },
    "crr.review.line": {
        "salesperson": "R---", "reviewer": "R-W-", "manager": "R-W-", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "----", "portal_b": "----",
    },
    "crr.requirement": {
        "salesperson": "RCWU", "reviewer": "RCWU", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "RCWU", "sales_admin": "RCWU", "employee": "----", "portal_b": "----",
    },
    "crr.complaint": {
        "salesperson": "RCW-", "reviewer": "RCW-", "manager": "RCWU", "portal": "RC--", "other_company": "----",
        "sales_all": "RCW-", "sales_admin": "RCW-", "employee": "----", "portal_b": "----",
    },
    "crr.complaint.action": {
        "salesperson": "R---", "reviewer": "RCWU", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "----", "portal_b": "----",
    },
    "sale.order": {
        "salesperson": "RCW-", "reviewer": "RC--", "manager": "RCW-", "portal": "R---", "other_company": "----",
        "sales_all": "RCW-", "sales_admin": "RCWU", "employee": "----", "portal_b": "----",
    },
    # a draft change request of the salesperson's confirmed order (no review line yet)
    "crr.change.request": {
        "salesperson": "RCWU", "reviewer": "----", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "RCWU", "sales_admin": "RCWU", "employee": "----", "portal_b": "----",
    },
    "crr.change.request.line": {
        "salesperson": "RCWU", "reviewer": "----", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "RCWU", "sales_admin": "RCWU", "employee": "----", "portal_b": "----",
    },
    "crr.satisfaction.campaign": {
        "salesperson": "R---", "reviewer": "R---", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "----", "portal_b": "----",
    },
    # the substitution of the finance reviewer: reviewers manage their own absences only, review managers all
    "crr.review.substitute": {
        "salesperson": "R---", "reviewer": "RC--", "manager": "RCWU", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "R---", "portal_b": "----",
    },
    "crr.satisfaction.score": {
        "salesperson": "R---", "reviewer": "R---", "manager": "R---", "portal": "----", "other_company": "----",
        "sales_all": "R---", "sales_admin": "R---", "employee": "----", "portal_b": "----",
    },
}


@tagged("post_install", "-at_install")
class TestReliabilityRoles(CrrReviewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company_b = env["res.company"].create({"name": "Roles Company B"})
        cls.users = {
            "salesperson": cls.salesperson,
            "reviewer": cls.reviewers["quality"],
            "manager": cls.manager,
            "portal": new_test_user(env, login="crr_t_roles_portal", groups="base.group_portal"),
            "sales_all": new_test_user(
                env, login="crr_t_roles_all", groups="sales_team.group_sale_salesman_all_leads"
            ),
            "sales_admin": new_test_user(env, login="crr_t_roles_admin", groups="sales_team.group_sale_manager"),
            "employee": new_test_user(env, login="crr_t_roles_employee", groups="base.group_user"),
            "portal_b": new_test_user(env, login="crr_t_roles_portal_b", groups="base.group_portal"),
            "other_company": new_test_user(
                env, login="crr_t_roles_b", groups="customer_requirement_review.group_crr_manager",
                company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
            ),
        }
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls.users["portal_b"].partner_id.parent_id = env["res.partner"].create({"name": "Roles Customer B"})
        # a special contract: every department reviews, quality included
        cls.order = cls._order(products=[cls.new_good])
        cls.order.with_user(cls.salesperson).action_request_review()
        lines = cls.order._crr_round_lines()
        cls.line = lines.filtered(lambda line: line.department_id == cls.dep["quality"])
        cls.sales_line = lines.filtered(lambda line: line.department_id == cls.dep["sales"])
        cls.requirement = env["crr.requirement"].create(
            {"order_id": cls.order.id, "name": "RoHS", "department_id": cls.dep["quality"].id}
        )
        cls.complaint = env["crr.complaint"].create(
            {"subject": "Scratches", "partner_id": cls.customer.id, "order_id": cls.order.id}
        )
        cls.action = env["crr.complaint.action"].create({"complaint_id": cls.complaint.id, "name": "Polish"})
        cls.rule = env["crr.review.rule"].create({"name": "Roles rule", "domain": "[]"})
        # change requests live on confirmed orders of the salesperson
        cls.company.crr_review_mode = "off"
        cls.cr_orders = cls._order() | cls._order()
        cls.cr_orders.with_user(cls.salesperson).action_confirm()
        cls.company.crr_review_mode = "all"
        cls.change = env["crr.change.request"].with_user(cls.salesperson).create({
            "order_id": cls.cr_orders[0].id, "reason": "More units",
            "line_ids": [Command.create({"order_line_id": cls.cr_orders[0].order_line[0].id, "new_product_uom_qty": 5})],
        })
        survey = env.ref("customer_requirement_review.crr_satisfaction_survey")
        cls.campaign = env["crr.satisfaction.campaign"].create({"year": 2026, "half": "h1", "survey_id": survey.id})
        with crr_scope():
            answer = survey._create_answer(partner=cls.customer, check_attempts=False, crr_campaign_id=cls.campaign.id)
        cls.criterion = survey.question_ids.filtered("crr_is_criterion")[:1]
        answer._save_lines(cls.criterion, cls.criterion.suggested_answer_ids[:1].id)
        answer._mark_done()
        cls.answer = answer
        cls.substitution = env["crr.review.substitute"].create({
            "user_id": cls.reviewers["finance"].id, "substitute_id": cls.reviewers["technical"].id,
            "date_to": "2026-12-31",
        })
        cls.records = {
            "crr.review.substitute": cls.substitution,
            "crr.department": cls.dep["quality"],
            "crr.review.rule": cls.rule,
            "crr.review.line": cls.line,
            "crr.requirement": cls.requirement,
            "crr.complaint": cls.complaint,
            "crr.complaint.action": cls.action,
            "sale.order": cls.order,
            "crr.change.request": cls.change,
            "crr.change.request.line": cls.change.line_ids,
            "crr.satisfaction.campaign": cls.campaign,
            "crr.satisfaction.score": answer.crr_score_ids,
        }

    def _create_vals(self, model, role):
        company = self.company.id
        return {
            "crr.department": {"name": f"Dept {role}", "code": f"roles_{role}", "company_id": company},
            "crr.review.rule": {"name": f"Rule {role}", "domain": "[]", "company_id": company},
            "crr.review.line": {"order_id": self.order.id, "department_id": self.dep["quality"].id, "round": 99},
            "crr.requirement": {"order_id": self.order.id, "name": f"Req {role}"},
            "crr.complaint": {"subject": f"Complaint {role}", "partner_id": self.customer.id,
                              "order_id": self.order.id, "company_id": company},
            "crr.complaint.action": {"complaint_id": self.complaint.id, "name": f"Action {role}"},
            "sale.order": {"partner_id": self.customer.id, "company_id": company},
            "crr.change.request": {"order_id": self.cr_orders[1].id, "reason": f"Change {role}"},
            "crr.change.request.line": {"change_request_id": self.change.id, "new_product_id": self.good.id,
                                        "new_product_uom_qty": 1},
            "crr.satisfaction.campaign": {"year": 2030, "half": "h2", "survey_id": self.campaign.survey_id.id,
                                          "company_id": company},
            "crr.satisfaction.score": {"user_input_id": self.answer.id, "question_id": self.criterion.id,
                                       "score": 55, "weight": 1},
            # the quality reviewer's own absence
            "crr.review.substitute": {"user_id": self.reviewers["quality"].id,
                                      "substitute_id": self.reviewers["technical"].id, "date_to": "2026-12-31",
                                      "company_id": company},
        }[model]

    WRITE_VALS = {
        "crr.department": {"color": 3},
        "crr.review.rule": {"sequence": 11},
        "crr.review.line": {"opinion": "Checked"},
        "crr.requirement": {"sequence": 11},
        "crr.complaint": {"color": 3},
        "crr.complaint.action": {"name": "Polish again"},
        "sale.order": {"note": "Roles"},
        "crr.change.request": {"reason": "Roles"},
        "crr.change.request.line": {"new_product_uom_qty": 7},
        "crr.satisfaction.campaign": {"name": "Roles"},
        "crr.satisfaction.score": {"score": 55},
        "crr.review.substitute": {"note": "Back on Monday"},
    }

    def _check_cell(self, model, role, operation, allowed):
        user = self.users[role]
        record = self.records[model].with_user(user)
        cell = f"{model} / {role} / {operation}"
        if operation == "create":
            with self.env.cr.savepoint(flush=False) as savepoint:
                if allowed:
                    created = self.env[model].with_user(user).create(self._create_vals(model, role))
                    self.assertTrue(created.exists())
                else:
                    with self.assertRaises(AccessError, msg=cell):
                        self.env[model].with_user(user).create(self._create_vals(model, role))
                        self.env.flush_all()
                savepoint.rollback()
            return
        self.assertEqual(record.has_access(operation), allowed, cell)
        if allowed:
            if operation == "read":
                record.read(["display_name"])
            return
        with self.env.cr.savepoint(flush=False) as savepoint:
            with self.assertRaises(AccessError, msg=cell):
                if operation == "read":
                    record.read(["display_name"])
                elif operation == "write":
                    record.write(self.WRITE_VALS[model])
                    self.env.flush_all()
                else:
                    record.unlink()
            savepoint.rollback()

    def test_access_table(self):
        for model, per_role in EXPECTED.items():
            for role in ROLES:
                flags = per_role[role]
                for operation, flag in zip(OPERATIONS, flags, strict=True):
                    with self.subTest(model=model, role=role, operation=operation):
                        self._check_cell(model, role, operation, flag != "-")
                self.env.invalidate_all()

    def test_reviewer_of_another_department_reads_but_never_writes(self):
        """A reviewer of the order reads the other departments' lines of it (their decisions, issue 18), and
        writes none of them."""
        finance_line = self.order._crr_round_lines().filtered(
            lambda line: line.department_id == self.dep["finance"]
        )
        reviewer = self.users["reviewer"]
        self.assertTrue(finance_line.with_user(reviewer).has_access("read"))
        self.assertFalse(finance_line.with_user(reviewer).has_access("write"))
        self.assertEqual(
            self.env["crr.review.line"].with_user(reviewer).search([("order_id", "=", self.order.id)]),
            self.order._crr_round_lines(),
        )

    def test_decided_lines_and_closed_complaints_are_never_deleted(self):
        self.sales_line.with_user(self.reviewers["sales"]).action_approve()
        self.assertEqual(self.sales_line.state, "approved")
        with crr_scope():
            self.complaint.sudo().write({"state": "closed"})
        admin = self.env.ref("base.user_admin")
        for label, env in (
            ("review manager", self.env(user=self.manager)),
            ("admin", self.env(user=admin)),
            ("superuser", self.env(su=True)),
        ):
            with self.subTest(who=label):
                # no group may delete review lines (AccessError); the superuser is refused by the record guard
                with self.assertRaisesRegex(
                    AccessError if not env.su else UserError,
                    "not allowed to delete" if not env.su else "Review lines are kept as the record of the review",
                ):
                    self.sales_line.with_env(env).unlink()
                with self.assertRaisesRegex(UserError, "Cancel a complaint instead"):
                    self.complaint.with_env(env).unlink()
                with self.assertRaisesRegex(UserError, "actions of closed complaints cannot be deleted"):
                    self.action.with_env(env).unlink()
                self.assertTrue(self.sales_line.exists() and self.complaint.exists() and self.action.exists())

    def test_salesperson_analyses_scores_by_criterion(self):
        """The Scores Analysis pivot groups by criterion (a survey question) for salespeople too."""
        groups = self.env["crr.satisfaction.score"].with_user(self.salesperson).formatted_read_group(
            [("campaign_id", "=", self.campaign.id)], ["question_id"], ["score:avg"]
        )
        self.assertEqual([group["question_id"][0] for group in groups], self.criterion.ids)
        self.assertEqual(groups[0]["question_id"][1], self.criterion.title)
