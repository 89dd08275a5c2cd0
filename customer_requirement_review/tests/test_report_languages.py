import io
import unicodedata

from pdfminer.high_level import extract_text

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from ..models.crr_record_guard_mixin import crr_scope
from .common_change_request import CrrChangeRequestCommon


def pdf_text(pdf):
    """The text of a PDF as a reader would copy it (whitespace folded, compatibility forms folded)."""
    return unicodedata.normalize("NFKC", " ".join(extract_text(io.BytesIO(pdf)).split()))


def _is_cjk(char):
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def one_character_lines(pdf):
    """Lines of the PDF's text that are a single Chinese character: a table column too narrow for
    Chinese wraps one character per line."""
    lines = (line.strip() for line in extract_text(io.BytesIO(pdf)).splitlines())
    return [line for line in lines if len(line) == 1 and _is_cjk(line)]


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
        # layout: no column so narrow that Chinese wraps one character per line
        self.assertEqual(one_character_lines(pdf), [], f"{report}: one-character lines of Chinese")
        return pdf_text(pdf)

    def _company_lang(self, lang):
        """Internal forms print in the company's language (its partner's)."""
        self.env.company.partner_id.lang = lang

    def _review_order(self, partner):
        order = self._order(partner=partner, products=[self.new_good])
        order.requirement_ids = [Command.create({"name": "RoHS 2.0 compliance", "category": "quality"})]
        order.action_request_review()
        return order

    def test_review_form(self):
        """An internal form: the company's language whatever the customer's; the order's lines, delivery
        date, payment terms, the form number and the earlier rounds are printed."""
        self.env.company.write({"crr_form_no_review": "QR-8.2-01", "crr_form_rev_review": "B"})
        term = self.env["account.payment.term"].create({"name": "60 Days Net Test"})
        self._company_lang("en_US")
        order = self._review_order(self.zh_customer)
        order.payment_term_id = term
        english = self._render("action_report_crr_review", order)
        for needle in ("Contract/Order Review Form", "华东阀门厂", "RoHS 2.0 compliance", "Special Contract",
                       "Form No.: QR-8.2-01", "Rev.: B", "Order Lines", self.new_good.name, "60 Days Net Test",
                       "Delivery Date", "Payment Terms"):
            self.assertIn(needle, english)
        self._company_lang("zh_CN")
        chinese = self._render("action_report_crr_review", self._review_order(self.en_customer))
        for needle in ("合同/订单评审表", "Baltic Pumps Ltd", "顾客要求响应一览表", "特殊合同", "表单编号", "QR-8.2-01",
                       "订单明细", "付款条件", "质量部"):
            self.assertIn(needle, chinese)
        self.assertNotIn("Contract/Order Review Form", chinese)

    def test_change_notice(self):
        texts = {}
        for lang in ("en_US", "zh_CN"):
            self._company_lang(lang)
            order = self._confirmed_order(partner=self.en_customer)
            request = self._change(order, line_ids=[Command.create({
                "order_line_id": self._line(order, self.good).id, "new_product_uom_qty": 12,
            })])
            texts[lang] = self._render("action_report_crr_change_request", request)
        self.assertIn("Change Notice", texts["en_US"])
        self.assertIn("Form No.: QR-8.2-02", texts["en_US"])
        self.assertIn("Baltic Pumps Ltd", texts["en_US"])
        self.assertIn("顾客订单变更通知", texts["zh_CN"])
        self.assertIn("Baltic Pumps Ltd", texts["zh_CN"])

    def _complaint(self, partner, subject):
        complaint = self.env["crr.complaint"].create({
            "subject": subject, "partner_id": partner.id, "category": "quality", "severity": "major",
            "root_cause": "Worn fixture", "containment_action": "Stock sorted",
            "customer_reply": "Fixture replaced; 100% inspection for three lots.",
        })
        complaint.action_ids = [Command.create({"name": "更换磨损夹具并校准", "action_type": "corrective"}),
                                Command.create({"name": "Add the fixture to the preventive maintenance plan",
                                                "action_type": "preventive"})]
        return complaint

    def test_complaint_report(self):
        """The CAPA report is internal (company's language); the reply is the customer's document."""
        texts = {}
        for lang in ("en_US", "zh_CN"):
            self._company_lang(lang)
            complaint = self._complaint(self.en_customer, "Housing scratched" if lang == "en_US" else "外壳划伤")
            texts[lang] = self._render("action_report_crr_complaint", complaint)
        self.assertIn("Complaint Handling Report", texts["en_US"])
        self.assertIn("Housing scratched", texts["en_US"])
        self.assertIn("Form No.: QR-8.2-03", texts["en_US"])
        self.assertIn("客户投诉处理单", texts["zh_CN"])
        self.assertIn("纠正及预防措施", texts["zh_CN"])
        self.assertIn("外壳划伤", texts["zh_CN"])
        self.assertIn("Baltic Pumps Ltd", texts["zh_CN"])
        self.assertIn("更换磨损夹具并校准", texts["zh_CN"])

    def test_complaint_reply_in_customer_language(self):
        self._company_lang("en_US")
        chinese = self._render("action_report_crr_complaint_reply", self._complaint(self.zh_customer, "外壳划伤"))
        self.assertIn("华东阀门厂", chinese)
        self.assertIn("外壳划伤", chinese)
        self.assertIn("QR-8.2-04", chinese)
        self.assertNotIn("Reply to Your Complaint", chinese)
        self.assertIn("纠正及预防措施", chinese)
        self._company_lang("zh_CN")
        english = self._render("action_report_crr_complaint_reply", self._complaint(self.en_customer, "Scratches"))
        self.assertIn("Reply to Your Complaint", english)
        self.assertIn("Fixture replaced; 100% inspection for three lots.", english)

    def test_satisfaction_report(self):
        survey = self.env.ref("customer_requirement_review.crr_satisfaction_survey")
        campaign = self.env["crr.satisfaction.campaign"].create({
            "year": 2026, "half": "h1", "survey_id": survey.id, "partner_ids": [Command.set(self.zh_customer.ids)],
        })
        with crr_scope():
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
