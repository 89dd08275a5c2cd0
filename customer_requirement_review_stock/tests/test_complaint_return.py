from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrrStockCommon


@tagged("post_install", "-at_install")
class TestComplaintReturn(CrrStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order(days=2, qty=40)
        cls.delivery = cls._deliver(cls.order)
        cls.term = cls.env["crr.warranty.term"].create({"name": "Standard", "months": 12})
        cls.Return = cls.env["crr.complaint.return"]

    def _complaint(self, **vals):
        return self.env["crr.complaint"].create({
            "subject": "Cracked brackets", "partner_id": self.customer.id, "order_id": self.order.id,
            "product_id": self.bracket.id, "affected_qty": 4, "department_id": self.quality.id, **vals,
        })

    def test_return_from_complaint(self):
        complaint = self._complaint()
        action = complaint.action_new_return()
        self.assertEqual(action["context"]["default_origin_picking_id"], self.delivery.id)
        record = self.Return.with_user(self.salesperson).create({
            "complaint_id": complaint.id, "product_id": self.bracket.id, "quantity": 4, "sample_kept": True,
        })
        self.assertEqual((record.partner_id, record.order_id, record.company_id),
                         (self.customer, self.order, self.company))
        with self.assertRaisesRegex(UserError, "Verdict"):
            record.write({"quality_verdict": "company_defect"})
        with self.assertRaisesRegex(UserError, "Verdict"):
            record.sudo().write({"quality_verdict": "company_defect"})
        record.action_create_return_picking()
        picking = record.picking_id
        self.assertEqual((record.state, record.origin_picking_id), ("waiting", self.delivery))
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.return_id, self.delivery)
        self.assertEqual((picking.crr_complaint_return_id, picking.crr_complaint_id), (record, complaint))
        self.assertEqual(picking.move_ids.product_uom_qty, 4)
        self.assertEqual(complaint.return_count, 1)
        picking.move_ids.write({"quantity": 4, "picked": True})
        picking._action_done()
        self.assertEqual(record.state, "received")
        # the returned goods lower the delivered quantity; the line was settled on time and stays so
        self.assertEqual(self.order.order_line.qty_delivered, 36)
        # quality decides: salespeople may not
        with self.assertRaises(AccessError):
            record.with_user(self.salesperson).action_verdict_company_defect()
        as_quality = record.with_user(self.inspector)
        with self.assertRaisesRegex(UserError, "quality findings"):
            as_quality.action_verdict_company_defect()
        as_quality.write({"verdict_note": "Porosity at the bolt hole"})
        as_quality.action_verdict_company_defect()
        self.assertEqual((record.quality_verdict, record.verdict_by_id), ("company_defect", self.inspector))
        self.assertEqual((record.warranty_term_id, record.warranty_status), (self.term, "in"))
        self.assertEqual(record.warranty_end, fields.Date.add(self.today, months=12))
        with self.assertRaisesRegex(UserError, "free"):
            as_quality.action_decide_no_action()
        as_quality.action_decide_replace()
        self.assertEqual((record.state, record.decision, record.free_of_charge, record.warranty_status_decided),
                         ("decided", "replace", True, "in"))
        with self.assertRaisesRegex(UserError, "read-only"):
            as_quality.write({"decision_note": "changed"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.sudo().with_context(MODULE_UNINSTALL_FLAG=True).unlink()

    def test_warranty_terms_most_specific(self):
        specific = self.env["crr.warranty.term"].create({
            "name": "Customer brackets", "months": 24, "partner_id": self.customer.id,
            "product_tmpl_id": self.bracket.product_tmpl_id.id,
        })
        Term = self.env["crr.warranty.term"]
        self.assertEqual(Term._crr_find(self.customer, self.bracket, self.company), specific)
        self.assertEqual(Term._crr_find(self.other_customer, self.bracket, self.company), self.term)
        self.term.active = False
        specific.active = False
        complaint = self._complaint()
        record = self.Return.create({"complaint_id": complaint.id, "product_id": self.bracket.id, "quantity": 1})
        self.assertEqual(record.warranty_status, "none")

    def test_out_of_warranty_and_cancel(self):
        complaint = self._complaint(date_received=fields.Datetime.add(fields.Datetime.now(), years=2))
        record = self.Return.create({"complaint_id": complaint.id, "product_id": self.bracket.id, "quantity": 2,
                                     "origin_picking_id": self.delivery.id})
        self.assertEqual(record.warranty_status, "out")
        record.action_create_return_picking()
        picking = record.picking_id
        record.action_cancel()
        self.assertEqual((record.state, picking.state), ("cancelled", "cancel"))
        with self.assertRaisesRegex(UserError, "more"):
            self.Return.create({"complaint_id": complaint.id, "product_id": self.bracket.id, "quantity": 99,
                                "origin_picking_id": self.delivery.id}).action_create_return_picking()
