from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .test_report_languages import pdf_text


@tagged("post_install", "-at_install")
class TestCustomerFileReports(TransactionCase):
    """The sample approval form (样品承认书) and the customer information list (顾客信息一览表) print,
    in English and in Chinese (read back from the PDF)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        cls.zh_customer = cls.env["res.partner"].create({
            "name": "华东阀门厂", "lang": "zh_CN", "is_company": True, "crr_region": "华东",
            "crr_grade_id": cls.env.ref("customer_requirement_review.crr_customer_grade_a").id,
            "crr_credit_rating": "aa", "crr_integrity_notes": "付款及时",
        })
        cls.en_customer = cls.env["res.partner"].create({
            "name": "Baltic Pumps Ltd", "lang": "en_US", "is_company": True, "crr_region": "Europe",
            "crr_grade_id": cls.env.ref("customer_requirement_review.crr_customer_grade_b").id,
        })
        cls.product = cls.env["product.product"].create({"name": "Ball Valve DN50", "type": "consu"})
        manager = new_test_user(cls.env, login="crr_rep_mgr", groups="customer_requirement_review.group_crr_reviewer")
        gm = new_test_user(cls.env, login="crr_rep_gm", groups="customer_requirement_review.group_crr_reviewer")
        cls.env.ref("customer_requirement_review.crr_department_sales").user_ids = [Command.link(manager.id)]
        cls.env.ref("customer_requirement_review.crr_department_general_manager").user_ids = [Command.link(gm.id)]
        cls.manager, cls.gm = manager, gm

    def _render(self, report, records, lang=None):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True, lang=lang or "en_US")
        pdf, fmt = Report._render_qweb_pdf(f"customer_requirement_review.{report}", res_ids=records.ids)
        self.assertEqual(fmt, "pdf")
        return pdf_text(pdf)

    def _accepted_sample(self, partner, carrier):
        sample = self.env["crr.sample.request"].create(
            {"partner_id": partner.id, "product_id": self.product.id, "quantity": 2, "specification": "PN40"}
        )
        sample.action_submit()
        sample.with_user(self.manager).action_approve()
        sample.with_user(self.gm).action_approve()
        sample_round = self.env["crr.sample.round"].create(
            {"request_id": sample.id, "sent_date": fields.Date.today(), "carrier": carrier}
        )
        sample_round.action_customer_approve()
        return sample

    def test_sample_approval_form(self):
        english = self._render("action_report_crr_sample_approval", self._accepted_sample(self.en_customer, "DHL"))
        for needle in ("Sample Approval Form", "Baltic Pumps Ltd", "Ball Valve DN50", "DHL", "Approved"):
            self.assertIn(needle, english)
        chinese = self._render("action_report_crr_sample_approval", self._accepted_sample(self.zh_customer, "顺丰速运"))
        for needle in ("样品承认书", "华东阀门厂", "顺丰速运", "顾客承认"):
            self.assertIn(needle, chinese)
        self.assertNotIn("Sample Approval Form", chinese)

    def test_customer_information_list(self):
        customers = self.zh_customer | self.en_customer
        english = self._render("action_report_crr_customer_file", customers)
        for needle in ("Customer Information List", "Baltic Pumps Ltd", "Europe", "Credit Rating", "AA - Good"):
            self.assertIn(needle, english)
        chinese = self._render("action_report_crr_customer_file", customers, lang="zh_CN")
        for needle in ("顾客信息一览表", "华东阀门厂", "信用等级", "付款及时", "诚信状况回顾"):
            self.assertIn(needle, chinese)
