import io
import zipfile
from datetime import datetime
from xml.etree import ElementTree

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

    def test_register_opinions_read_back_and_summary_from_the_rows(self):
        """Opinions and conditions with the characters XML escapes and Chinese read back as written; the
        well-formed sheet XML; the summary sheet counted while the register's rows were read is the one
        counted by its own queries."""
        order = self._order(products=[self.good])
        order.action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.state == "pending")[:1]
        opinion = "Delivery & packing <export> \"OK\"; 交期确认，包装按出口标准"
        conditions = "预付款 30% & 余款发货前付清\nSecond line"
        line.with_user(self.reviewers[line.department_id.code]).action_approve_with_conditions(
            opinion=opinion, conditions=conditions)
        lines = order.review_line_ids
        content = self.env["crr.xlsx.export"]._crr_build_workbook(lines._crr_xlsx_sheets())
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/styles.xml"):
                ElementTree.fromstring(package.read(name))
        book = openpyxl.load_workbook(io.BytesIO(content))
        register, summary = book.worksheets
        header = [cell.value for cell in register[1]]
        col = {name: index for index, name in enumerate(header)}
        rows = list(register.iter_rows(min_row=2, values_only=True))
        decided = [row for row in rows if row[col["Opinion"]]]
        self.assertEqual(len(decided), 1)
        self.assertEqual(decided[0][col["Opinion"]], opinion)
        self.assertEqual(decided[0][col["Conditions"]], conditions)
        self.assertEqual(decided[0][col["Department"]], line.department_id.name)
        self.assertIsInstance(decided[0][col["Decided On"]], datetime)
        self.assertEqual(decided[0][col["Untaxed Amount"]], order.amount_untaxed)
        self.assertIsNone(rows[0][col["On Behalf Of"]])
        summary_rows = [list(row) for row in summary.iter_rows(min_row=2, values_only=True)]
        counted = [[value if value is not False else None for value in row] for row in lines._crr_xlsx_summary_rows()]
        self.assertEqual(summary_rows, counted)
        tally = {}
        list(lines._crr_xlsx_register_rows(batch_size=2, tally=tally))
        self.assertTrue(tally["complete"])
        self.assertEqual(list(lines._crr_xlsx_summary_rows(tally=tally)), list(lines._crr_xlsx_summary_rows()))
