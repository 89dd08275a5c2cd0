from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewTodo(CrrReviewCommon):
    """The reviewer's day: one activity per department and round, other departments' lines readable (not
    writable), the department's deviations resolved from the line, bulk approval (all or nothing), escalation
    of overdue lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crr_escalation_days = 2
        cls.production2 = new_test_user(
            cls.env, login="crr_t_rev_production2", groups="customer_requirement_review.group_crr_reviewer",
            name="Second Production Reviewer",
        )
        cls.dep["production"].user_ids = [Command.link(cls.production2.id)]
        cls.activity_type = cls.env.ref("customer_requirement_review.mail_activity_crr_review")

    def _regular(self, **vals):
        """A regular order of goods: sales, production and procurement review it."""
        order = self._order(products=[self.good], **vals)
        order.with_user(self.salesperson).action_request_review()
        return order, {line.department_id.code: line for line in order._crr_round_lines()}

    def _review_activities(self, lines):
        return lines.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)

    # -- one activity per department and round -----------------------------------------------------
    def test_one_activity_per_department_removed_quietly(self):
        order, lines = self._regular()
        self.assertEqual(set(lines), {"sales", "production", "procurement"})
        production = lines["production"]
        # two reviewers in production, one activity: its first reviewer's (no head)
        self.assertEqual(self._review_activities(production).user_id, self.reviewers["production"])
        self.assertEqual(len(self._review_activities(lines["procurement"])), 1)
        # sales concludes in step 2: no activity while it waits
        self.assertEqual(lines["sales"].state, "waiting")
        self.assertFalse(self._review_activities(lines["sales"]))
        # the head (a reviewer of the department) gets the to-do of the next rounds
        self.dep["production"].head_id = self.production2
        order2, lines2 = self._regular()
        self.assertEqual(self._review_activities(lines2["production"]).user_id, self.production2)
        # the other reviewer decides: the activity is removed, no "done" message on the line
        messages_before = len(lines2["production"].message_ids)
        lines2["production"].with_user(self.reviewers["production"]).action_approve()
        self.assertFalse(self._review_activities(lines2["production"]))
        done_subtype = self.env.ref("mail.mt_activities")
        new_messages = lines2["production"].message_ids[: len(lines2["production"].message_ids) - messages_before]
        self.assertFalse(new_messages.filtered(lambda m: m.subtype_id == done_subtype))

    def test_four_eyes_activity_never_to_the_requester(self):
        self.dep["sales"].head_id = self.salesperson
        self.dep["sales"].user_ids = [Command.link(self.salesperson.id)]
        order = self._order(products=[self.service])
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(self._review_activities(order._crr_round_lines()).user_id, self.reviewers["sales"])

    # -- the other departments' decisions ---------------------------------------------------------
    def test_reviewers_read_other_departments_lines_not_write(self):
        order, lines = self._regular()
        lines["procurement"].with_user(self.reviewers["procurement"]).action_approve(
            opinion="Steel ordered", conditions="Delivery not before week 12"
        )
        production = self.reviewers["production"]
        all_lines = order.review_line_ids.with_user(production)
        # read: every line of the order he reviews, with opinions and conditions
        rows = {row["department_id"][0]: row for row in all_lines.read(["department_id", "opinion", "conditions"])}
        self.assertEqual(rows[self.dep["procurement"].id]["conditions"], "Delivery not before week 12")
        others = lines["production"].with_user(production).crr_round_line_ids
        self.assertEqual(others, lines["sales"] | lines["procurement"])
        self.assertEqual(others.filtered(lambda line: line.department_id.code == "procurement").opinion,
                         "Steel ordered")
        # write: only his department's line
        with self.assertRaises(AccessError):
            lines["sales"].with_user(production).write({"opinion": "not mine"})
        with self.assertRaises(UserError):
            lines["sales"].with_user(production).action_approve()
        lines["production"].with_user(production).write({"opinion": "Capacity in week 12"})
        # a reviewer of a department the order does not ask reads none of its lines
        with self.assertRaises(AccessError):
            order.review_line_ids.with_user(self.reviewers["finance"]).read(["opinion"])

    def test_general_manager_sees_every_decision(self):
        order = self._order(products=[self.good, self.new_good])
        order.with_user(self.salesperson).action_request_review()
        opinions = {}
        for line in order._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step)):
            code = line.department_id.code
            if code == "general_manager":
                continue
            line.invalidate_recordset(["state"])
            opinions[code] = f"{code} agrees"
            line.with_user(self.reviewers[code]).action_approve(opinion=opinions[code])
        gm_line = order._crr_round_lines().filtered("is_final_approval").with_user(self.reviewers["general_manager"])
        self.assertEqual(gm_line.state, "pending")
        seen = {line.department_id.code: line.opinion for line in gm_line.crr_round_line_ids}
        self.assertEqual(seen, opinions)

    # -- the order summary and the department's requirements --------------------------------------
    def test_summary_and_requirements_of_the_department(self):
        order = self._order(products=[self.good])
        own = self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Tolerance 0.01 mm", "department_id": self.dep["production"].id,
             "response": "deviation", "response_note": "0.02 mm only"}
        )
        other = self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Salt spray 96 h", "department_id": self.dep["quality"].id,
             "response": "deviation"}
        )
        self.env["crr.requirement"].create({"order_id": order.id, "name": "Blue cartons", "response": "comply"})
        order.with_user(self.salesperson).action_request_review()
        production = self.reviewers["production"]
        line = order._crr_round_lines().filtered(lambda x: x.department_id.code == "production").with_user(production)
        self.assertEqual(line.crr_requirement_ids, own)
        self.assertEqual(line.crr_order_line_ids.product_id, self.good)
        self.assertEqual(line.amount_untaxed, order.amount_untaxed)
        self.assertFalse(line.crr_all_in_stock)
        # the production reviewer cannot edit the order, but resolves his department's deviation
        with self.assertRaises(AccessError):
            order.with_user(production).write({"note": "mine"})
        action = own.with_user(production).action_open_resolve_wizard()
        wizard = self.env["crr.requirement.resolve.wizard"].with_user(production).with_context(
            **action["context"]
        ).create({"resolution": "Customer accepts 0.02 mm (mail of 3 March)"})
        wizard.action_confirm()
        self.assertTrue(own.deficiency_closed)
        self.assertEqual(own.deficiency_closed_by_id, production)
        self.assertEqual(own.resolution, "Customer accepts 0.02 mm (mail of 3 March)")
        # ... and nobody else's
        with self.assertRaisesRegex(UserError, "Only the reviewers of the Quality"):
            other.with_user(production).action_crr_resolve("Not mine")
        self.assertFalse(other.deficiency_closed)
        with self.assertRaises(ValidationError):
            own.with_user(production).action_crr_resolve("")
        # the order's salesperson may resolve any deviation of his order
        other.with_user(self.salesperson).action_crr_resolve("Coating changed")
        self.assertTrue(other.deficiency_closed)

    # -- bulk approval -------------------------------------------------------------------------------
    def test_bulk_approve_all_or_nothing(self):
        reviewer = self.reviewers["sales"]
        orders = [self._order(products=[self.service]) for _i in range(3)]
        self.env["crr.requirement"].create({"order_id": orders[2].id, "name": "CE marking"})  # unanswered
        for order in orders:
            order.with_user(self.salesperson).action_request_review()
        lines = self.env["crr.review.line"].browse([order._crr_round_lines().id for order in orders])
        self.assertEqual(set(lines.mapped("state")), {"pending"})
        with self.assertRaisesRegex(UserError, f"Nothing was approved: {orders[2].name}.*CE marking"):
            lines.with_user(reviewer).action_bulk_approve()
        lines.invalidate_recordset()
        self.assertEqual(set(lines.mapped("state")), {"pending"})
        # a line of another department: refused, named
        order, others = self._regular()
        with self.assertRaisesRegex(UserError, f"Nothing was approved: {order.name}.*Production"):
            (lines[:2] | others["production"]).with_user(reviewer).action_bulk_approve()
        lines[:2].with_user(reviewer).action_bulk_approve()
        self.assertEqual(set(lines[:2].mapped("state")), {"approved"})
        self.assertEqual({orders[0].review_state, orders[1].review_state}, {"approved"})
        self.assertEqual(lines[:2].reviewer_id, reviewer)
        self.assertEqual(lines[2].state, "pending")
        # salespeople who are not reviewers never decide
        with self.assertRaises(AccessError):
            lines[2].with_user(self.salesperson).action_bulk_approve()

    # -- escalation ----------------------------------------------------------------------------------
    def _set_deadline(self, lines, days_ago):
        with crr_scope():
            lines.sudo().write({"deadline": fields.Date.context_today(lines) - timedelta(days=days_ago)})

    def test_escalation_with_dates(self):
        Line = self.env["crr.review.line"]
        gm = self.reviewers["general_manager"]
        order, lines = self._regular()
        round_lines = lines["production"] | lines["procurement"]  # step 1 (sales waits)
        self.dep["production"].head_id = self.production2
        production = lines["production"]
        self._set_deadline(round_lines, 1)
        Line._crr_escalate_overdue()
        self.assertEqual(set(round_lines.mapped("escalation_level")), {"none"})
        # two days late: the department head (production has one), nobody else yet
        self._set_deadline(round_lines, 2)
        Line._cron_remind_overdue()
        self.assertEqual(set(round_lines.mapped("escalation_level")), {"head"})
        self.assertEqual(self._review_activities(production).user_id,
                         self.reviewers["production"] | self.production2)
        self.assertEqual(len(self._review_activities(lines["procurement"])), 1)
        self.assertIn("was due on", production.message_ids[0].body)  # the daily reminder
        # again the same day: nothing more
        Line._crr_escalate_overdue()
        self.assertEqual(len(self._review_activities(production)), 2)
        # four days late: the final approver (the general manager's reviewer) on every line, in one go
        self._set_deadline(round_lines, 4)
        with self.assertQueryCount(__system__=40):
            escalated = Line._crr_escalate_overdue()
        self.assertEqual(escalated, round_lines)
        self.assertEqual(set(round_lines.mapped("escalation_level")), {"final"})
        for line in round_lines:
            self.assertIn(gm, self._review_activities(line).user_id, line.display_name)
        self.assertFalse(Line._crr_escalate_overdue())
        # decided: every review activity of the line goes, escalations included
        production.with_user(self.production2).action_approve()
        self.assertFalse(self._review_activities(production))

    def test_escalation_setting_bounded(self):
        with self.assertRaises(ValidationError):
            self.company.crr_escalation_days = 91
        with self.assertRaises(ValidationError):
            self.company.crr_escalation_days = -1
        self.company.crr_escalation_days = 0
        order, lines = self._regular()
        self._set_deadline(order._crr_round_lines(), 30)
        self.assertFalse(self.env["crr.review.line"]._crr_escalate_overdue())
