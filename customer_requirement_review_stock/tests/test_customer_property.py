import io

from pdfminer.high_level import extract_text

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import CrrStockCommon


@tagged("post_install", "-at_install")
class TestCustomerProperty(CrrStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls.env["product.product"].create({"name": "Customer Bar 316L", "type": "consu", "is_storable": True})
        cls.receipt_type = cls.warehouse.in_type_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.Property = cls.env["crr.customer.property"]

    def _receipt(self, owner, qty=50.0):
        picking = self.env["stock.picking"].create({
            "picking_type_id": self.receipt_type.id,
            "partner_id": self.customer.id,
            "owner_id": owner.id if owner else False,
            "location_id": self.customer_location.id,
            "location_dest_id": self.stock_location.id,
            "move_ids": [Command.create({
                "product_id": self.steel.id, "product_uom_qty": qty,
                "location_id": self.customer_location.id, "location_dest_id": self.stock_location.id,
            })],
        })
        picking.action_confirm()
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking._action_done()
        return picking

    def test_material_received_with_owner_and_reported(self):
        receipt = self._receipt(self.customer)
        quants = self.env["stock.quant"].search([("product_id", "=", self.steel.id),
                                                 ("location_id", "=", self.stock_location.id)])
        self.assertEqual(quants.owner_id, self.customer)
        self.assertEqual(sum(quants.mapped("quantity")), 50.0)
        record = self.Property.with_user(self.logistician).create({
            "description": "Stainless bar for valve stems", "partner_id": self.customer.id,
            "property_type": "material", "product_id": self.steel.id, "quantity": 50.0,
            "picking_id": receipt.id, "custodian_department_id": self.logistics.id,
        })
        self.assertEqual(record.state, "draft")
        with self.assertRaisesRegex(UserError, "Receive"):
            record.write({"state": "in_custody"})
        record.action_receive()
        self.assertEqual((record.state, record.received_date, record.received_by_id, record.location_id),
                         ("in_custody", self.today, self.logistician, self.stock_location))
        self.assertEqual(record.owned_qty, 50.0)
        record.action_inspect_conforming()
        self.assertEqual((record.inspection_result, record.inspected_by_id), ("conforming", self.logistician))
        # the report needs the incident described
        with self.assertRaisesRegex(UserError, "missing"):
            record.action_report_incident()
        record.write({"incident_type": "damage", "incident_date": self.today,
                      "incident_description": "Three bars bent by a forklift"})
        action = record.action_report_incident()
        self.assertEqual(action["report_name"], "customer_requirement_review_stock.report_crr_customer_property")
        self.assertEqual((record.state, record.reported_by_id), ("reported", self.logistician))
        message = record.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(f"report on your property {record.name}", message.subject)
        self.assertIn("Three bars bent by a forklift", message.body)
        self.assertIn(self.customer, message.partner_ids)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertIn(self.customer, mail.recipient_ids)
        # the report goes with the mail (rendered as HTML in tests, as PDF otherwise)
        self.assertEqual(message.attachment_ids.mapped("name"), [f"Customer Property - {record.name.replace('/', '-')}.html"])
        with self.assertRaisesRegex(UserError, "kept as reported"):
            record.write({"incident_description": "changed"})
        record.action_return()
        self.assertEqual(record.state, "returned")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.with_user(self.manager).unlink()

    def test_receipt_must_be_owned_by_the_customer(self):
        receipt = self._receipt(owner=None)
        with self.assertRaisesRegex(ValidationError, "as owner"):
            self.Property.create({
                "description": "Bar", "partner_id": self.customer.id, "product_id": self.steel.id,
                "picking_id": receipt.id,
            })
        record = self.Property.create({"description": "Bar", "partner_id": self.customer.id, "product_id": self.steel.id})
        with self.assertRaisesRegex(UserError, "Validate the receipt"):
            record.action_receive()

    def test_confidential_drawings(self):
        reader = new_test_user(self.env, login="crr_s_reader", groups="sales_team.group_sale_salesman", name="Reader")
        outsider = new_test_user(self.env, login="crr_s_outsider", groups="sales_team.group_sale_salesman",
                                 name="Outsider")
        drawing = self.Property.create({
            "description": "DN80 body drawings rev C", "partner_id": self.customer.id, "property_type": "drawing",
            "storage_place": "Archive 3", "confidential": True, "reader_user_ids": [Command.set(reader.ids)],
            "custodian_department_id": self.quality.id,
        })
        drawing.action_receive()
        self.assertEqual(drawing.state, "in_custody")
        for user, visible in ((reader, True), (outsider, False), (self.inspector, True), (self.manager, True)):
            found = self.Property.with_user(user).search([("id", "=", drawing.id)])
            self.assertEqual(bool(found), visible, user.name)
        with self.assertRaises(AccessError):
            drawing.with_user(outsider).read(["description"])

    def test_property_report_pdf(self):
        record = self.Property.create({
            "description": "Casting mould DN50", "partner_id": self.customer.id, "property_type": "data",
            "incident_type": "damage", "incident_description": "Core pin broken in the third run",
            "storage_place": "Tool room",
        })
        pdf, fmt = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review_stock.action_report_crr_customer_property", res_ids=record.ids
        )
        self.assertEqual(fmt, "pdf")
        text = " ".join(extract_text(io.BytesIO(pdf)).split())
        for needle in ("Customer Property Report", record.name, "Casting mould DN50", "Core pin broken",
                       "Delivery Customer Ltd"):
            self.assertIn(needle, text)
