import io
import os
import unittest
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .common_review import CrrReviewCommon


def card(data, key):
    """The card ``key`` of an overview (None when the user does not see it)."""
    return next((c for section in data["sections"] for c in section["cards"] if c["key"] == key), None)


def row(data, key, label):
    found = card(data, key)
    return next((r for r in found["rows"] if r["label"] == label), None) if found else None


def value(data, key, label=None):
    """A card's value, or one of its rows' value (0 when the row is not there)."""
    if label is None:
        return card(data, key)["value"]
    found = row(data, key, label)
    return found["value"] if found else 0


@tagged("post_install", "-at_install")
class TestOverview(CrrReviewCommon):
    """Each figure of the overview against records built for it (the change of the figure when they are
    added, whatever the database holds already), as the user who reads it: record rules and companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesperson = new_test_user(
            cls.env, login="crr_t_ov_sales2", groups="sales_team.group_sale_salesman", name="Other Salesperson")
        cls.customer.user_id = cls.salesperson
        cls.company2 = cls.env["res.company"].create({"name": "CRR Overview Second Company"})
        cls.manager.write({"company_ids": [Command.link(cls.company2.id)]})
        cls.Overview = cls.env["crr.overview"]

    def _overview(self, user, **context):
        return self.Overview.with_user(user).with_context(**context).get_overview(90)

    def _requested(self, products=None, user=None):
        order = self._order(products=products, user=user)
        order.with_user(user or self.salesperson).action_request_review()
        return order

    # -- reviews ------------------------------------------------------------------------------------
    def test_review_figures(self):
        before = self._overview(self.manager)
        before_sales = self._overview(self.salesperson)
        Overview = self.Overview.with_user(self.manager)
        start, end = Overview._crr_bounds(fields.Date.today() - timedelta(days=89), fields.Date.today())
        _domain, count_before, first_before, _rounds, requested_before = Overview._crr_first_pass(start, end)
        in_review = self._requested()
        rejected = self._requested()
        approved = self._requested()
        for order in (in_review, rejected, approved):
            self.assertEqual(order.review_state, "in_review")
        sales_dep = self.dep["sales"]
        lines = (in_review | rejected | approved).review_line_ids
        self.assertTrue(lines)
        # one line overdue: its deadline is yesterday
        overdue_line = in_review.review_line_ids.filtered(lambda line: line.state == "pending")[:1]
        with crr_scope():
            overdue_line.sudo().deadline = fields.Date.today() - timedelta(days=1)
        reject_line = rejected.review_line_ids.filtered(lambda line: line.state == "pending")[:1]
        reject_line.with_user(self.reviewers[reject_line.department_id.code]).action_reject(opinion="Price too low")
        self._approve_all(approved)
        self.assertEqual(rejected.review_state, "rejected")
        self.assertEqual(approved.review_state, "approved")
        self.env.flush_all()
        after = self._overview(self.manager)

        # quotations in review by contract type, amount and oldest request
        self.assertEqual(value(after, "in_review") - value(before, "in_review"), 1)
        label = dict(self.env["sale.order"]._fields["contract_type"]._description_selection(self.env))[
            in_review.contract_type]
        self.assertEqual(value(after, "in_review", label) - value(before, "in_review", label), 1)
        self.assertEqual(card(after, "in_review")["action"]["res_model"], "sale.order")
        self.assertIn(in_review, self.env["sale.order"].search(card(after, "in_review")["action"]["domain"]))
        # pending lines by department, overdue ones
        pending = lines.filtered(lambda line: line.state == "pending" and line.is_current_round)
        self.assertEqual(value(after, "pending_lines") - value(before, "pending_lines"), len(pending))
        self.assertEqual(card(after, "pending_lines")["overdue"] - card(before, "pending_lines")["overdue"], 1)
        department = overdue_line.department_id.display_name
        self.assertEqual(
            value(after, "pending_lines", department) - value(before, "pending_lines", department),
            len(pending.filtered(lambda line: line.department_id == overdue_line.department_id)))
        # rejections by department
        rejected_dep = reject_line.department_id.display_name
        self.assertEqual(value(after, "rejections") - value(before, "rejections"), 1)
        self.assertEqual(value(after, "rejections", rejected_dep) - value(before, "rejections", rejected_dep), 1)
        # first-pass approval: of the two decided reviews, one approved at the first round
        _domain, count, first, _rounds, requested = Overview._crr_first_pass(start, end)
        self.assertEqual((count - count_before, first - first_before), (2, 1))
        self.assertEqual(requested - requested_before, 3)
        self.assertEqual(row(after, "first_pass", "Rounds per order")["value"], _rounds)
        self.assertEqual(card(after, "first_pass")["value"], round(100.0 * first / count, 1))
        self.assertIn(approved, self.env["sale.order"].search(card(after, "first_pass")["action"]["domain"]))
        self.assertNotIn(rejected, self.env["sale.order"].search(card(after, "first_pass")["action"]["domain"]))
        # mean days to decide: the departments that decided are listed
        self.assertTrue(row(after, "decision_days", sales_dep.display_name) or row(after, "decision_days", department))

        # the salesperson's strip: in review (and for whom), rejected to revise, approved not confirmed
        mine = self._overview(self.salesperson)
        self.assertEqual(value(mine, "my_in_review") - value(before_sales, "my_in_review"), 1)
        self.assertEqual(value(mine, "my_rejected") - value(before_sales, "my_rejected"), 1)
        self.assertEqual(value(mine, "my_approved") - value(before_sales, "my_approved"), 1)
        waiting = sum(r["value"] for r in card(mine, "my_in_review")["rows"]) - sum(
            r["value"] for r in card(before_sales, "my_in_review")["rows"])
        self.assertEqual(waiting, len(in_review.review_line_ids.filtered(lambda line: line.state == "pending")))
        # another salesperson sees none of it (record rules), nor the reviewers' waiting list
        other = self._overview(self.other_salesperson)
        self.assertEqual(value(other, "my_in_review"), 0)
        self.assertIsNone(card(other, "waiting_for_me"))
        self.assertEqual(value(other, "in_review"), 0)
        self.assertEqual(value(other, "pending_lines"), 0)

    def test_waiting_for_me_with_substitution(self):
        order = self._requested()
        department = order.review_line_ids.filtered(lambda line: line.state == "pending")[:1].department_id
        self.assertTrue(department)
        sales_lines = order.review_line_ids.filtered(
            lambda line: line.state == "pending" and line.department_id == department)
        absent = self.reviewers[department.code]
        substitute = next(user for code, user in self.reviewers.items() if code != department.code)
        before = self._overview(substitute)
        self.env["crr.review.substitute"].create({
            "user_id": absent.id, "substitute_id": substitute.id, "date_from": fields.Date.today(),
            "date_to": fields.Date.today() + timedelta(days=5), "department_ids": [Command.set(department.ids)],
        })
        after = self._overview(substitute)
        self.assertEqual(value(after, "waiting_for_me") - value(before, "waiting_for_me"), len(sales_lines))
        self.assertEqual(
            value(after, "waiting_for_me", "As substitute") - value(before, "waiting_for_me", "As substitute"),
            len(sales_lines))
        domain = card(after, "waiting_for_me")["action"]["domain"]
        self.assertEqual(self.env["crr.review.line"].with_user(substitute).search(domain) & sales_lines, sales_lines)

    # -- changes ------------------------------------------------------------------------------------
    def test_change_figures(self):
        before = self._overview(self.manager)
        self.company.crr_review_mode = "off"
        orders = [self._order() for _i in range(3)]
        for order in orders:
            order.action_confirm()
        Change = self.env["crr.change.request"]
        draft = Change.create({"order_id": orders[0].id, "reason": "Customer asks for a later date"})
        approved = Change.create({"order_id": orders[1].id, "reason": "Packaging"})
        applied = Change.create({"order_id": orders[2].id, "reason": "Quantity"})
        now = fields.Datetime.now()
        with crr_scope():
            approved.write({"state": "approved", "approved_date": now})
            applied.write({"state": "applied", "approved_date": now - timedelta(days=4), "applied_date": now})
        self.env.flush_all()
        after = self._overview(self.manager)
        state_labels = dict(Change._fields["state"]._description_selection(self.env))
        self.assertEqual(value(after, "changes_open") - value(before, "changes_open"), 2)
        self.assertEqual(value(after, "changes_open", state_labels["draft"])
                         - value(before, "changes_open", state_labels["draft"]), 1)
        self.assertEqual(value(after, "changes_not_applied") - value(before, "changes_not_applied"), 1)
        self.assertIn(approved, Change.search(card(after, "changes_not_applied")["action"]["domain"]))
        self.assertNotIn(draft, Change.search(card(after, "changes_not_applied")["action"]["domain"]))
        count, mean = self.Overview._crr_mean_days(
            "crr.change.request", [("id", "=", applied.id)], "approved_date", "applied_date")
        self.assertEqual((count, mean), (1, 4.0))

    # -- complaints ---------------------------------------------------------------------------------
    def _complaint(self, **vals):
        return self.env["crr.complaint"].create({
            "subject": "Scratches", "partner_id": self.customer.id, "category": "quality", **vals})

    def test_complaint_figures(self):
        before = self._overview(self.manager)
        before_sales = self._overview(self.salesperson)
        now = fields.Datetime.now()
        late_ack = self._complaint(severity="major", date_received=now - timedelta(days=40))
        fresh = self._complaint(severity="critical")
        closed = self._complaint(severity="minor", date_received=now - timedelta(days=6))
        with crr_scope():
            closed.write({"state": "closed", "closed_date": now, "days_to_close": 6.0})
            fresh.write({"state": "investigating"})
            late_ack.sudo().write({"cost": 250.0, "cause_category": "machine"})
        action = self.env["crr.complaint.action"].create({
            "complaint_id": fresh.id, "name": "Replace the press tool", "user_id": self.manager.id,
            "deadline": fields.Date.today() - timedelta(days=2)})
        self.env.flush_all()
        after = self._overview(self.manager)
        labels = dict(self.env["crr.complaint"]._fields["state"]._description_selection(self.env))
        self.assertEqual(value(after, "complaints_open") - value(before, "complaints_open"), 2)
        self.assertEqual(value(after, "complaints_open", labels["investigating"])
                         - value(before, "complaints_open", labels["investigating"]), 1)
        self.assertIn("Critical", row(after, "complaints_open", labels["investigating"])["extra"])
        self.assertEqual(value(after, "complaints_overdue", "Not acknowledged in time")
                         - value(before, "complaints_overdue", "Not acknowledged in time"), 1)
        self.assertEqual(value(after, "complaints_overdue") - value(before, "complaints_overdue"), 1)
        # CAPA actions open / overdue by owner
        self.assertEqual(value(after, "capa_open") - value(before, "capa_open"), 1)
        self.assertEqual(card(after, "capa_open")["overdue"] - card(before, "capa_open")["overdue"], 1)
        self.assertIn(action, self.env["crr.complaint.action"].search(
            row(after, "capa_open", self.manager.display_name)["action"]["domain"]))
        # mean days to close (the only complaint closed in the period when none was before)
        if not card(before, "complaints_days_to_close")["value"]:
            self.assertEqual(value(after, "complaints_days_to_close"), 6.0)
        # cost this year and cause categories (the quality roles' figures)
        self.assertEqual(value(after, "complaints_cost") - value(before, "complaints_cost"), 250.0)
        self.assertEqual(value(after, "complaints_causes", "Machine") - value(before, "complaints_causes", "Machine"), 1)
        # monthly trend: this month got the two new complaints, 40 days ago the other one
        month = fields.Date.today().strftime("%Y-%m")
        self.assertEqual(value(after, "complaints_trend", month) - value(before, "complaints_trend", month),
                         2 if closed.date_received.strftime("%Y-%m") == month else 1)
        self.assertEqual(value(after, "complaints_trend") - value(before, "complaints_trend"), 3)
        # per 100 orders: complaints of the period over confirmed orders of the period
        per_100, complaints, orders = self.Overview.with_user(self.manager)._crr_complaints_per_100(
            *self.Overview._crr_bounds(fields.Date.today() - timedelta(days=89), fields.Date.today()))
        self.assertEqual(value(after, "complaints_per_100"), round(100.0 * complaints / orders, 1) if orders else None)
        # the salesperson: their customers' open complaints, no cost (quality roles only)
        mine = self._overview(self.salesperson)
        self.assertEqual(value(mine, "my_complaints") - value(before_sales, "my_complaints"), 2)
        self.assertIsNone(card(mine, "complaints_cost"))
        self.assertEqual(value(self._overview(self.other_salesperson), "my_complaints"), 0)

    def test_multi_company(self):
        company1 = self.env.company
        only1 = self._overview(self.manager, allowed_company_ids=[company1.id])
        both = self._overview(self.manager, allowed_company_ids=[company1.id, self.company2.id])
        self.env["crr.complaint"].with_company(self.company2).create({
            "subject": "Dents", "partner_id": self.customer.id, "company_id": self.company2.id})
        self.env.flush_all()
        only1_after = self._overview(self.manager, allowed_company_ids=[company1.id])
        both_after = self._overview(self.manager, allowed_company_ids=[company1.id, self.company2.id])
        self.assertEqual(value(only1_after, "complaints_open"), value(only1, "complaints_open"))
        self.assertEqual(value(both_after, "complaints_open") - value(both, "complaints_open"), 1)

    def test_bad_period(self):
        with self.assertRaises(UserError):
            self.Overview.with_user(self.manager).get_overview("all")
        with self.assertRaises(UserError):
            self.Overview.with_user(self.manager).get_overview(7)

    # -- satisfaction -------------------------------------------------------------------------------
    def test_satisfaction_figures(self):
        survey = self.env["survey.survey"].create({
            "title": "Overview Satisfaction", "crr_is_satisfaction": True, "access_mode": "token",
            "questions_layout": "one_page", "scoring_type": "no_scoring"})
        questions = {}
        for title, weight in (("Quality", 3.0), ("Delivery", 1.0)):
            questions[title] = self.env["survey.question"].create({
                "survey_id": survey.id, "title": title, "question_type": "simple_choice", "crr_is_criterion": True,
                "crr_weight": weight, "suggested_answer_ids": [
                    Command.create({"value": f"{title} {score}", "answer_score": score}) for score in (100, 60, 20)]})

        def answer(partner, campaign, scores):
            with crr_scope():
                user_input = survey._create_answer(partner=partner, check_attempts=False, crr_campaign_id=campaign.id)
            for title, score in scores.items():
                question = questions[title]
                user_input._save_lines(question, question.suggested_answer_ids.filtered(
                    lambda a, s=score: a.answer_score == s).id)
            user_input._mark_done()
            return user_input

        Campaign = self.env["crr.satisfaction.campaign"]
        previous = Campaign.create({"year": 2998, "half": "h1", "survey_id": survey.id})
        current = Campaign.create({"year": 2998, "half": "h2", "survey_id": survey.id})
        with crr_scope():
            previous.write({"state": "closed"})
            current.write({"state": "sent"})
        answer(self.customer, previous, {"Quality": 100, "Delivery": 100})
        dropped = answer(self.customer, current, {"Quality": 60, "Delivery": 20})
        answer(self.new_customer, current, {"Quality": 100, "Delivery": 60})
        self.env.flush_all()
        data = self._overview(self.manager)
        self.assertEqual(card(data, "satisfaction_mean")["value"], current.mean_score)
        self.assertEqual(value(data, "satisfaction_response"), current.response_rate)
        previous_row = card(data, "satisfaction_mean")["rows"][0]
        self.assertEqual(previous_row["value"], previous.mean_score)
        self.assertEqual(value(data, "satisfaction_bands"), 2)
        # weakest criterion first: delivery (20 and 60) under quality (60 and 100)
        self.assertEqual(card(data, "satisfaction_weakest")["rows"][0]["label"], "Delivery")
        self.assertEqual(value(data, "satisfaction_down"), 1)
        self.assertEqual(self.env["survey.user_input"].search(card(data, "satisfaction_down")["action"]["domain"]),
                         dropped)
        # the salesperson's customers' low scores
        if dropped.crr_band in ("dissatisfied", "very_dissatisfied"):
            self.assertGreaterEqual(value(self._overview(self.salesperson), "my_low_scores"), 1)

    # -- the management review pack -----------------------------------------------------------------
    def test_management_review_pack(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        order = self._requested()
        self._complaint(severity="major")
        complaint = self._complaint(severity="minor")
        self.env["crr.complaint.action"].create({
            "complaint_id": complaint.id, "name": "Train the packers", "user_id": self.manager.id,
            "deadline": fields.Date.today() - timedelta(days=1)})
        self.assertEqual(order.review_state, "in_review")
        Wizard = self.env["crr.management.review.wizard"].with_user(self.manager)
        today = fields.Date.today()
        report = self.env["ir.actions.report"].with_user(self.manager)
        texts = {}
        for lang in ("en_US", "zh_CN"):
            wizard = Wizard.create({"date_from": today - timedelta(days=30), "date_to": today, "lang": lang})
            html, _fmt = report._render_qweb_html(
                "customer_requirement_review.report_crr_management_review", wizard.ids)
            texts[lang] = html.decode()
        en, zh = texts["en_US"], texts["zh_CN"]
        self.assertIn("Management Review Input", en)
        self.assertIn("Period against the previous one", en)
        self.assertIn("Train the packers", en)
        self.assertIn("Decisions needed", en)
        self.assertIn("crr-bar", en)
        self.assertIn("管理评审输入", zh)
        self.assertIn("Train the packers", zh)
        self.assertIn("待决策事项", zh)
        self.assertNotIn("Period against the previous one", zh)
        # the XLSX of the same pack, through the module's XLSX writer
        wizard = Wizard.create({"date_from": today - timedelta(days=30), "date_to": today, "lang": "en_US"})
        sheets = wizard._crr_xlsx_sheets()
        self.assertEqual([sheet["name"] for sheet in sheets],
                         ["Figures", "Trend", "Open CAPA actions", "Decisions needed"])
        self.assertIn("Train the packers", [line[0] for line in sheets[2]["rows"]])
        content = self.env["crr.xlsx.export"]._crr_build_workbook(wizard._crr_xlsx_sheets())
        self.assertTrue(content.startswith(b"PK"))
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(book.sheetnames, ["Figures", "Trend", "Open CAPA actions", "Decisions needed"])
        action = wizard.action_print_xlsx()
        self.assertIn("/customer_requirement_review/xlsx/crr.management.review.wizard", action["url"])
        with self.assertRaises(ValidationError):
            Wizard.create({"date_from": today, "date_to": today - timedelta(days=1), "lang": "en_US"})

    def test_management_review_pdf(self):
        """The pack really prints (wkhtmltopdf)."""
        wizard = self.env["crr.management.review.wizard"].with_user(self.manager).create(
            {"date_from": fields.Date.today() - timedelta(days=30), "date_to": fields.Date.today(), "lang": "en_US"})
        pdf, fmt = self.env["ir.actions.report"].with_context(force_report_rendering=True).with_user(
            self.manager)._render_qweb_pdf("customer_requirement_review.report_crr_management_review", wizard.ids)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestOverviewTour(HttpCase):
    """In the browser: the overview as a review manager and as a salesperson, following a card to its list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="crr_ov_tour_manager", password="crr_ov_tour_manager",
            groups="customer_requirement_review.group_crr_manager", name="Overview Manager")
        cls.salesperson = new_test_user(
            cls.env, login="crr_ov_tour_sales", password="crr_ov_tour_sales",
            groups="sales_team.group_sale_salesman", name="Overview Salesperson")
        customer = cls.env["res.partner"].create({"name": "CRR Overview Tour Customer", "user_id": cls.salesperson.id})
        cls.env["crr.complaint"].create({"subject": "Tour complaint", "partner_id": customer.id})

    def _tour(self, name, login):
        try:
            self.start_tour("/odoo/action-customer_requirement_review.action_crr_overview", name, login=login,
                            timeout=120)
        except unittest.SkipTest as exc:
            if os.environ.get("CRR_REQUIRE_BROWSER") == "1":
                self.fail(f"the browser tour {name} could not run ({exc})")
            raise

    def test_overview_tour(self):
        self._tour("crr_overview_manager", self.manager.login)
        self._tour("crr_overview_salesperson", self.salesperson.login)
