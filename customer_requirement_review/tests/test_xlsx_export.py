import io
from datetime import date, datetime

import openpyxl

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
