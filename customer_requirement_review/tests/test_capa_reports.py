from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from . import test_report_languages
from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestCapaReports(CrrSatisfactionCommon):
    """The 8D report and the yearly satisfaction summary really print (wkhtmltopdf) in English and in Chinese;
    the text read back from the PDF holds their key texts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        cls.zh_customer = cls.env["res.partner"].create(
            {"name": "华东阀门厂", "lang": "zh_CN", "is_company": True, "email": "hd@example.com"})
        cls.en_customer = cls.env["res.partner"].create(
            {"name": "Baltic Pumps Ltd", "lang": "en_US", "is_company": True, "email": "bp@example.com"})
        cls.english_user = new_test_user(
            cls.env, login="crr_capa_rep_en", groups="customer_requirement_review.group_crr_manager")
        cls.chinese_user = new_test_user(
            cls.env, login="crr_capa_rep_zh", groups="customer_requirement_review.group_crr_manager")
        cls.chinese_user.lang = "zh_CN"

    def _render(self, report, records, user=None):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            Report = Report.with_user(user)
        pdf, fmt = Report._render_qweb_pdf(f"customer_requirement_review.{report}", res_ids=records.ids)
        self.assertEqual(fmt, "pdf")
        return test_report_languages.pdf_text(pdf)

    def test_8d_report(self):
        texts = {}
        for lang, partner in (("en", self.en_customer), ("zh", self.zh_customer)):
            complaint = self.env["crr.complaint"].create({
                "subject": "Housing scratched" if lang == "en" else "外壳划伤",
                "partner_id": partner.id, "category": "quality", "severity": "major", "is_8d": True,
                "team_user_ids": [Command.set(self.english_user.ids)],
                "problem_statement": "12 of 200 housings" if lang == "en" else "200件中12件",
                "root_cause": "Worn fixture" if lang == "en" else "夹具磨损",
                "corrective_plan": "Replace the fixture" if lang == "en" else "更换夹具",
                "recognition_note": "Thanks to the team" if lang == "en" else "感谢小组",
            })
            texts[lang] = self._render("action_report_crr_8d", complaint)
        english, chinese = texts["en"], texts["zh"]
        for needle in ("8D Report", "D1 Team", "D4 Root Cause", "D8 Closure and Team Recognition",
                       "Housing scratched", "Worn fixture", "Replace the fixture", "Baltic Pumps Ltd"):
            self.assertIn(needle, english)
        for needle in ("8D报告", "D1 小组", "D4 根本原因", "D8 结案及小组表彰", "外壳划伤", "夹具磨损", "更换夹具", "华东阀门厂"):
            self.assertIn(needle, chinese)
        self.assertNotIn("D4 Root Cause", chinese)

    def test_field_service_report(self):
        """The after-sales service report (field service of a critical complaint) prints what was found and done
        on site and who signed for the customer."""
        complaint = self.env["crr.complaint"].create({
            "subject": "Pumps leak at the seal", "partner_id": self.en_customer.id, "category": "quality",
            "severity": "critical", "onsite_required": True,
        })
        service = complaint.field_service_ids
        self.assertEqual(len(service), 1)
        service.write({
            "user_ids": [Command.set(self.english_user.ids)], "arrival_date": fields.Datetime.now(),
            "findings": "Seal leaking on 3 pumps", "actions_taken": "Seals replaced on site",
            "signed_by": "Wang Buyer",
        })
        service.action_done()
        english = self._render("action_report_crr_field_service", service)
        for needle in ("Field Service Report", service.name, complaint.name, "Baltic Pumps Ltd",
                       "Seal leaking on 3 pumps", "Seals replaced on site", "Wang Buyer"):
            self.assertIn(needle, english)

    def test_yearly_summary(self):
        h1 = self._campaign(2025, "h1", self.zh_customer | self.en_customer)
        h2 = self._campaign(2025, "h2", self.zh_customer | self.en_customer)
        previous = self._campaign(2024, "h2", self.zh_customer)
        self._answer(self.zh_customer, {self.q_quality: 60, self.q_delivery: 60}, campaign=previous)
        self._answer(self.zh_customer, {self.q_quality: 80, self.q_delivery: 60}, campaign=h1)
        self._answer(self.en_customer, {self.q_quality: 100, self.q_delivery: 100}, campaign=h1)
        self._answer(self.zh_customer, {self.q_quality: 100, self.q_delivery: 80}, campaign=h2)
        summary = h2._crr_yearly_summary()
        self.assertEqual(summary["campaigns"], h1 | h2)
        self.assertEqual([half["answered"] for half in summary["halves"]], [2, 1])
        self.assertEqual([point["label"] for point in summary["trend"]], ["2024 H2", "2025 H1", "2025 H2"])
        zh_row = next(row for row in summary["customers"] if row["name"] == "华东阀门厂")
        self.assertEqual(zh_row["halves"], [75.0, 95.0])
        self.assertEqual(zh_row["change"], 20.0)
        quality = next(item for item in summary["criteria"] if item["name"] == "Quality")
        self.assertEqual(quality["halves"], [90.0, 100.0])
        english = self._render("action_report_crr_satisfaction_yearly", h1 | h2, user=self.english_user)
        # both campaigns of the year print one summary
        self.assertEqual(english.count("Yearly Customer Satisfaction Summary 2025"), 1)
        for needle in ("Both Halves", "Trend", "Mean Score per Criterion", "Results per Customer", "2025 H1",
                       "2025 H2", "2024 H2", "华东阀门厂", "Baltic Pumps Ltd", "+20.00"):
            self.assertIn(needle, english)
        chinese = self._render("action_report_crr_satisfaction_yearly", h2, user=self.chinese_user)
        for needle in ("顾客满意度年度总结 2025", "上下半年", "趋势", "各评价项目平均分", "各客户结果", "华东阀门厂", "+20.00"):
            self.assertIn(needle, chinese)
        self.assertNotIn("Both Halves", chinese)
        self.assertTrue(fields.Date.today())
