import io
from datetime import timedelta

from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrrStockCommon


@tagged("post_install", "-at_install")
class TestDeliveryPerformance(CrrStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.on_time_order = cls._order(days=5)
        cls.late_order = cls._order(days=-3, partner=cls.other_customer)
        cls.on_time_picking = cls._deliver(cls.on_time_order)
        cls.late_picking = cls._deliver(cls.late_order)
        cls.Countermeasure = cls.env["crr.delivery.countermeasure"]

    def test_execution_register(self):
        on_time = self.on_time_order.order_line
        late = self.late_order.order_line
        self.assertEqual(on_time.crr_promised_date, self.today + timedelta(days=5))
        self.assertEqual(on_time.qty_delivered, 10)
        self.assertEqual(on_time.crr_delivery_date, self.today)
        self.assertEqual((on_time.crr_delivery_state, on_time.crr_on_time, on_time.crr_days_late), ("on_time", True, 0))
        self.assertEqual(late.crr_promised_date, self.today - timedelta(days=3))
        self.assertEqual((late.crr_delivery_state, late.crr_on_time, late.crr_days_late), ("late", False, 3))
        # not delivered yet: open, not in the rate
        pending = self._order(days=2).order_line
        self.assertEqual(pending.crr_delivery_state, "open")
        self.assertFalse(pending.crr_delivery_date)

    def test_delivery_figures_not_written_directly(self):
        """The late line's figures are computed from its deliveries: its salesperson (who may edit the order's
        lines) cannot make it on time, not even through the superuser; nothing changes."""
        late = self.late_order.order_line
        forged = {"crr_on_time": True, "crr_delivery_state": "on_time", "crr_days_late": 0, "crr_on_time_rate": 100.0}
        for name, value in forged.items():
            for line in (late.with_user(self.salesperson), late.sudo()):
                with self.assertRaisesRegex(UserError, "is computed from the record: it cannot be written directly"):
                    line.write({name: value})
        late.invalidate_recordset()
        self.assertEqual((late.crr_delivery_state, late.crr_on_time, late.crr_days_late), ("late", False, 3))
        # the line's other fields are written as before
        late.with_user(self.salesperson).write({"name": "Renamed line"})
        self.assertEqual(late.name, "Renamed line")

    def test_on_time_rate_read_group(self):
        Line = self.env["sale.order.line"]
        domain = [("order_id", "in", (self.on_time_order | self.late_order).ids)]
        [total] = Line._crr_on_time_rate(domain)
        self.assertEqual((total["lines"], total["on_time"], total["rate"], total["target"], total["gap"]),
                         (2, 1, 50.0, 100.0, -50.0))
        by_customer = {row["key"]: row["rate"] for row in Line._crr_on_time_rate(domain, "order_partner_id")}
        self.assertEqual(by_customer, {self.customer.id: 100.0, self.other_customer.id: 0.0})
        [month] = Line._crr_on_time_rate(domain, "crr_delivery_date:month")
        self.assertEqual(month["label"], self.today.strftime("%Y-%m"))
        [salesperson] = Line._crr_on_time_rate(domain, "salesman_id")
        self.assertEqual((salesperson["key"], salesperson["rate"]), (self.salesperson.id, 50.0))
        # the pivot reads the same figure: the mean of the stored per-line rate
        [(rate,)] = Line._read_group([*domain, ("crr_delivery_state", "in", ("on_time", "late", "short"))],
                                     [], ["crr_on_time_rate:avg"])
        self.assertEqual(rate, 50.0)
        self.company.crr_on_time_target = 95.0
        self.assertEqual(Line._crr_on_time_rate(domain)[0]["gap"], -45.0)

    def test_late_delivery_opens_countermeasure(self):
        self.assertFalse(self.Countermeasure.search([("order_id", "=", self.on_time_order.id)]))
        measure = self.Countermeasure.search([("order_id", "=", self.late_order.id)])
        self.assertEqual(len(measure), 1)
        self.assertEqual((measure.state, measure.delay_type, measure.days_late), ("open", "late", 3))
        self.assertEqual(measure.picking_id, self.late_picking)
        self.assertEqual(measure.sale_line_ids, self.late_order.order_line)
        self.assertEqual(measure.user_id, self.logistician)
        self.assertEqual(measure.activity_ids.user_id, self.logistician)
        self.assertEqual(self.late_order.crr_countermeasure_count, 1)

    def test_short_delivery_opens_countermeasure(self):
        order = self._order(days=4)
        self._deliver(order, qty=6, backorder=False)
        line = order.order_line
        self.assertEqual((line.crr_delivery_state, line.qty_delivered, line.crr_on_time), ("short", 6, False))
        measure = self.Countermeasure.search([("order_id", "=", order.id)])
        self.assertEqual(measure.delay_type, "short")

    def test_partial_delivery_then_rest(self):
        order = self._order(days=2)
        first = self._deliver(order, qty=4)
        line = order.order_line
        self.assertEqual((line.crr_delivery_state, line.qty_delivered), ("open", 4))
        self.assertFalse(self.Countermeasure.search([("picking_id", "=", first.id)]))
        self._deliver(order)
        self.assertEqual((line.crr_delivery_state, line.crr_delivery_date), ("on_time", self.today))

    def test_countermeasure_actions(self):
        measure = self.Countermeasure.search([("order_id", "=", self.late_order.id)])
        as_owner = measure.with_user(self.logistician)
        with self.assertRaisesRegex(UserError, "Close / Cancel / Reopen"):
            as_owner.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "Customer Informed"):
            as_owner.write({"customer_informed_date": "2026-01-01 00:00:00"})
        # the delay as measured when the delivery was validated, and the reference: not rewritten
        for vals in ({"days_late": 0}, {"promised_date": measure.delivery_date}, {"sale_line_ids": [(5, 0, 0)]}):
            with self.assertRaisesRegex(UserError, "set when the delivery is validated"):
                as_owner.write(vals)
        with self.assertRaisesRegex(UserError, "is set when the record is created"):
            as_owner.write({"name": "DLY/forged"})
        self.assertEqual((measure.days_late, measure.sale_line_ids), (3, self.late_order.order_line))
        # the main addon's record guard: not even the superuser, whatever the context, writes them directly
        with self.assertRaisesRegex(UserError, "Close / Cancel / Reopen"):
            measure.sudo().with_context(crr_action=True, install_mode=True).write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "cannot be closed, missing"):
            as_owner.action_close()
        as_owner.write({
            "cause_category": "material", "cause": "Castings late from the foundry",
            "countermeasure": "Express truck", "recurrence_prevention": "Weekly date confirmation",
            "extra_freight_cost": 680.0,
        })
        with self.assertRaisesRegex(UserError, "the customer informed"):
            as_owner.action_close()
        as_owner.action_customer_informed()
        self.assertEqual(measure.customer_informed_by_id, self.logistician)
        as_owner.action_close()
        self.assertEqual((measure.state, measure.closed_by_id), ("closed", self.logistician))
        self.assertFalse(measure.activity_ids)
        with self.assertRaisesRegex(UserError, "read-only"):
            as_owner.write({"cause": "changed"})
        with self.assertRaises(AccessError):
            as_owner.action_reopen()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            measure.with_user(self.manager).unlink()

    def test_daily_check_flags_late_pickings(self):
        order = self._order(days=-1)
        future = self._order(days=10)
        Picking = self.env["stock.picking"]
        Picking._cron_crr_flag_late_pickings()
        picking = order.picking_ids
        self.assertTrue(picking.crr_late_risk)
        self.assertFalse(future.picking_ids.crr_late_risk)
        self.assertEqual(picking.activity_ids.user_id, self.salesperson)
        with self.assertRaisesRegex(UserError, "daily check of shipments"):
            picking.with_user(self.salesperson).write({"crr_late_risk": False})
        with self.assertRaisesRegex(UserError, "daily check of shipments"):
            picking.sudo().write({"crr_late_risk": False})
        # delivered (late): the flag goes, a countermeasure comes
        self._deliver(order)
        self.assertFalse(picking.crr_late_risk)
        self.assertTrue(self.Countermeasure.search([("picking_id", "=", picking.id)]))

    def test_register_without_query_per_line(self):
        """The execution register of 10 delivered lines costs the queries of 2 (moves read in batch)."""
        few = self._order(days=3) | self._order(days=3)
        many = self._order(days=3, products=[self.bracket] * 10)
        for order in few | many:
            self._deliver(order)
        field = self.env["sale.order.line"]._fields["crr_delivery_state"]

        def queries(lines):
            self.env.invalidate_all()
            self.env.add_to_compute(field, lines)
            start = self.cr.sql_log_count
            lines._recompute_recordset(["crr_delivery_state"])
            return self.cr.sql_log_count - start

        self.assertEqual(len(many.order_line), 10)
        self.assertLessEqual(queries(many.order_line), queries(few.order_line))
        self.assertEqual(set(many.order_line.mapped("crr_delivery_state")), {"on_time"})

    def test_countermeasure_report(self):
        measure = self.Countermeasure.search([("order_id", "=", self.late_order.id)])
        measure.write({"cause": "Castings late from the foundry", "recurrence_prevention": "Weekly confirmation"})
        Report = self.env["ir.actions.report"]
        html, fmt = Report._render_qweb_pdf(
            "customer_requirement_review_stock.action_report_crr_delivery_countermeasure", res_ids=measure.ids
        )
        self.assertEqual(fmt, "html")
        for text in ("Delay Countermeasure Form", measure.name, "Castings late from the foundry", "Valve Bracket"):
            self.assertIn(text, html.decode())
        pdf, fmt = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review_stock.action_report_crr_delivery_countermeasure", res_ids=measure.ids
        )
        self.assertEqual(fmt, "pdf")
        text = " ".join(extract_text(io.BytesIO(pdf)).split())
        for needle in ("Delay Countermeasure Form", measure.name, "Castings late from the foundry",
                       "Weekly confirmation", "Second Customer Ltd"):
            self.assertIn(needle, text)

    def test_execution_summary_xlsx(self):
        lines = (self.on_time_order | self.late_order).order_line
        content = self.env["crr.xlsx.export"]._crr_build_workbook(lines._crr_xlsx_sheets())
        book = load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["Order Execution Summary", "On-Time Delivery Rate"])
        rows = list(book["Order Execution Summary"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(rows), 2)
        late_row = next(row for row in rows if row[0] == self.late_order.name)
        self.assertEqual((late_row[9], late_row[10], late_row[11]), (3, "Late", False))
        rates = list(book["On-Time Delivery Rate"].iter_rows(min_row=2, values_only=True))
        total = next(row for row in rates if row[0] == "Total")
        self.assertEqual(total[2:6], (2, 1, 0.5, 1.0))
