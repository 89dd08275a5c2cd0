from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged

# what the complaint list view asks (view_crr_complaint_list), as the web client sends it
LIST_SPEC = {
    "name": {}, "date_received": {}, "subject": {}, "category": {}, "severity": {}, "close_deadline": {},
    "is_overdue": {}, "state": {},
    "partner_id": {"fields": {"display_name": {}}},
    "order_id": {"fields": {"display_name": {}}},
    "department_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
}
OPEN = [("state", "in", ("new", "acknowledged", "investigating", "action", "verification"))]


@tagged("post_install", "-at_install")
class TestComplaintListPerformance(TransactionCase):
    """The complaint list reads in a constant number of queries, whatever the number of complaints
    (no per-record computation: no message_*/activity fields, no overdue computed on read)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="crr_perf_sales", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.owners = [
            new_test_user(cls.env, login=f"crr_perf_owner{i}", groups="customer_requirement_review.group_crr_reviewer")
            for i in range(3)
        ]
        product = cls.env["product.product"].create({"name": "Perf Valve", "type": "consu"})
        cls.env.company.crr_review_mode = "off"
        customers = cls.env["res.partner"].create([{"name": f"Perf Customer {i}", "is_company": True} for i in range(30)])
        orders = cls.env["sale.order"].create([
            {"partner_id": customer.id, "order_line": [Command.create({"product_id": product.id})]}
            for customer in customers
        ])
        departments = cls.env["crr.department"].search([("company_id", "=", cls.env.company.id)])
        cls.complaints = cls.env["crr.complaint"].create([
            {"subject": f"Perf complaint {i}", "partner_id": customer.id, "order_id": order.id,
             "department_id": departments[i % len(departments)].id, "user_id": cls.owners[i % 3].id,
             "category": "quality"}
            for i, (customer, order) in enumerate(zip(customers, orders, strict=True))
        ])

    def _list_queries(self, limit):
        Complaint = self.env["crr.complaint"].with_user(self.salesperson)
        self.env.invalidate_all()
        Complaint.web_search_read([*OPEN, ("id", "in", self.complaints.ids)], LIST_SPEC, limit=limit)  # warm-up
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Complaint.web_search_read([*OPEN, ("id", "in", self.complaints.ids)], LIST_SPEC, limit=limit)
        self.assertEqual(len(result["records"]), limit)
        return self.env.cr.sql_log_count - before

    def test_list_query_count_is_constant(self):
        few, many = self._list_queries(3), self._list_queries(30)
        self.assertEqual(few, many, "the complaint list costs queries per record")
        Complaint = self.env["crr.complaint"].with_user(self.salesperson)
        self.env.invalidate_all()
        with self.assertQueryCount(12):
            Complaint.web_search_read([*OPEN, ("id", "in", self.complaints.ids)], LIST_SPEC, limit=80)
