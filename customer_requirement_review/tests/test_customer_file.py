import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCustomerFile(HttpCase):
    """The customer file on the partner, its communication records, and what the review shows of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="crr_cf_sales", password="crr_cf_sales", groups="sales_team.group_sale_salesman",
            name="File Salesperson",
        )
        cls.grade_a = cls.env.ref("customer_requirement_review.crr_customer_grade_a")
        cls.customer = cls.env["res.partner"].create({
            "name": "File Customer Co", "is_company": True, "crr_grade_id": cls.grade_a.id,
            "crr_region": "East China", "crr_scale": "large", "crr_credit_rating": "aa",
            "crr_integrity_notes": "Paid on time since 2022",
        })
        cls.contact = cls.env["res.partner"].create({"name": "Buyer Wang", "parent_id": cls.customer.id})
        cls.other = cls.env["res.partner"].create({"name": "Other File Co", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "File Valve", "type": "consu", "list_price": 100.0})
        cls.env.company.crr_review_mode = "off"

    def _overdue_invoice(self, partner, amount, days_late=10):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": fields.Date.today() - timedelta(days=days_late + 30),
            "invoice_date_due": fields.Date.today() - timedelta(days=days_late),
            "invoice_line_ids": [Command.create({"name": "Valves", "quantity": 1, "price_unit": amount, "tax_ids": []})],
        })
        invoice.action_post()
        # the due date the test needs, whatever the payment term computed
        invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").date_maturity = (
            fields.Date.today() - timedelta(days=days_late)
        )
        return invoice

    def test_communication_record_with_follow_up(self):
        record = self.env["crr.customer.contact"].with_user(self.salesperson).create({
            "subject": "Half-yearly visit",
            "contact_type": "visit",
            "partner_id": self.customer.id,
            "customer_attendee_ids": [Command.link(self.contact.id)],
            "topics": "Forecast of next year",
            "issues": "Crates arrived damaged",
            "follow_up": "Check crate strength with logistics",
            "follow_up_user_id": self.salesperson.id,
            "follow_up_date": fields.Date.today() + timedelta(days=5),
        })
        activity = record.follow_up_activity_id
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.date_deadline, fields.Date.today() + timedelta(days=5))
        self.assertIn("Half-yearly visit", activity.summary)
        self.assertEqual(record.activity_ids, activity)
        # moved with the follow-up date, not duplicated
        record.follow_up_date = fields.Date.today() + timedelta(days=9)
        self.assertEqual(record.activity_ids, activity)
        self.assertEqual(activity.date_deadline, fields.Date.today() + timedelta(days=9))
        # the partner's smart button and figures
        self.assertEqual(self.contact.crr_contact_count, 1)
        self.assertEqual(self.customer.crr_last_contact_date, record.date)
        action = self.contact.action_view_crr_contacts()
        self.assertEqual(self.env["crr.customer.contact"].search(action["domain"]), record)
        # the list, calendar and pivot views of the records load
        views = self.env["crr.customer.contact"].get_views([(False, "list"), (False, "calendar"), (False, "pivot")])
        self.assertEqual(set(views["views"]), {"list", "calendar", "pivot"})

    def test_follow_up_moves_only_its_own_activity(self):
        """The follow-up activity is moved as superuser: a salesperson cannot point a record at someone else's
        activity (of another document, another user) to have it reassigned or rewritten."""
        manager = new_test_user(self.env, login="crr_cf_manager", groups="sales_team.group_sale_manager")
        foreign = self.env["res.partner"].create({"name": "Other Document"}).activity_schedule(
            "mail.mail_activity_data_todo", summary="Manager's own to-do", user_id=manager.id,
            date_deadline=fields.Date.today() + timedelta(days=30),
        )
        Contact = self.env["crr.customer.contact"].with_user(self.salesperson)
        with self.assertRaisesRegex(UserError, "Schedule Follow-up"):
            Contact.create({"subject": "Call", "partner_id": self.customer.id, "follow_up_activity_id": foreign.id})
        record = Contact.create({"subject": "Call", "partner_id": self.customer.id})
        with self.assertRaisesRegex(UserError, "Schedule Follow-up"):
            record.write({
                "follow_up_activity_id": foreign.id, "follow_up_user_id": self.salesperson.id,
                "follow_up_date": fields.Date.today(), "follow_up": "taken over",
            })
        # even linked by a bug or an older version: the record schedules its own activity, the other one stays
        with crr_scope():
            record.sudo().follow_up_activity_id = foreign
        record.write({"follow_up_user_id": self.salesperson.id, "follow_up_date": fields.Date.today()})
        self.assertEqual((foreign.user_id, foreign.summary), (manager, "Manager's own to-do"))
        self.assertEqual(record.activity_ids.user_id, self.salesperson)
        self.assertEqual(record.follow_up_activity_id, record.activity_ids)

    def test_review_page_and_line_show_the_file(self):
        self._overdue_invoice(self.customer, 500.0)
        self._overdue_invoice(self.customer, 200.0, days_late=-10)  # not due yet
        self._overdue_invoice(self.other, 900.0)
        self.env["crr.complaint"].create({"subject": "Leak", "partner_id": self.customer.id})
        closed = self.env["crr.complaint"].create({"subject": "Old", "partner_id": self.customer.id})
        closed.action_cancel()
        order = self.env["sale.order"].create({
            "partner_id": self.contact.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
        })
        self.assertEqual(order.crr_customer_grade_id, self.grade_a)
        self.assertEqual(order.crr_customer_credit_rating, "aa")
        self.assertAlmostEqual(order.crr_customer_overdue_amount, 500.0)
        self.assertEqual(order.crr_customer_open_complaints, 1)
        self.assertEqual(self.customer.crr_open_complaint_count, 1)
        self.assertEqual(order.crr_customer_satisfaction, 0.0)
        # the review line shows the same figures
        self.env.company.crr_review_mode = "all"
        order.action_request_review()
        line = order.review_line_ids[:1]
        self.assertTrue(line)
        self.assertEqual(line.crr_customer_grade_id, self.grade_a)
        self.assertAlmostEqual(line.crr_customer_overdue_amount, 500.0)
        self.assertEqual(line.crr_customer_open_complaints, 1)

    def test_figures_without_query_per_record(self):
        """The figures of twelve orders take the queries of three (grouped per figure, none per order)."""
        orders = self.env["sale.order"].create([
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": self.product.id})]}
            for partner in (self.customer, self.other, self.contact) * 4
        ])
        names = ["crr_customer_overdue_amount", "crr_customer_open_complaints", "crr_customer_satisfaction"]
        counts = []
        orders[:1].read(names)  # warm-up: the mail subtypes and other caches of the first read
        for records in (orders[:3], orders):
            self.env.invalidate_all()
            records.read(["partner_id"])
            records.partner_id.commercial_partner_id.mapped("name")
            start = self.env.cr.sql_log_count
            records.read(names)
            counts.append(self.env.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])

    def test_customer_information_list_xlsx(self):
        self.authenticate("crr_cf_sales", "crr_cf_sales")
        action = self.env["crr.xlsx.export"].with_user(self.salesperson)._crr_download_action(
            self.customer | self.other
        )
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual(sheet.title, "Customer Information List")
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[:6], ["Customer", "Grade", "Sales Region", "Country", "Scale", "Credit Rating"])
        rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(rows["File Customer Co"][1:3], ["A", "East China"])
        self.assertIn("AA", rows["File Customer Co"][5])
        self.assertIn("Paid on time since 2022", rows["File Customer Co"])
        self.assertEqual(set(rows), {"File Customer Co", "Other File Co"})
