import io
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import openpyxl
import pytz

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestXlsxExport(HttpCase):
    """The shared XLSX builder and its download route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="crr_xlsx_manager", password="crr_xlsx_manager",
            groups="customer_requirement_review.group_crr_manager", name="Xlsx Manager",
        )
        cls.other_company = cls.env["res.company"].create({"name": "Xlsx Other Company"})
        cls.foreign_department = cls.env["crr.department"].create(
            {"name": "Foreign Dept", "code": "xlsx_foreign", "company_id": cls.other_company.id}
        )

    def _load(self, content):
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_builder_types_header_and_filter(self):
        content = self.env["crr.xlsx.export"]._crr_build_workbook([
            {
                "name": "Typed: [sheet]",
                "columns": [
                    {"header": "Text", "type": "char"},
                    {"header": "Count", "type": "integer"},
                    {"header": "Amount", "type": "float"},
                    {"header": "Day", "type": "date"},
                    {"header": "When", "type": "datetime"},
                    {"header": "Flag", "type": "boolean"},
                    {"header": "Share", "type": "percent"},
                ],
                "rows": iter([
                    ["a", 3, 2.5, date(2026, 6, 30), datetime(2026, 6, 30, 8, 0), True, 0.25],
                    ["b", 0, None, False, None, False, 1.0],
                ]),
            }
        ])
        sheet = self._load(content).worksheets[0]
        self.assertEqual(sheet.title, "Typed sheet")
        self.assertEqual([cell.value for cell in sheet[1]], ["Text", "Count", "Amount", "Day", "When", "Flag", "Share"])
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:G3")
        self.assertEqual(sheet["B2"].value, 3)
        self.assertIsInstance(sheet["C2"].value, float)
        self.assertEqual(sheet["D2"].value, datetime(2026, 6, 30))
        self.assertIsInstance(sheet["E2"].value, datetime)
        self.assertIs(sheet["F2"].value, True)
        self.assertEqual(sheet["G2"].number_format, "0.0%")
        self.assertIsNone(sheet["C3"].value)
        self.assertEqual(sheet["B3"].value, 0)

    def test_streamed_rows_are_well_formed_xml_and_read_back(self):
        """The data rows the builder writes itself: every part of the package is well-formed XML, and strings
        with the characters XML escapes, Chinese, characters XML forbids, Excel's own escapes, dates and
        datetimes in the user's time zone (across a change of offset in the middle of an hour), numbers,
        booleans and empty cells read back as they were given, over more rows than one written chunk."""
        columns = [
            {"header": "Name", "type": "char"},
            {"header": "Note", "type": "text"},
            {"header": "Count", "type": "integer"},
            {"header": "Amount", "type": "monetary"},
            {"header": "Day", "type": "date"},
            {"header": "When", "type": "datetime"},
            {"header": "Flag", "type": "boolean"},
            {"header": "Share", "type": "percent"},
        ]
        special = [
            ["A & B <c> \"d\" 'e'", "交期确认 & 包装 <出口>\n第二行", 3, 1234567.891, date(2026, 6, 30),
             datetime(2026, 10, 3, 15, 10), True, 0.25],
            ["ctrl\x01\x0b\x1fremoved\ufffe", "  spaces kept  ", 0, 0.0, "2026-07-01", "2026-10-03 15:50:00",
             False, 1.0],
            ["_x0041_ stays", None, None, None, False, False, None, None],
            [12, "", -5, -0.5, None, datetime(2026, 1, 1, 23, 59, 59), None, 0],
        ]
        filler = [[f"row {n}", None, n, n / 4, date(2026, 1, 1 + n % 28), None, n % 2 == 0, None] for n in range(1200)]
        exporter = self.env["crr.xlsx.export"].with_context(tz="Australia/Lord_Howe")
        content = exporter._crr_build_workbook([
            {"name": "Streamed", "columns": columns, "rows": iter(special + filler)},
            {"name": "Empty", "columns": columns[:2], "rows": iter([])},
            {"name": "Second", "columns": columns[:3], "rows": iter([["x", "y", 1], [None, None, None], ["z"]])},
        ])
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            self.assertIsNone(package.testzip())
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    ElementTree.fromstring(package.read(name))  # raises on XML that is not well-formed
            sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("A &amp; B &lt;c&gt;", sheet_xml)
        self.assertNotIn("\x01", sheet_xml)
        self.assertIn('<dimension ref="A1:H1205"/>', sheet_xml)

        book = self._load(content)
        sheet, empty, second = book.worksheets
        self.assertEqual([cell.value for cell in sheet[1]], [column["header"] for column in columns])
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:H1205")
        lord_howe = pytz.timezone("Australia/Lord_Howe")

        def local(value):
            return pytz.utc.localize(value).astimezone(lord_howe).replace(tzinfo=None)

        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_row=5)]
        self.assertEqual(values[0][:4], ["A & B <c> \"d\" 'e'", "交期确认 & 包装 <出口>\n第二行", 3, 1234567.891])
        self.assertEqual(values[0][4], datetime(2026, 6, 30))
        # 15:30 UTC that day the offset goes from +10:30 to +11:00
        self.assertEqual(values[0][5], local(datetime(2026, 10, 3, 15, 10)))
        self.assertEqual(values[0][5], datetime(2026, 10, 4, 1, 40))
        self.assertEqual(values[0][6:], [True, 0.25])
        self.assertEqual(values[1][0], "ctrlremoved")
        self.assertEqual(values[1][1], "  spaces kept  ")
        self.assertEqual(values[1][2:5], [0, 0, datetime(2026, 7, 1)])
        self.assertEqual(values[1][5], datetime(2026, 10, 4, 2, 50))
        self.assertEqual(values[1][6:], [False, 1])
        # a literal _xHHHH_ is written with Excel's escape of its underscore, as xlsxwriter writes it (Excel and
        # LibreOffice show "_x0041_ stays"; openpyxl does not decode these escapes)
        self.assertIn("<t>_x005F_x0041_ stays</t>", sheet_xml)
        self.assertEqual(values[2][1:], [None] * 7)
        self.assertEqual(values[3][:4], ["12", "", -5, -0.5])
        self.assertEqual(values[3][5], local(datetime(2026, 1, 1, 23, 59, 59)))
        self.assertEqual(values[3][6:], [None, 0])
        self.assertEqual(sheet["D2"].number_format, "#,##0.00")
        self.assertEqual(sheet["E2"].number_format, "yyyy-mm-dd")
        self.assertEqual(sheet["F2"].number_format, "yyyy-mm-dd hh:mm")
        self.assertTrue(sheet["B2"].alignment.wrap_text)
        self.assertEqual(sheet.column_dimensions["B"].width, 40.7109375)  # 40 characters, as xlsxwriter sets it
        last = [cell.value for cell in sheet[1205]]
        self.assertEqual(last[:3], ["row 1199", None, 1199])
        self.assertEqual(last[3], 1199 / 4)
        self.assertEqual(last[4], datetime(2026, 1, 1 + 1199 % 28))
        self.assertIs(last[6], False)
        self.assertEqual(sheet.max_row, 1205)
        self.assertEqual(empty.max_row, 1)
        self.assertEqual(empty.auto_filter.ref, "A1:B2")
        self.assertEqual([[cell.value for cell in row] for row in second.iter_rows()],
                         [["Name", "Note", "Count"], ["x", "y", 1], [None, None, None], ["z", None, None]])

    def test_download_route_exports_only_readable_records(self):
        own = self.env["crr.department"].search([("company_id", "=", self.env.company.id)])
        ids = ",".join(str(i) for i in (own | self.foreign_department).ids)
        self.authenticate("crr_xlsx_manager", "crr_xlsx_manager")
        response = self.url_open(f"/customer_requirement_review/xlsx/crr.department?ids={ids}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn("Review%20departments.xlsx", response.headers["Content-Disposition"])
        sheet = self._load(response.content).worksheets[0]
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(len(names), len(own))
        self.assertNotIn("Foreign Dept", names)

    def test_download_action_and_refusal(self):
        departments = self.env["crr.department"].search([], limit=2)
        action = self.env["crr.xlsx.export"]._crr_download_action(departments)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(",".join(str(i) for i in departments.ids), action["url"])
        self.authenticate("crr_xlsx_manager", "crr_xlsx_manager")
        response = self.url_open("/customer_requirement_review/xlsx/res.users?ids=1")
        self.assertNotEqual(response.status_code, 200)
