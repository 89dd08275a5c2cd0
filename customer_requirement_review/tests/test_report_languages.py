import io
import unicodedata

from pdfminer.high_level import extract_text

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_change_request import CrrChangeRequestCommon


def pdf_text(pdf):
    """The text of a PDF as a reader would copy it (whitespace folded, compatibility forms folded)."""
    return unicodedata.normalize("NFKC", " ".join(extract_text(io.BytesIO(pdf)).split()))


@tagged("post_install", "-at_install")
class TestReportLanguages(CrrChangeRequestCommon):
    """Every PDF form really renders (wkhtmltopdf), in English and in Chinese, with its key texts;
    Chinese prints as Chinese characters (the text read back from the PDF is Chinese)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        cls.zh_customer = cls.env["res.partner"].create({"name": "华东阀门厂", "lang": "zh_CN", "is_company": True})
        cls.en_customer = cls.env["res.partner"].create({"name": "Baltic Pumps Ltd", "lang": "en_US", "is_company": True})

    def _render(self, report, records, user=None):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            Report = Report.with_user(user)
        pdf, fmt = Report._render_qweb_pdf(f"customer_requirement_review.{report}", res_ids=records.ids)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(pdf)

    def _review_order(self, partner):
        order = self._order(partner=partner, products=[self.new_good])
        order.requirement_ids = [Command.create({"name": "RoHS 2.0 compliance", "category": "quality"})]
        order.action_request_review()
        return order

    def test_review_form(self):
        english = self._render("action_report_crr_review", self._review_order(self.en_customer))
        for needle in ("Contract/Order Review Form", "Baltic Pumps Ltd", "RoHS 2.0 compliance", "Special Contract"):
            self.assertIn(needle, english)
        chinese = self._render("action_report_crr_review", self._review_order(self.zh_customer))
        for needle in ("合同/订单评审表", "华东阀门厂", "顾客要求响应一览表", "特殊合同"):
            self.assertIn(needle, chinese)
        self.assertNotIn("Contract/Order Review Form", chinese)

    def test_change_notice(self):
        texts = {}
        for lang, partner in (("en", self.en_customer), ("zh", self.zh_customer)):
            order = self._confirmed_order(partner=partner)
            request = self._change(order, line_ids=[Command.create({
                "order_line_id": self._line(order, self.good).id, "new_product_uom_qty": 12,
            })])
            texts[lang] = self._render("action_report_crr_change_request", request)
        self.assertIn("Change Notice", texts["en"])
        self.assertIn("Baltic Pumps Ltd", texts["en"])
        self.assertIn("顾客订单变更通知", texts["zh"])
        self.assertIn("华东阀门厂", texts["zh"])

    def test_complaint_report(self):
        texts = {}
        for lang, partner in (("en", self.en_customer), ("zh", self.zh_customer)):
            complaint = self.env["crr.complaint"].create({
                "subject": "Housing scratched" if lang == "en" else "外壳划伤",
                "partner_id": partner.id, "category": "quality", "severity": "major",
                "root_cause": "Worn fixture",
            })
            texts[lang] = self._render("action_report_crr_complaint", complaint)
        self.assertIn("Complaint Handling Report", texts["en"])
        self.assertIn("Housing scratched", texts["en"])
        self.assertIn("客户投诉处理单", texts["zh"])
        self.assertIn("外壳划伤", texts["zh"])
        self.assertIn("华东阀门厂", texts["zh"])

    def test_satisfaction_report(self):
        survey = self.env.ref("customer_requirement_review.crr_satisfaction_survey")
        campaign = self.env["crr.satisfaction.campaign"].create({
            "year": 2026, "half": "h1", "survey_id": survey.id, "partner_ids": [Command.set(self.zh_customer.ids)],
        })
        answer = survey._create_answer(partner=self.zh_customer, check_attempts=False, crr_campaign_id=campaign.id)
        criterion = survey.question_ids.filtered("crr_is_criterion")[:1]
        choice = criterion.suggested_answer_ids.filtered(lambda a: a.answer_score == 80)
        answer._save_lines(criterion, choice.id)
        answer._mark_done()
        self.assertEqual(answer.crr_band, "satisfied")
        english_user = new_test_user(self.env, login="crr_rep_en", groups="customer_requirement_review.group_crr_manager")
        chinese_user = new_test_user(self.env, login="crr_rep_zh", groups="customer_requirement_review.group_crr_manager")
        chinese_user.lang = "zh_CN"
        english = self._render("action_report_crr_satisfaction", campaign, user=english_user)
        self.assertIn("Customer Satisfaction Statistics", english)
        self.assertIn("华东阀门厂", english)
        chinese = self._render("action_report_crr_satisfaction", campaign, user=chinese_user)
        self.assertIn("顾客满意度统计分析报表", chinese)
        self.assertIn("满意", chinese)
