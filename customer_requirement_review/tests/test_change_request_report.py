from datetime import datetime

from odoo.fields import Command
from odoo.tests import tagged

from .common_change_request import CrrChangeRequestCommon


@tagged("post_install", "-at_install")
class TestChangeRequestReport(CrrChangeRequestCommon):

    def test_change_notice_renders(self):
        order = self._confirmed_order()
        request = self._change(
            order,
            reason="Customer needs five more gear boxes",
            new_commitment_date=datetime(2030, 3, 3, 8, 0),
            line_ids=[Command.create({"order_line_id": self._line(order, self.good).id, "new_product_uom_qty": 15})],
        )
        request.action_submit()
        self._approve_request(request)
        request.action_apply()
        html, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_change_request", res_ids=request.ids
        )
        self.assertEqual(fmt, "html")
        text = html.decode()
        for expected in (
            "Customer Order Change Notice", request.name, order.name, "Customer needs five more gear boxes",
            "Before", "After", "Production", "Logistics", "Procurement", "Departments Notified", "Applied On",
        ):
            self.assertIn(expected, text)
        self.assertIn("15", text)

    def test_change_notice_real_pdf(self):
        order = self._confirmed_order()
        request = self._change(order, reason="Later delivery", new_commitment_date=datetime(2030, 4, 4, 8, 0))
        request.action_submit()
        pdf, fmt = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_change_request", res_ids=request.ids
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        from io import BytesIO

        from pdfminer.high_level import extract_text

        text = " ".join(extract_text(BytesIO(pdf)).split())
        self.assertIn("Change Notice", text)
        self.assertIn(request.name, text)
        self.assertIn("Later delivery", text)
