"""Per-department checklists (the procedures' checks): shipped, answered on the review line, required to approve,
frozen once decided, kept, printed; over the ORM and over XML-RPC."""

import xmlrpc.client

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewChecklist(CrrReviewCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crr_review_checklist = True
        cls.Item = cls.env["crr.checklist.item"]
        cls.Check = cls.env["crr.review.line.check"]

    def _answer_all(self, order, answer="yes"):
        for line in order._crr_round_lines().filtered(lambda line: line.state == "pending"):
            line.check_ids.with_user(self.reviewers[line.department_id.code]).action_answer(answer)

    def _approve_steps(self, order):
        for _step in range(5):
            order.invalidate_recordset()
            self._answer_all(order)
            for line in order._crr_round_lines().filtered(lambda line: line.state == "pending"):
                line.with_user(self.reviewers[line.department_id.code]).action_approve()
            if order.review_state == "approved":
                return

    def test_shipped_checklists(self):
        """Every shipped department has the procedures' checks, e.g. production's capacity, delivery date, safety
        stock and customer-specified material."""
        for code in ("sales", "technical", "quality", "production", "procurement", "logistics", "finance",
                     "general_manager"):
            self.assertTrue(self.dep[code].checklist_item_ids, code)
        names = " ".join(self.dep["production"].checklist_item_ids.mapped("name"))
        for needle in ("Capacity", "Delivery date", "Safety stock", "Customer-specified material"):
            self.assertIn(needle, names)
        technical = " ".join(self.dep["technical"].checklist_item_ids.mapped("name"))
        for needle in ("Drawings", "Packaging", "Feasibility"):
            self.assertIn(needle, technical)
        # in the procedures' own terms in Chinese
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        zh_names = self.dep["production"].checklist_item_ids.with_context(lang="zh_CN").mapped("name")
        self.assertIn("交期能够达成（100%）", zh_names)
        self.assertIn("顾客指定材料已明确", zh_names)
        # a new company's departments come with their checklists
        company = self.env["res.company"].create({"name": "Checklist Company B"})
        production_b = self.env["crr.department"].search(
            [("company_id", "=", company.id), ("code", "=", "production")]
        )
        self.assertEqual(
            production_b.checklist_item_ids.mapped("name"), self.dep["production"].checklist_item_ids.mapped("name")
        )
        self.assertEqual(production_b.checklist_item_ids.company_id, company)

    def test_checklist_required_frozen_and_kept(self):
        order = self._order(products=[self.new_good])
        order.action_request_review()
        lines = order._crr_round_lines()
        for line in lines:
            self.assertEqual(line.check_ids.item_id, line.department_id.checklist_item_ids, line.department_id.code)
            self.assertFalse(any(line.check_ids.mapped("answer")))
        sales = lines.filtered(lambda line: line.department_id == self.dep["sales"])
        reviewer = self.reviewers["sales"]
        # unanswered: the approval is refused, naming the items
        with self.assertRaisesRegex(UserError, "Answer every item of the checklist"):
            sales.with_user(reviewer).action_approve()
        # a "no" needs the department's opinion
        checks = sales.check_ids.with_user(reviewer)
        checks.action_answer("yes")
        checks[0].write({"answer": "no", "note": "Price below the policy"})
        self.assertEqual(checks[0].answered_by_id, reviewer)
        with self.assertRaisesRegex(UserError, "answers \"no\""):
            sales.with_user(reviewer).action_approve()
        self.assertEqual(sales.state, "pending")
        # another department's reviewer answers nothing here
        with self.assertRaisesRegex(UserError, "Only the reviewers who may decide"):
            sales.check_ids[1].with_user(self.reviewers["quality"]).action_answer("na")
        # nobody creates an answer line, nor changes its item
        with self.assertRaisesRegex(UserError, "created with their review line"):
            self.Check.sudo().create({"line_id": sales.id, "item_id": sales.check_ids[0].item_id.id})
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            checks[1].write({"item_id": checks[0].item_id.id})
        sales.with_user(reviewer).action_approve(opinion="Discount approved by the sales manager.")
        self.assertEqual(sales.state, "approved")
        # frozen once decided, and kept
        with self.assertRaisesRegex(UserError, "frozen"):
            checks[0].with_user(self.manager).write({"answer": "yes"})
        with self.assertRaisesRegex(UserError, "kept"):
            checks.with_user(self.manager).sudo().unlink()
        with self.assertRaises(UserError):
            self.Item.browse(checks[0].item_id.id).unlink()
        # a rejection needs no answers (the opinion says why)
        quality = lines.filtered(lambda line: line.department_id == self.dep["quality"])
        quality.with_user(self.reviewers["quality"]).action_reject(opinion="No salt spray chamber.")
        self.assertEqual(order.review_state, "rejected")

    def _request_count(self):
        order = self._order(products=[self.new_good])
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        order.action_request_review()
        self.env.flush_all()
        return order, self.env.cr.sql_log_count - before

    def test_batched_and_printed(self):
        """The answer lines are created with the round's lines in one batch (the request costs no query per
        item), and the review form prints them."""
        self._request_count()  # warm-up
        order, small = self._request_count()
        self.Item.create(
            [
                {"department_id": department.id, "name": f"Extra check {i}"}
                for department in self.dep.values()
                for i in range(5)
            ]
        )
        _other, many = self._request_count()
        self.assertLessEqual(abs(many - small), 2, (small, many))
        self._approve_steps(order)
        self.assertEqual(order.review_state, "approved")
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_review", res_ids=order.ids
        )
        text = html.decode()
        self.assertIn("Department Checklists", text)
        self.assertIn(self.dep["production"].checklist_item_ids[0].name, text)

    def test_carried_over_answers(self):
        order = self._order(products=[self.new_good])
        order.action_request_review()
        self._approve_steps(order)
        self.assertEqual(order.review_state, "approved")
        # a price change: finance (and the GM) asked again, the others' approvals and answers carried over
        order.order_line[0].price_unit = 90.0
        order.action_request_review()
        carried = order._crr_round_lines().filtered("carried_over")
        self.assertTrue(carried)
        for line in carried:
            self.assertTrue(line.check_ids)
            self.assertEqual(set(line.check_ids.mapped("answer")), {"yes"})

    def test_checklist_off(self):
        self.company.crr_review_checklist = False
        order = self._order(products=[self.new_good])
        order.action_request_review()
        self.assertFalse(order._crr_round_lines().check_ids)

    # -- XML-RPC -------------------------------------------------------------------------------------
    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def _refused(self, message, user, model, method, *args, **kwargs):
        with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"), \
                self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(user, model, method, *args, **kwargs)
        self.assertIn(message, caught.exception.faultString)
        self.env.invalidate_all()

    def test_xmlrpc(self):
        order = self._order(products=[self.new_good])
        order.action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.department_id == self.dep["technical"])
        reviewer = self.reviewers["technical"]
        self._refused("Answer every item", reviewer, "crr.review.line", "action_approve", line.ids)
        self._refused("not a valid", reviewer, "crr.review.line.check", "action_answer", line.check_ids.ids, "maybe")
        self._refused("changes only through its action", reviewer, "crr.review.line.check", "write",
                      line.check_ids.ids, {"answered_by_id": self.manager.id})
        self._rpc(reviewer, "crr.review.line.check", "action_answer", line.check_ids.ids, "na")
        self._rpc(reviewer, "crr.review.line.check", "write", line.check_ids[:1].ids, {"answer": "no", "note": "x"})
        self._refused("answers \"no\"", reviewer, "crr.review.line", "action_approve", line.ids)
        self._rpc(reviewer, "crr.review.line", "action_approve", line.ids, opinion="Drawing revision C needed.")
        self.env.invalidate_all()
        self.assertEqual(line.state, "approved")
        self._refused("frozen", reviewer, "crr.review.line.check", "write", line.check_ids.ids, {"answer": "yes"})
        self._refused("not allowed", self.manager, "crr.review.line.check", "unlink", line.check_ids.ids)
        self.assertEqual(line.check_ids[0].answer, "no")
        # through the line form's One2many too
        sales = order._crr_round_lines().filtered(lambda line: line.department_id == self.dep["sales"])
        self._rpc(self.reviewers["sales"], "crr.review.line", "write", sales.ids,
                  {"check_ids": [[1, check.id, {"answer": "yes"}] for check in sales.check_ids]})
        self.env.invalidate_all()
        self.assertEqual(set(sales.check_ids.mapped("answer")), {"yes"})
