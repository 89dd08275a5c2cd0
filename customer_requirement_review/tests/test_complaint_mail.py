from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import tagged

RAW_MAIL = """Return-Path: <{email_from}>
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 10 Mar 2025 08:00:00 +0000
Message-ID: {msg_id}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Hello,

{body}

Best regards
"""


@tagged("post_install", "-at_install")
class TestComplaintMailGateway(MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company._crr_ensure_complaint_alias()
        cls.alias = cls.company.crr_complaint_alias_id
        # the alias lives in the test alias domain of the mail test helpers
        cls.alias.sudo().write({"alias_domain_id": cls.mail_alias_domain.id})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Mail Customer Co", "is_company": True, "email": "office@mailcustomer.example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Li Quality", "parent_id": cls.customer.id, "email": "li@mailcustomer.example.com"}
        )
        # e-mailed complaints go to the quality department, owned by the employee of the mail helpers
        cls.quality = cls.env.ref("customer_requirement_review.crr_department_quality")
        cls.env["crr.complaint.route"].create(
            {"channel": "email", "department_id": cls.quality.id, "user_id": cls.user_employee.id}
        )

    def _process(self, email_from, subject, body):
        raw = RAW_MAIL.format(
            email_from=email_from,
            to=self.alias.display_name,
            subject=subject,
            msg_id=f"<{subject.replace(' ', '.')}@mailcustomer.example.com>",
            body=body,
        )
        self.env["mail.thread"].sudo().message_process(None, raw)
        return self.env["crr.complaint"].search([("subject", "=", subject)])

    def test_alias_per_company(self):
        self.assertEqual(self.alias.alias_model_id.model, "crr.complaint")
        self.assertIn(f"'company_id': {self.company.id}", self.alias.alias_defaults)
        company_2 = self.env["res.company"].create({"name": "Second Complaint Company"})
        self.assertTrue(company_2.crr_complaint_alias_id)
        self.assertNotEqual(company_2.crr_complaint_alias_id, self.alias)
        self.assertIn(f"'company_id': {company_2.id}", company_2.crr_complaint_alias_id.alias_defaults)

    def test_known_sender_creates_complaint(self):
        complaint = self._process(
            '"Li Quality" <li@mailcustomer.example.com>', "Scratched housings in lot 42",
            "12 housings of lot 42 arrived scratched.",
        )
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual(complaint.state, "new")
        self.assertTrue(complaint.name.startswith("CC/"))
        self.assertIn("12 housings of lot 42 arrived scratched.", complaint.description)
        # routed, and the owner is told by an activity due by the acknowledgement deadline
        self.assertEqual(complaint.user_id, self.user_employee)
        self.assertEqual(complaint.department_id, self.quality)
        activity = complaint.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("customer_requirement_review.mail_activity_crr_complaint_new"))
        self.assertEqual(activity.user_id, self.user_employee)
        self.assertEqual(activity.date_deadline, complaint.ack_deadline.date())
        # the incoming mail is in the chatter and the customer follows the complaint
        self.assertIn("lot 42", complaint.message_ids[-1].body)
        self.assertIn(self.customer, complaint.message_partner_ids)

    def test_unknown_sender_keeps_address(self):
        complaint = self._process(
            "stranger@unknown.example.com", "Wrong invoice amount", "Invoice amount differs from the order.",
        )
        self.assertEqual(len(complaint), 1)
        self.assertFalse(complaint.partner_id)
        self.assertFalse(complaint.contact_id)
        self.assertEqual(complaint.email_from, "stranger@unknown.example.com")
        self.assertFalse(self.env["res.partner"].search([("email", "=", "stranger@unknown.example.com")]))

    def test_reply_by_mail_goes_to_the_complaint(self):
        complaint = self._process(
            "li@mailcustomer.example.com", "Late delivery of order", "The goods arrived two weeks late.",
        )
        message = complaint.message_ids[-1]
        reply = RAW_MAIL.format(
            email_from="li@mailcustomer.example.com",
            to=self.alias.display_name,
            subject="Re: Late delivery of order",
            msg_id="<reply.1@mailcustomer.example.com>",
            body="Any news?",
        ).replace("MIME-Version", f"In-Reply-To: {message.message_id}\nMIME-Version")
        self.env["mail.thread"].sudo().message_process(None, reply)
        self.assertEqual(self.env["crr.complaint"].search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertIn("Any news?", complaint.message_ids[0].body)
