import io
from datetime import datetime

import openpyxl

from odoo.tests import tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewRegisterXlsx(CrrReviewCommon):
    """The review register: one row per review line with real types, and a summary by department."""

    def _workbook(self, lines):
        content = self.env["crr.xlsx.export"]._crr_build_workbook(lines._crr_xlsx_sheets())
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_register_rows_types_and_summary(self):
        order = self._order(products=[self.new_good])  # special: every department
        order.action_request_review()
        self._approve_all(order)
        lines = order.review_line_ids
        self.assertEqual(order.review_state, "approved")
        book = self._workbook(lines)
        register, summary = book.worksheets
        header = [cell.value for cell in register[1]]
        self.assertEqual(header[:4], ["Order", "Customer", "Salesperson", "Contract Type"])
        self.assertIn("Days to Decide", header)
        rows = list(register.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(rows), len(lines))
        col = {name: index for index, name in enumerate(header)}
        first = rows[0]
        self.assertEqual(first[col["Order"]], order.name)
        self.assertEqual(first[col["Contract Type"]], "Special Contract")
        self.assertEqual(first[col["Decision"]], "Approved")
        self.assertIsInstance(first[col["Requested On"]], datetime)
        self.assertIsInstance(first[col["Decided On"]], datetime)
        self.assertIsInstance(first[col["Days to Decide"]], (int, float))  # a number, 0 when decided at once
        self.assertIsInstance(first[col["Round"]], int)
        self.assertEqual(
            sorted(row[col["Department"]] for row in rows), sorted(lines.department_id.mapped("name"))
        )
        self.assertEqual(register.freeze_panes, "A2")
        self.assertTrue(register.auto_filter.ref)
        summary_rows = list(summary.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(summary_rows), len(lines.department_id))
        self.assertTrue(all(row[1] == 1 for row in summary_rows))

    def test_register_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        order = self._order()
        order.action_request_review()
        book = self._workbook(order.review_line_ids.with_context(lang="zh_CN"))
        header = [cell.value for cell in book.worksheets[0][1]]
        self.assertEqual(len(header), 19)
        self.assertEqual(book.worksheets[0].cell(2, 1).value, order.name)
