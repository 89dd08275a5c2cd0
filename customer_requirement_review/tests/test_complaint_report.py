import io

from pdfminer.high_level import extract_text

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from .test_complaint_flow import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintReport(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaint = cls._complaint(
            user=cls.reviewer,
            department_id=cls.quality.id,
            description="<p>Twelve gear boxes leak oil at the output shaft.</p>",
            containment_action="Sorted 500 pieces in the customer's warehouse.",
            root_cause="Worn press fixture seats the seal too deep.",
            why_1="Oil leaks at the shaft",
            why_2="Seal not seated",
            cause_category="machine",
            customer_reply="Fixture replaced; all stock sorted.",
            reply_date=fields.Date.today(),
            action_ids=[
                Command.create({"action_type": "corrective", "name": "Replace press fixture",
                                "user_id": cls.employee.id, "deadline": fields.Date.today()}),
            ],
        )
        cls.complaint.action_ids.action_done()
        cls.complaint.action_ids.with_user(cls.reviewer).write({"verification_note": "No leak on 50 pieces"})
        cls.complaint.action_ids.with_user(cls.reviewer).action_verify()

    def test_report_html(self):
        html, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_complaint", res_ids=self.complaint.ids
        )
        self.assertEqual(fmt, "html")
        html = html.decode()
        for text in (
            "Complaint Handling Report", self.complaint.name, "Corrective and Preventive Action (CAPA) Report",
            "Sorted 500 pieces", "Worn press fixture", "Seal not seated", "Replace press fixture",
            "Shop Floor", "Quality Reviewer", "No leak on 50 pieces", "Fixture replaced; all stock sorted.",
            "Complaining Customer Ltd", "Machine",
        ):
            self.assertIn(text, html)

    def test_report_real_pdf(self):
        pdf, fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("customer_requirement_review.action_report_crr_complaint", res_ids=self.complaint.ids)
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(extract_text(io.BytesIO(pdf)).split())
        for needle in ("Complaint Handling Report", self.complaint.name, "Replace press fixture",
                       "Worn press fixture", "Fixture replaced"):
            self.assertIn(needle, text)
