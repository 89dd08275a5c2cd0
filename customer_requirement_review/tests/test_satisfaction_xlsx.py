import io

import openpyxl

from odoo.tests import HttpCase, new_test_user, tagged

from .satisfaction_common import CrrSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionXlsx(CrrSatisfactionCommon, HttpCase):

    def test_export_answers_and_trend(self):
        salesman = new_test_user(self.env, login="crr_sat_xlsx", password="crr_sat_xlsx",
                                 groups="sales_team.group_sale_salesman")
        previous = self._campaign(2024, "h2", self.customer_a)
        self._answer(self.customer_a, {self.q_quality: 100}, campaign=previous)
        current = self._campaign(2025, "h1", self.customer_a | self.customer_b)
        self._answer(self.customer_a, {self.q_quality: 60, self.q_delivery: 100}, campaign=current)
        self._answer(self.customer_b, {self.q_delivery: 40}, campaign=current)
        action = self.env["crr.xlsx.export"]._crr_download_action(previous | current)
        self.authenticate("crr_sat_xlsx", "crr_sat_xlsx")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertTrue(salesman)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        answers, trend = workbook["Answers"], workbook["Trend"]
        header = [cell.value for cell in answers[1]]
        for title in ("Customer", "Quality", "Delivery", "Boundary", "Price (0-10)", "Score", "Band", "Score Change"):
            self.assertIn(title, header)
        rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in answers.iter_rows(min_row=2)]
        self.assertEqual(len(rows), 3)
        row_a = next(r for r in rows if r["Customer"] == "Alpha Customer" and r["Period"] == "2025 H1")
        self.assertEqual((row_a["Quality"], row_a["Delivery"], row_a["Score"]), (60, 100, 70))
        self.assertEqual(row_a["Band"], "Neutral")
        self.assertEqual(row_a["Score Change"], -30)
        self.assertIsNone(row_a["Boundary"])
        trend_header = [cell.value for cell in trend[1]]
        trend_rows = [dict(zip(trend_header, [c.value for c in row], strict=True)) for row in trend.iter_rows(min_row=2)]
        self.assertEqual([r["Period"] for r in trend_rows], ["2024 H2", "2025 H1"])
        self.assertEqual(trend_rows[1]["Mean Score"], 55)
        self.assertEqual(trend_rows[1]["Response Rate"], 1.0)
        self.assertEqual(trend_rows[1]["Quality"], 60)
