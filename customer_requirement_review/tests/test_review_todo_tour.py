from odoo.tests import HttpCase, tagged

from . import test_review_tour
from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewTodoTour(CrrReviewCommon, HttpCase):
    """In the browser: a procurement reviewer decides from his "To Review" list, with the order and the other
    departments' decisions on the line; the general manager reads every other department's decision of the
    round before signing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a regular order of goods (production and procurement, then sales): production approved with conditions
        cls.regular = cls._order(products=[cls.good])
        cls.regular.with_user(cls.salesperson).action_request_review()
        cls.regular_lines = {line.department_id.code: line for line in cls.regular._crr_round_lines()}
        cls.regular_lines["production"].with_user(cls.reviewers["production"]).action_approve(
            opinion="Capacity booked", conditions="Delivery not before week 12"
        )
        # a special order: every department but the general manager has approved, each with its opinion
        cls.special = cls._order(products=[cls.good, cls.new_good], qty=3)
        cls.special.with_user(cls.salesperson).action_request_review()
        for line in cls.special._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step)):
            code = line.department_id.code
            if code != "general_manager":
                line.invalidate_recordset(["state"])
                line.with_user(cls.reviewers[code]).action_approve(opinion=f"Opinion of {line.department_id.name}")
        cls.gm_line = cls.special._crr_round_lines().filtered("is_final_approval")

    def _tour(self, name, login):
        # the browser check of the salesperson's tours (chromium required by `make test`)
        test_review_tour.TestReviewTour._tour(
            self, "/odoo/action-customer_requirement_review.action_crr_review_line_to_review", name, login
        )

    def test_reviewer_decides_from_todo_and_gm_sees_every_decision(self):
        procurement_line = self.regular_lines["procurement"]
        self.assertEqual(procurement_line.state, "pending")
        self._tour("crr_reviewer_decide_from_todo", self.reviewers["procurement"].login)
        self.assertEqual(procurement_line.state, "approved")
        self.assertEqual(procurement_line.reviewer_id, self.reviewers["procurement"])

        self.assertEqual(self.gm_line.state, "pending")
        self._tour("crr_gm_sees_every_decision", self.reviewers["general_manager"].login)
        self.assertEqual(self.gm_line.state, "approved")
        self.assertEqual(self.special.review_state, "approved")
