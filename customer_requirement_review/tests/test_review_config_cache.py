from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewConfigCache(CrrReviewCommon):
    """Rules and templates are cached per company: every change to them shows at the next request."""

    def _request(self, products=None):
        order = self._order(products=products or [self.service])
        order.with_user(self.salesperson).action_request_review()
        return order

    def _codes(self, order):
        return set(order._crr_round_lines().department_id.mapped("code"))

    def test_rules_read_once_per_company(self):
        Rule = self.env["crr.review.rule"]
        Rule._crr_company_rules(self.company.id)
        with self.assertQueryCount(0):
            rules = Rule._crr_company_rules(self.company.id)
        self.assertEqual(len(rules), Rule.search_count([("company_id", "=", self.company.id)]))

    def test_substitution_shows_at_once(self):
        """With no substitution in force, who substitutes whom is known at no query (the last day of the
        substitutions is cached); a substitution created, moved or archived shows at once."""
        Substitute = self.env["crr.review.substitute"]
        Substitute.sudo().search([]).write({"active": False})
        line = self._request()._crr_round_lines()
        self.assertEqual(line.department_id, self.dep["sales"])
        absent, substitute = self.reviewers["sales"], self.reviewers["quality"]
        today = fields.Date.context_today(line)
        Substitute._crr_last_day()
        with self.assertQueryCount(0):
            self.assertEqual(line._crr_substitutes(), {line.id: self.env["res.users"]})
            self.assertEqual(Substitute._crr_departments_substituted(substitute), {})

        def substitutes():
            line.invalidate_recordset(["can_decide", "substitute_user_ids"])
            return line._crr_substitutes()[line.id], line.with_user(substitute).can_decide

        substitution = Substitute.with_user(absent).create(
            {"user_id": absent.id, "substitute_id": substitute.id, "date_from": today, "date_to": today}
        )
        self.assertEqual(substitutes(), (substitute, True))
        self.assertEqual(Substitute._crr_departments_substituted(substitute), {self.dep["sales"]: absent})
        # a note or the departments changed: the last day stays cached (each clearing empties every worker's caches)
        substitution.with_user(absent).write({"note": "Trade fair", "department_ids": [Command.set(self.dep["sales"].ids)]})
        with self.assertQueryCount(0):
            self.assertEqual(Substitute._crr_last_day(), today)
        # ended yesterday, then moved to next week: not in force today
        substitution.with_user(absent).write({"date_from": today - timedelta(days=3), "date_to": today - timedelta(days=1)})
        self.assertEqual(substitutes(), (self.env["res.users"], False))
        substitution.with_user(absent).write({"date_from": today + timedelta(days=7), "date_to": today + timedelta(days=9)})
        self.assertEqual(substitutes(), (self.env["res.users"], False))
        self.assertEqual(Substitute._crr_departments_substituted(substitute, today + timedelta(days=8)),
                         {self.dep["sales"]: absent})
        # in force again, then archived
        substitution.with_user(absent).write({"date_from": today, "date_to": today + timedelta(days=9)})
        self.assertEqual(substitutes(), (substitute, True))
        substitution.with_user(absent).write({"active": False})
        self.assertEqual(substitutes(), (self.env["res.users"], False))
        self.assertIsNone(Substitute._crr_last_day())

    def test_rule_changes_apply_at_next_request(self):
        self.assertEqual(self._codes(self._request()), {"sales"})
        rule = self.env.ref("customer_requirement_review.crr_review_rule_regular_in_stock")
        rule.department_ids = [Command.link(self.dep["quality"].id)]
        self.assertEqual(self._codes(self._request()), {"sales", "quality"})

        # a new rule, then its condition edited
        new_rule = self.env["crr.review.rule"].create(
            {"name": "Large amounts", "domain": "[('amount_untaxed', '>=', 1)]",
             "department_ids": [Command.set(self.dep["finance"].ids)]}
        )
        self.assertEqual(self._codes(self._request()), {"sales", "quality", "finance"})
        new_rule.domain = "[('amount_untaxed', '>=', 1000000)]"
        self.assertEqual(self._codes(self._request()), {"sales", "quality"})

        # an archived department is not asked any more, an archived or deleted rule no longer applies
        self.dep["quality"].active = False
        self.assertEqual(self._codes(self._request()), {"sales"})
        new_rule.domain = "[]"
        self.assertEqual(self._codes(self._request()), {"sales", "finance"})
        new_rule.active = False
        self.assertEqual(self._codes(self._request()), {"sales"})
        new_rule.active = True
        new_rule.unlink()
        self.assertEqual(self._codes(self._request()), {"sales"})

    def test_template_added_after_a_request_prefills_the_next(self):
        first = self._request()
        self.assertFalse(first.requirement_ids)
        self.env["crr.requirement.template"].create(
            {
                "name": "Packaging",
                "line_ids": [Command.create({"name": "Export cartons, 20 pieces each", "category": "packaging"})],
            }
        )
        second = self._request()
        self.assertEqual(second.requirement_ids.mapped("name"), ["Export cartons, 20 pieces each"])

    def test_activities_for_active_internal_reviewers_only(self):
        department = self.dep["sales"]
        active = self.reviewers["sales"]
        active.tz = "Asia/Shanghai"
        archived = new_test_user(
            self.env, login="crr_t_rev_sales_old", groups="customer_requirement_review.group_crr_reviewer",
            name="Former Sales Reviewer",
        )
        department.user_ids = [Command.link(archived.id)]
        archived.active = False
        order = self._request()
        line = order._crr_round_lines()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crr.review.line"), ("res_id", "=", line.id)]
        )
        self.assertEqual(activities.user_id, active)
        self.assertEqual(activities.res_name, line.display_name)
        self.assertEqual(activities.user_tz, "Asia/Shanghai")
        self.assertEqual(activities.summary, f"Review {order.name}")
        self.assertEqual(
            activities.activity_type_id, self.env.ref("customer_requirement_review.mail_activity_crr_review")
        )

    def test_reviewers_come_with_their_partner_and_time_zone(self):
        """What mail.activity reads of its assignees is read with the reviewers, as it is in the database."""
        department = self.dep["sales"]
        reviewer = self.reviewers["sales"]
        reviewer.tz = "Asia/Shanghai"
        self.env.flush_all()
        # a change not written to the database yet is written before the reviewers are read
        reviewer.partner_id.tz = "Europe/Paris"
        self.assertEqual(department._crr_active_reviewers(), {department.id: reviewer})
        self.assertEqual(reviewer.tz, "Europe/Paris")
        partner_id = reviewer.partner_id.id
        self.env.invalidate_all()
        reviewers = department._crr_active_reviewers()
        queries = self.env.cr.sql_log_count
        self.assertEqual(reviewers[department.id].partner_id.id, partner_id)
        self.assertEqual(reviewers[department.id].tz, "Europe/Paris")
        self.assertEqual(self.env.cr.sql_log_count, queries, "the reviewers' partner and time zone were read again")

    def test_decision_settings_cached_and_applied_at_once(self):
        """A decision reads the decider's departments and the company's four-eyes setting from a cache (no query
        once warm); a change of either applies to the very next decision, also as RPC clients make it."""
        Department = self.env["crr.department"]
        company = self.company
        Department._crr_department_ids_of(self.reviewers["sales"].id)
        company._crr_review_setting("crr_four_eyes")
        with self.assertQueryCount(0):
            self.assertIn(self.dep["sales"].id, Department._crr_department_ids_of(self.reviewers["sales"].id))
            self.assertTrue(self.dep["sales"]._crr_has_reviewer(self.reviewers["sales"]))
            company._crr_review_setting("crr_four_eyes")
        # a reviewer removed from the department no longer decides its lines
        order = self._request()
        line = order._crr_round_lines().filtered(lambda line: line.department_id == self.dep["sales"])
        reviewer = self.reviewers["sales"]
        self.dep["sales"].user_ids = [Command.unlink(reviewer.id)]
        self.assertFalse(line.with_user(reviewer).can_decide)
        with self.assertRaisesRegex(UserError, "Only reviewers of the Sales department"):
            line.with_user(reviewer).action_approve()
        self.dep["sales"].user_ids = [Command.link(reviewer.id)]
        line.invalidate_recordset(["can_decide"])
        self.assertTrue(line.with_user(reviewer).can_decide)
        # four-eyes switched on: the requester, also a reviewer of the department, may not decide; switched off
        # (through the settings, as an administrator does), at once they may
        self.dep["sales"].user_ids = [Command.link(self.salesperson.id)]
        self.salesperson.group_ids = [Command.link(self.env.ref("customer_requirement_review.group_crr_reviewer").id)]
        company.crr_four_eyes = True
        with self.assertRaisesRegex(UserError, "Four-eyes review"):
            line.with_user(self.salesperson).action_approve()
        self.env["res.config.settings"].create({"crr_four_eyes": False}).execute()
        self.assertFalse(company._crr_review_setting("crr_four_eyes"))
        line.with_user(self.salesperson).action_approve()
        self.assertEqual(line.state, "approved")
        self.assertEqual(line.reviewer_id, self.salesperson)
