import re

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Portal Customer Co", "is_company": True})
        cls.portal_user = new_test_user(
            cls.env, login="crr_portal_buyer", password="crr_portal_buyer", groups="base.group_portal",
            name="Portal Buyer",
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.other_customer = cls.env["res.partner"].create({"name": "Rival Customer Co", "is_company": True})
        cls.reviewer = new_test_user(
            cls.env, login="crr_portal_reviewer", groups="customer_requirement_review.group_crr_reviewer"
        )
        cls.reviewer2 = new_test_user(
            cls.env, login="crr_portal_reviewer2", groups="customer_requirement_review.group_crr_reviewer"
        )
        product = cls.env["product.product"].create({"name": "Portal Valve", "type": "consu", "list_price": 3.0})
        cls.product = product
        cls.rival_product = cls.env["product.product"].create({"name": "Rival Gadget", "type": "consu"})
        # the orders complained about were confirmed earlier (their review is not what is tested here)
        cls.env.company.crr_review_mode = "off"
        cls.order = cls.env["sale.order"].create(
            {"partner_id": cls.portal_user.partner_id.id,
             "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10})]}
        )
        cls.order.action_confirm()
        cls.other_order = cls.env["sale.order"].create(
            {"partner_id": cls.other_customer.id,
             "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10}),
                            Command.create({"product_id": cls.rival_product.id, "product_uom_qty": 1})]}
        )
        cls.other_order.action_confirm()
        cls.other_complaint = cls.env["crr.complaint"].create(
            {"subject": "Rival secret complaint", "partner_id": cls.other_customer.id,
             "order_id": cls.other_order.id, "root_cause": "RIVAL-ROOT-CAUSE"}
        )

    def _csrf(self, url="/my/complaints/new"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def test_portal_flow_create_follow_close(self):
        self.authenticate("crr_portal_buyer", "crr_portal_buyer")
        # the new-complaint form only offers the user's own orders
        form = self.url_open("/my/complaints/new")
        self.assertIn(self.order.name, form.text)
        self.assertNotIn(self.other_order.name, form.text)
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": self._csrf(),
                "order_id": self.order.id,
                "subject": "Valves leak at 10 bar",
                "category": "quality",
                "affected_qty": "4",
                "description": "Four valves leak during our incoming test.",
            },
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["crr.complaint"].search([("subject", "=", "Valves leak at 10 bar")])
        self.assertEqual(len(complaint), 1)
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.portal_user.partner_id)
        self.assertEqual(complaint.order_id, self.order)
        self.assertEqual(complaint.affected_qty, 4)
        self.assertIn(self.portal_user.partner_id, complaint.message_partner_ids)

        # listed, with the other customer's complaint absent
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(complaint.name, listing.text)
        self.assertNotIn(self.other_complaint.name, listing.text)
        self.assertNotIn("Rival secret complaint", listing.text)

        # the customer answers in the chatter
        result = self.make_jsonrpc_request(
            "/mail/message/post",
            {"thread_model": "crr.complaint", "thread_id": complaint.id,
             "post_data": {"body": "Photos of the leaking valves attached.", "message_type": "comment"}},
        )
        self.assertTrue(result["message_id"])
        self.assertEqual(complaint.message_ids[0].author_id, self.portal_user.partner_id)

        # the company handles it internally, with confidential investigation notes
        complaint.with_user(self.reviewer).action_acknowledge()
        complaint.with_user(self.reviewer).write(
            {"department_id": self.env.ref("customer_requirement_review.crr_department_quality").id,
             "containment_action": "Replacement valves shipped by express."}
        )
        complaint.with_user(self.reviewer).action_investigate()
        complaint.with_user(self.reviewer).write(
            {"root_cause": "CONFIDENTIAL-ROOT: supplier seal batch out of tolerance",
             "why_1": "CONFIDENTIAL-WHY", "cost": 987.65,
             "action_ids": [Command.create({"name": "Block seal batch", "user_id": self.reviewer.id})]}
        )
        complaint.action_ids.with_user(self.reviewer).action_done()
        complaint.with_user(self.reviewer).action_to_verification()
        complaint.action_ids.with_user(self.reviewer2).action_verify()
        complaint.with_user(self.reviewer).write({"customer_reply": "Seal batch blocked, valves replaced."})
        complaint.with_user(self.reviewer).action_send_reply()
        with self.assertRaisesRegex(UserError, "acceptance of the reply"):
            complaint.with_user(self.reviewer).action_close()
        # the customer accepts the reply on the portal
        page = self.url_open(f"/my/complaints/{complaint.id}")
        self.assertIn("Do you accept our reply?", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.url_open(f"/my/complaints/{complaint.id}/acceptance",
                      data={"csrf_token": token, "accepted": "1", "comment": "OK for us"})
        self.assertEqual(complaint.customer_acceptance, "accepted")
        complaint.with_user(self.reviewer).action_close()
        self.assertEqual(complaint.state, "closed")

        page = self.url_open(f"/my/complaints/{complaint.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Valves leak at 10 bar", page.text)
        self.assertIn("Seal batch blocked, valves replaced.", page.text)
        self.assertIn("Replacement valves shipped by express.", page.text)
        self.assertNotIn("CONFIDENTIAL", page.text)
        # the internal cost (987.65) is not shown; the bare digits could occur in the page's random CSRF token
        self.assertNotRegex(page.text, r"987[.,]65")

    def test_portal_form_product_photos_reply_time(self):
        """The form offers the products of the customer's own orders only, marks what is required, says
        when we reply, hides the internal severity; a photo arrives attached to the complaint."""
        self.env.company.crr_complaint_ack_hours_minor = 6
        route_owner = self.reviewer2
        quality = self.env.ref("customer_requirement_review.crr_department_quality")
        self.env["crr.complaint.route"].create(
            {"channel": "portal", "department_id": quality.id, "user_id": route_owner.id}
        )
        self.authenticate("crr_portal_buyer", "crr_portal_buyer")
        form = self.url_open("/my/complaints/new").text
        self.assertIn("Portal Valve", form)
        self.assertNotIn("Rival Gadget", form)
        self.assertIn("We reply within 6 hours", form)
        self.assertIn('<span class="text-danger">*</span>', form)
        self.assertIn('enctype="multipart/form-data"', form)
        self.assertNotIn("Severity", form)
        # a product of another customer's order is refused, nothing created
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": self._csrf(), "order_id": self.order.id, "product_id": self.rival_product.id,
                  "subject": "Wrong product complaint", "category": "quality"},
        )
        self.assertIn("Choose a product of the selected order", response.text)
        self.assertFalse(self.env["crr.complaint"].search([("subject", "=", "Wrong product complaint")]))
        # a file that is not a photo nor a PDF is refused
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": self._csrf(), "order_id": self.order.id, "subject": "Script complaint",
                  "category": "quality"},
            files={"attachments": ("evil.sh", b"#!/bin/sh\nrm -rf /\n", "image/png")},
        )
        self.assertIn("is not a photo", response.text)
        self.assertFalse(self.env["crr.complaint"].search([("subject", "=", "Script complaint")]))
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
               b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
               b"\x00\x00IEND\xaeB`\x82")
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": self._csrf(), "order_id": self.order.id, "product_id": self.product.id,
                  "subject": "Cracked valve body", "category": "quality", "description": "See the photo."},
            files={"attachments": ("crack.png", png, "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["crr.complaint"].search([("subject", "=", "Cracked valve body")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.product_id, self.product)
        self.assertEqual((complaint.department_id, complaint.user_id), (quality, route_owner))
        self.assertEqual(complaint.severity, "minor")
        attachment = self.env["ir.attachment"].search([("res_model", "=", "crr.complaint"), ("res_id", "=", complaint.id)])
        self.assertEqual(attachment.name, "crack.png")
        self.assertEqual(attachment.mimetype, "image/png")
        message = self.env["mail.message"].search(
            [("model", "=", "crr.complaint"), ("res_id", "=", complaint.id), ("attachment_ids", "in", attachment.ids)])
        self.assertEqual(message.author_id, self.portal_user.partner_id)
        self.assertFalse(message.subtype_id.internal)
        # the owner has an activity; the complaint page shows no internal severity
        self.assertEqual(complaint.activity_ids.user_id, route_owner)
        page = self.url_open(f"/my/complaints/{complaint.id}").text
        self.assertIn("Cracked valve body", page)
        self.assertNotIn("Severity", page)

    def test_portal_isolation(self):
        self.authenticate("crr_portal_buyer", "crr_portal_buyer")
        # another customer's complaint is not shown (redirected away, nothing of it rendered)
        response = self.url_open(f"/my/complaints/{self.other_complaint.id}", allow_redirects=False)
        self.assertIn(response.status_code, (303, 302, 403, 404))
        self.assertNotIn("Rival secret complaint", response.text)
        # creating against another customer's order is refused
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": self._csrf(), "order_id": self.other_order.id, "subject": "Sneaky complaint"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose one of your own confirmed orders", response.text)
        self.assertFalse(self.env["crr.complaint"].search([("subject", "=", "Sneaky complaint")]))
        # no CSRF token, no complaint
        response = self.url_open(
            "/my/complaints/new", data={"order_id": self.order.id, "subject": "No token complaint"}
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self.env["crr.complaint"].search([("subject", "=", "No token complaint")]))

    def test_portal_rpc_isolation(self):
        """Over the ORM (as RPC would), record rules and field groups hold as well."""
        Complaint = self.env["crr.complaint"].with_user(self.portal_user)
        self.assertFalse(Complaint.search([("id", "=", self.other_complaint.id)]))
        with self.assertRaises(AccessError):
            self.other_complaint.with_user(self.portal_user).read(["subject"])
        own = self.env["crr.complaint"].create(
            {"subject": "Own", "partner_id": self.customer.id, "order_id": self.order.id,
             "root_cause": "HIDDEN"}
        )
        visible = own.with_user(self.portal_user).fields_get()
        for fname in ("root_cause", "why_1", "why_5", "cause_category", "cost"):
            self.assertNotIn(fname, visible)
        data = own.with_user(self.portal_user).read(["name", "subject", "state", "containment_action"])[0]
        self.assertEqual(data["subject"], "Own")
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).read(["root_cause"])
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).write({"subject": "changed"})
        # create against another customer's order: refused by the record rule
        with self.assertRaisesRegex(ValidationError, "Choose one of the customer's own orders"):
            Complaint.create({"subject": "RPC sneaky", "partner_id": self.customer.id, "order_id": self.other_order.id})
        with self.assertRaises(AccessError):
            Complaint.create({"subject": "RPC sneaky 2", "partner_id": self.other_customer.id,
                              "order_id": self.other_order.id})
        # the record rule alone refuses a complaint without one of the customer's orders
        with self.assertRaises(AccessError):
            Complaint.create({"subject": "RPC no order", "partner_id": self.customer.id})
        # nor may a customer set internal fields or the status
        with self.assertRaisesRegex(AccessError, "cannot set these complaint fields: state"):
            Complaint.create({"subject": "RPC closed", "partner_id": self.customer.id, "order_id": self.order.id,
                              "state": "closed"})
        created = Complaint.create({"subject": "RPC fine", "partner_id": self.customer.id, "order_id": self.order.id})
        self.assertEqual(created.channel, "portal")
