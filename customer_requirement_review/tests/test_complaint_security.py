from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .test_complaint_flow import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintSecurity(ComplaintCommon):
    def test_rights_per_role(self):
        complaint = self._complaint()
        # salesperson: create, read, write, follow; no delete, no status change
        complaint.with_user(self.salesperson).write({"customer_reply": "We are looking into it."})
        complaint.with_user(self.salesperson).message_subscribe(partner_ids=self.salesperson.partner_id.ids)
        with self.assertRaises(AccessError):
            complaint.with_user(self.salesperson).unlink()
        # reviewer handles, plans actions, but does not delete complaints
        complaint.with_user(self.reviewer).action_acknowledge()
        action = self.env["crr.complaint.action"].with_user(self.reviewer).create(
            {"complaint_id": complaint.id, "name": "Check packaging", "user_id": self.employee.id}
        )
        with self.assertRaises(AccessError):
            complaint.with_user(self.reviewer).unlink()
        # manager has full rights on open complaints
        action.with_user(self.manager).unlink()
        complaint.with_user(self.manager).action_cancel()
        complaint.with_user(self.manager).unlink()
        self.assertFalse(complaint.exists())

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Complaint Company B"})
        user_b = new_test_user(
            self.env, login="crr_cc_user_b", groups="customer_requirement_review.group_crr_manager",
            company_id=company_b.id, company_ids=[Command.set(company_b.ids)],
        )
        complaint_a = self._complaint()
        customer_b = self.env["res.partner"].create({"name": "Customer B", "is_company": True})
        complaint_b = (
            self.env["crr.complaint"]
            .with_user(user_b)
            .with_company(company_b)
            .create({"subject": "B complaint", "partner_id": customer_b.id})
        )
        self.assertEqual(complaint_b.company_id, company_b)
        # each company numbers its complaints on its own sequence
        self.assertTrue(complaint_b.name.startswith("CC/"))
        self.assertTrue(
            self.env["ir.sequence"].search([("code", "=", "crr.complaint"), ("company_id", "=", company_b.id)])
        )
        Complaint_b = self.env["crr.complaint"].with_user(user_b)
        self.assertEqual(Complaint_b.search([("id", "in", (complaint_a | complaint_b).ids)]), complaint_b)
        with self.assertRaises(AccessError):
            complaint_a.with_user(user_b).read(["subject"])
        complaint_a.with_user(self.reviewer).action_acknowledge()
        action = self.env["crr.complaint.action"].create({"complaint_id": complaint_a.id, "name": "A action"})
        self.assertEqual(action.company_id, self.company)
        self.assertFalse(self.env["crr.complaint.action"].with_user(user_b).search([("id", "=", action.id)]))
        # statistics only count what the user may read
        stats = self.env["crr.complaint"].with_user(user_b)._crr_statistics([])
        self.assertEqual(stats["total"], 1)
