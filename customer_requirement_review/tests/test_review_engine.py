"""The review engine's rules: approvals never stand on terms they did not see, the next round after a rejection,
no approval over a deficiency, clean rounds, the retention date."""

from datetime import date

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common_change_request import CrrChangeRequestCommon


@tagged("post_install", "-at_install")
class TestReviewEngine(CrrChangeRequestCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("customer_requirement_review.mail_activity_crr_review")

    def _line(self, order, code):
        return order._crr_round_lines().filtered(lambda line: line.department_id.code == code)

    def _special_in_review(self, approve=()):
        order = self._order(products=[self.new_good])
        order.with_user(self.salesperson).action_request_review()
        for code in approve:
            self._line(order, code).with_user(self.reviewers[code]).action_approve()
        return order

    def _states(self, order):
        return {line.department_id.code: line.state for line in order._crr_round_lines()}

    def test_every_subject_reached_through_the_one_accessor(self):
        """Every subject of the engine (a model with ``crr.review.mixin``) names its lines through a Many2one of
        the line listed in ``_crr_subject_fields``, which ``_crr_subject()`` walks (the order last: a change
        request's lines name its order too); a line naming one subject answers that subject."""
        Line = self.env["crr.review.line"]
        mixin = self.env.registry["crr.review.mixin"]
        subjects = {
            name: self.env[name] for name, model in self.env.registry.items()
            if not model._abstract and issubclass(model, mixin)
        }
        self.assertIn("sale.order", subjects)
        self.assertIn("crr.change.request", subjects)
        self.assertEqual(Line._crr_subject_fields[-1], "order_id")
        self.assertEqual(len(set(Line._crr_subject_fields)), len(Line._crr_subject_fields))
        by_model = {Line._fields[name].comodel_name: name for name in Line._crr_subject_fields}
        for name, Subject in subjects.items():
            with self.subTest(subject=name):
                self.assertIn(name, by_model)
                lines_field = Subject._fields[Subject._crr_review_lines_field]
                self.assertEqual(lines_field.inverse_name, by_model[name])
        # a line of each subject, as a request builds it: its subject is the record it names
        for field_name in Line._crr_subject_fields:
            with self.subTest(field=field_name):
                Subject = self.env[Line._fields[field_name].comodel_name]
                record = Subject.search([], limit=1)
                if not record:
                    continue
                line = Line.new({field_name: record.id})
                self.assertEqual(line._crr_subject(), record)

    def test_edit_during_review_reopens_the_departments_concerned(self):
        order = self._special_in_review(approve=("sales", "technical", "quality", "finance", "production"))
        finance = self._line(order, "finance")
        order.with_user(self.salesperson).payment_term_id = self.term_30
        states = self._states(order)
        # finance reviews payment terms: its approval is reopened; the others' stand or continue
        self.assertEqual(states["finance"], "pending")
        self.assertFalse(finance.reviewer_id or finance.decision_date)
        self.assertIn("Terms changed during the review", finance.reopen_reason)
        self.assertEqual(finance.activity_ids.activity_type_id, self.activity_type)
        self.assertEqual(
            {code: states[code] for code in ("sales", "technical", "quality", "production")},
            dict.fromkeys(("sales", "technical", "quality", "production"), "approved"),
        )
        self.assertEqual((states["procurement"], states["general_manager"]), ("pending", "waiting"))
        self.assertEqual((order.review_state, order.review_round), ("in_review", 1))
        self.assertIn("Finance", order.message_ids[0].body)
        # the quotation confirms only once finance approved the new terms too
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")

    def test_edit_during_review_asks_departments_newly_required(self):
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(set(self._states(order)), {"sales"})
        self.assertEqual(order.contract_type, "regular")
        # a new product for the customer: a special contract, every department and the general manager
        order.with_user(self.salesperson).write(
            {"order_line": [Command.create({"product_id": self.new_good.id, "product_uom_qty": 1})]}
        )
        states = self._states(order)
        self.assertEqual(set(states), set(self.dep))
        self.assertEqual(states["general_manager"], "waiting")
        self.assertEqual(order.contract_type, "special")
        self.assertEqual(order.review_round, 1)
        self._approve_all(order)
        self.assertEqual(order.review_state, "approved")

    def test_next_round_after_rejection(self):
        order = self._special_in_review(
            approve=("sales", "technical", "production", "procurement", "logistics", "finance")
        )
        self._line(order, "quality").with_user(self.reviewers["quality"]).action_reject(opinion="No salt spray test")
        self.assertEqual(order.review_state, "rejected")
        # clean round: the final approval that never opened is superseded, no activity is left
        self.assertEqual(self._states(order)["general_manager"], "superseded")
        self.assertFalse(order._crr_round_lines().activity_ids)
        # the salesperson revises the payment terms; the next round asks the rejecting department, those the
        # changes concern and the final approval; the other approvals are carried over
        order.with_user(self.salesperson).payment_term_id = self.term_30
        self.assertEqual((order.review_state, order.crr_rereview_kinds), ("rejected", "payment"))
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines()
        asked = lines.filtered(lambda line: line.state in ("pending", "waiting"))
        self.assertEqual(set(asked.department_id.mapped("code")), {"quality", "finance", "general_manager"})
        carried = lines.filtered("carried_over")
        self.assertEqual(
            set(carried.department_id.mapped("code")), {"sales", "technical", "production", "procurement", "logistics"}
        )

    def test_no_approval_over_a_deficiency_of_any_department(self):
        order = self._order(products=[self.service])
        requirement = self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Salt spray 96h", "department_id": self.dep["quality"].id,
             "response": "deviation"}
        )
        order.with_user(self.salesperson).action_request_review()
        sales = self._line(order, "sales")
        self.assertEqual(order._crr_round_lines(), sales)
        # quality does not review this order, but its open deviation blocks the approval of the review
        with self.assertRaisesRegex(UserError, "cannot be approved while requirements are unanswered"):
            sales.with_user(self.reviewers["sales"]).action_approve()
        requirement.resolution = "Customer accepts 72h"
        requirement.action_close_deficiency()
        self.assertEqual(order.review_state, "in_review")
        # a requirement without department belongs to sales
        unanswered = self.env["crr.requirement"].create({"order_id": order.id, "name": "Packing in wooden crates"})
        with self.assertRaisesRegex(UserError, "Sales department must answer its requirements"):
            sales.with_user(self.reviewers["sales"]).action_approve()
        unanswered.response = "comply"
        sales.with_user(self.reviewers["sales"]).action_approve()
        self.assertEqual(order.review_state, "approved")

    def test_open_requirements_cannot_be_forged(self):
        """The order's open requirements, which an approval checks instead of reading the requirements, follow the
        requirements and are written by nobody: a salesperson clearing them (write, or an empty value given with
        pending requirements at creation) does not let an approval through."""
        order = self._order(
            products=[self.service], crr_open_requirement_keys=False,
            requirement_ids=[Command.create({"name": "Salt spray 96h"})],
        )
        self.assertEqual(order.crr_open_requirement_keys, "0")
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            order.with_user(self.salesperson).write({"crr_open_requirement_keys": False})
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            self._order(products=[self.service], crr_open_requirement_keys="999")
        order.with_user(self.salesperson).action_request_review()
        sales = self._line(order, "sales")
        with self.assertRaisesRegex(UserError, "Sales department must answer its requirements"):
            sales.with_user(self.reviewers["sales"]).action_approve()
        requirement = order.requirement_ids
        requirement.write({"department_id": self.dep["quality"].id, "response": "deviation"})
        self.assertEqual(order.crr_open_requirement_keys, str(self.dep["quality"].id))
        with self.assertRaisesRegex(UserError, "cannot be approved while requirements are unanswered"):
            sales.with_user(self.reviewers["sales"]).action_approve()
        requirement.write({"resolution": "Customer accepts 72h"})
        requirement.action_close_deficiency()
        self.assertFalse(order.crr_open_requirement_keys)
        sales.with_user(self.reviewers["sales"]).action_approve()
        self.assertEqual(order.review_state, "approved")

    def test_cancelled_review_rounds_are_clean(self):
        order = self._special_in_review(approve=("sales",))
        round_lines = order._crr_round_lines()
        self.assertTrue(round_lines.activity_ids)
        order.with_user(self.salesperson).action_cancel()
        self.assertEqual(order.review_state, "to_review")
        self.assertEqual(set(self._states(order).values()), {"approved", "superseded"})
        self.assertFalse(round_lines.activity_ids)
        # a decision on a superseded line is refused
        with self.assertRaisesRegex(UserError, "no longer open"):
            self._line(order, "quality").with_user(self.reviewers["quality"]).action_approve()

    def test_retention_date(self):
        order = self._order()
        self.assertFalse(order.crr_retention_date)
        order.with_user(self.salesperson).action_cancel()
        year = order.date_order.year
        self.assertEqual(order.crr_retention_date, date(year + 1, 12, 31))
        self.company.crr_retention_years_order = 3
        order.invalidate_recordset(["crr_retention_date"])
        self.assertEqual(order.crr_retention_date, date(year + 3, 12, 31))

    def test_every_subject_link_of_a_review_line_is_action_only(self):
        """Each extension of crr.review.line adds its subject's link to the action-only fields of the one
        loaded before it: a link left out (two extensions built on the same parent) could be rewritten over RPC."""
        Line = self.env["crr.review.line"]
        mixin = self.env.registry["crr.review.mixin"]
        subject_models = {
            name for name, model in self.env.registry.items() if not model._abstract and issubclass(model, mixin)
        }
        links = [
            name for name, field in Line._fields.items()
            if field.type == "many2one" and field.comodel_name in subject_models
        ]
        self.assertGreaterEqual(len(links), 6, links)
        missing = [name for name in links if name not in Line._crr_action_fields]
        self.assertFalse(missing, f"subject links that are not action-only: {missing}")
