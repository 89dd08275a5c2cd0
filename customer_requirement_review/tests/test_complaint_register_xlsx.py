import io
from datetime import datetime

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintRegisterXlsx(TransactionCase):
    """The complaint register: one row per complaint and a statistics sheet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Register Customer", "is_company": True})
        quality = cls.env.ref("customer_requirement_review.crr_department_quality")
        logistics = cls.env.ref("customer_requirement_review.crr_department_logistics")
        Complaint = cls.env["crr.complaint"]
        cls.complaints = Complaint.create([
            {"subject": "Scratched housings", "partner_id": cls.customer.id, "category": "quality",
             "severity": "major", "department_id": quality.id, "affected_qty": 12},
            {"subject": "Late delivery", "partner_id": cls.customer.id, "category": "delivery", "severity": "minor",
             "department_id": logistics.id},
            {"subject": "Wrong labels", "partner_id": cls.customer.id, "category": "quality", "severity": "minor"},
        ])

    def _book(self, records):
        content = self.env["crr.xlsx.export"]._crr_build_workbook(records._crr_xlsx_sheets())
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_register_and_statistics(self):
        register, statistics = self._book(self.complaints).worksheets
        header = [cell.value for cell in register[1]]
        col = {name: index for index, name in enumerate(header)}
        rows = list(register.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(rows), 3)
        first = next(row for row in rows if row[col["Subject"]] == "Scratched housings")
        self.assertEqual(first[col["Category"]], "Product Quality")
        self.assertEqual(first[col["Severity"]], "Major")
        self.assertEqual(first[col["Department"]], "Quality")
        self.assertEqual(first[col["Affected Quantity"]], 12)
        self.assertIsInstance(first[col["Received On"]], datetime)
        self.assertIsInstance(first[col["Acknowledge By"]], datetime)
        self.assertIs(first[col["Overdue"]], False)
        stats = {(row[0], row[1]): row[2] for row in statistics.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(stats[("Category", "Product Quality")], 2)
        self.assertEqual(stats[("Category", "Delivery")], 1)
        self.assertEqual(stats[("Severity", "Minor")], 2)
        # the third one was routed to quality (no routing line: the quality department)
        self.assertEqual(stats[("Department", "Quality")], 2)
        self.assertEqual(stats[("Department", "Logistics")], 1)
        self.assertEqual(stats[("Total", "Complaints")], 3)

    def test_portal_user_cannot_export(self):
        portal = new_test_user(self.env, login="crr_reg_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["crr.xlsx.export"].with_user(portal)._crr_records_for_export("crr.complaint", ids=self.complaints.ids)
