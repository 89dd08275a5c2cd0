from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .test_complaint_flow import ComplaintCommon


class CapaCommon(ComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.management_rep2 = new_test_user(
            cls.env, login="crr_capa_mr2", groups="customer_requirement_review.group_crr_management_rep",
            name="Deputy Management Representative",
        )
        cls.env.ref("customer_requirement_review.crr_department_management_rep").user_ids = [
            Command.link(cls.management_rep2.id)]
        cls.other_product = cls.env["product.product"].create({"name": "Pump", "type": "consu"})

    def _investigating(self, **values):
        complaint = self._complaint(department_id=self.quality.id, **values)
        complaint.with_user(self.reviewer).action_acknowledge()
        complaint.with_user(self.reviewer).action_investigate()
        return complaint

    def _with_plan(self, complaint):
        complaint.with_user(self.reviewer).write({
            "root_cause": "Seal pressed at the wrong depth",
            "cause_category": "machine",
            "corrective_plan": "Replace the press fixture; check the depth on every batch.",
            "action_ids": [Command.create({"name": "Replace fixture", "user_id": self.employee.id})],
        })
        return complaint

    def _close(self, complaint):
        complaint.with_user(self.reviewer).action_submit_plan()
        complaint.with_user(self.management_rep).action_approve_plan()
        complaint.with_user(self.reviewer).action_start_actions()
        complaint.action_ids.with_user(self.employee).action_done()
        complaint.with_user(self.reviewer).action_to_verification()
        complaint.action_ids.with_user(self.reviewer2).action_verify()
        complaint.with_user(self.salesperson).write(
            {"customer_reply": "Fixture replaced.", "reply_date": fields.Date.today(), "customer_acceptance": "accepted"})
        complaint.with_user(self.reviewer).action_close()
        self.assertEqual(complaint.state, "closed")
        return complaint


@tagged("post_install", "-at_install")
class TestCapaGovernance(CapaCommon):
    def test_investigation_opened_by_severity(self):
        minor = self._complaint(severity="minor")
        self.assertFalse(minor.investigation_ids)
        major = self._complaint(severity="major")
        critical = self._complaint(severity="critical")
        for complaint in (major, critical):
            self.assertEqual(len(complaint.investigation_ids), 1)
            investigation = complaint.investigation_ids
            self.assertEqual(investigation.state, "open")
            self.assertEqual(investigation.department_id, self.quality)
            self.assertRegex(investigation.name, r"^QI/\d{4}/\d{4}$")
        # raising the severity later opens it once
        minor.with_user(self.reviewer).write({"severity": "major"})
        minor.with_user(self.reviewer).write({"severity": "critical"})
        self.assertEqual(len(minor.investigation_ids), 1)
        self.assertEqual(major.investigation_count, 1)
        # conclusion requires findings and conclusion; the status only moves through its actions
        investigation = major.investigation_ids.with_user(self.reviewer)
        with self.assertRaisesRegex(UserError, "missing: the findings; the conclusion"):
            investigation.action_done()
        with self.assertRaisesRegex(UserError, "changes only through its action: use action_done / action_cancel"):
            investigation.write({"state": "done"})
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            investigation.with_user(self.manager).write({"done_by_id": self.manager.id})
        with self.assertRaises(AccessError):
            major.investigation_ids.with_user(self.salesperson).action_done()
        investigation.write({"findings": "12 of 200 seals too shallow", "conclusion": "Fixture worn"})
        investigation.action_done()
        self.assertEqual(investigation.state, "done")
        self.assertEqual(investigation.done_by_id, self.reviewer)
        # a concluded investigation is a quality record: never deleted, nor its complaint
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            investigation.sudo().unlink()
        with self.assertRaisesRegex(UserError, "concluded investigations"):
            major.with_user(self.manager).unlink()
        # an open complaint without decided records is still deleted with its open investigation
        critical.with_user(self.manager).unlink()
        self.assertFalse(critical.exists())

    def test_onsite_deadline_and_field_service(self):
        received = fields.Datetime.to_datetime("2026-03-02 09:00:00")
        critical = self._complaint(severity="critical", onsite_required=True, date_received=received)
        self.assertEqual(critical.onsite_deadline, received + timedelta(hours=8))
        self.assertEqual(len(critical.field_service_ids), 1)
        service = critical.field_service_ids
        self.assertEqual(service.deadline, critical.onsite_deadline)
        self.assertRegex(service.name, r"^FS/\d{4}/\d{4}$")
        # the setting moves the deadline; not on site, or not critical: no deadline and no field service
        self.company.crr_onsite_hours = 4
        self.assertEqual(critical.onsite_deadline, received + timedelta(hours=4))
        major = self._complaint(severity="major", onsite_required=True)
        self.assertFalse(major.onsite_deadline)
        self.assertFalse(major.field_service_ids)
        by_phone = self._complaint(severity="critical")
        self.assertFalse(by_phone.onsite_deadline)
        by_phone.with_user(self.reviewer).write({"onsite_required": True})
        self.assertEqual(len(by_phone.field_service_ids), 1)
        # the report names what is missing, records who reported, and is late after the deadline
        service = service.with_user(self.reviewer)
        with self.assertRaisesRegex(UserError, "missing: who went on site; the arrival time; the findings"):
            service.action_done()
        service.write({
            "user_ids": [Command.set(self.reviewer2.ids)],
            "arrival_date": received + timedelta(hours=5),
            "findings": "Seal leaking on 3 pumps",
            "actions_taken": "Seals replaced on site",
            "signed_by": "Wang Buyer",
        })
        self.assertTrue(service.is_late)  # 5 hours, the deadline is now 4
        service.action_done()
        self.assertEqual(service.state, "done")
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            service.write({"state": "planned"})

    def test_plan_deadline_and_approval(self):
        self.company.crr_capa_plan_days = 3
        complaint = self._investigating()
        self.assertTrue(complaint.investigation_date)
        self.assertEqual(complaint.plan_deadline, complaint.investigation_date + timedelta(days=3))
        self.assertEqual(complaint.plan_state, "draft")
        as_reviewer = complaint.with_user(self.reviewer)
        # no action starts before the plan is approved
        with self.assertRaisesRegex(UserError, "not approved by the management representative"):
            as_reviewer.action_start_actions()
        with self.assertRaisesRegex(UserError, "missing: the root cause; the corrective action plan"):
            as_reviewer.action_submit_plan()
        self._with_plan(complaint)
        # nobody writes the plan's status or its audit directly, not even a manager
        for vals in ({"plan_state": "approved"}, {"plan_approved_by_id": self.manager.id},
                     {"investigation_date": fields.Datetime.now() - timedelta(days=1)}):
            with self.assertRaisesRegex(UserError, "changes only through its action"):
                complaint.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            self._complaint(plan_state="approved")
        as_reviewer.action_submit_plan()
        self.assertEqual(complaint.plan_state, "submitted")
        self.assertEqual(complaint.plan_submitted_by_id, self.reviewer)
        self.assertFalse(complaint.plan_late)
        # the plan is reviewed through the review engine: one line of the management representative's department
        line = complaint.plan_review_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual((line.department_id.code, line.state, line.round), ("management_rep", "pending", 1))
        self.assertEqual(line.requested_by_id, self.reviewer)
        # only the management representative approves, from the complaint or from the line (To Review)
        with self.assertRaises(AccessError):
            as_reviewer.action_approve_plan()
        with self.assertRaises(AccessError):
            complaint.with_user(self.manager).action_approve_plan()
        with self.assertRaisesRegex(AccessError, "Only the management representative"):
            line.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "changes only through its action"):
            line.with_user(self.manager).write({"state": "approved"})
        # sending back needs a reason and returns the plan to the department
        as_rep = complaint.with_user(self.management_rep)
        with self.assertRaisesRegex(UserError, "why the CAPA plan"):
            as_rep.action_refuse_plan()
        as_rep.write({"plan_review_note": "Add the check of the other presses."})
        as_rep.action_refuse_plan()
        self.assertEqual(complaint.plan_state, "draft")
        self.assertEqual(line.state, "rejected")
        self.assertEqual(line.opinion, "Add the check of the other presses.")
        as_reviewer.action_submit_plan()
        self.assertEqual(complaint.plan_round, 2)
        as_rep.action_approve_plan()
        self.assertEqual(complaint.plan_state, "approved")
        self.assertEqual(complaint.plan_approved_by_id, self.management_rep)
        self.assertEqual(complaint.plan_review_line_ids.sorted("round").mapped("state"), ["rejected", "approved"])
        self.assertFalse(line.is_current_round)
        as_reviewer.action_start_actions()
        self.assertEqual(complaint.state, "action")
        # the management representative does not approve a plan of their own
        own = self._with_plan(self._investigating())
        own.with_user(self.management_rep).action_submit_plan()
        with self.assertRaisesRegex(UserError, "Four-eyes review"):
            own.with_user(self.management_rep).action_approve_plan()
        own.with_user(self.management_rep2).action_approve_plan()
        # a late plan is flagged
        late = self._investigating()
        late.invalidate_recordset()
        self.env.cr.execute(
            "UPDATE crr_complaint SET plan_deadline = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=1), late.id),
        )
        late.invalidate_recordset()
        self.assertTrue(late.plan_late)
        # without the setting, the actions start without an approved plan
        self.company.crr_capa_plan_approval = False
        free = self._with_plan(self._investigating())
        free.with_user(self.reviewer).action_start_actions()
        self.assertEqual(free.state, "action")

    def test_effectiveness_check(self):
        first = self._with_plan(self._investigating())
        second = self._with_plan(self._investigating(subject="Gear boxes leak oil at the flange"))
        for complaint in (first, second):
            self._close(complaint)
            self.assertEqual(complaint.effectiveness_state, "pending")
            self.assertEqual(complaint.effectiveness_due, (complaint.closed_date + timedelta(days=90)).date())
        with self.assertRaisesRegex(UserError, "changes only through its action: use _cron_check_effectiveness"):
            first.with_user(self.manager).write({"effectiveness_state": "effective"})
        later = fields.Datetime.now() + timedelta(hours=1)
        # a complaint of another product: no recurrence
        self._complaint(product_id=self.other_product.id, order_id=False, date_received=later, severity="minor")
        # the same customer, product and category after closing: a recurrence of both
        recurrence = self._complaint(date_received=later, severity="minor", subject="Leaks again")
        Complaint = self.env["crr.complaint"]
        # not due yet
        self.assertFalse(Complaint._cron_check_effectiveness(today=fields.Date.today() + timedelta(days=30)))
        self.assertEqual(first.effectiveness_state, "pending")
        reopened = Complaint._cron_check_effectiveness(today=fields.Date.today() + timedelta(days=91))
        self.assertEqual(len(reopened), 2)
        for complaint in (first, second):
            self.assertEqual(complaint.effectiveness_state, "not_effective")
            self.assertEqual(complaint.recurrence_complaint_id, recurrence)
            new = self.env["crr.complaint"].search([("origin_complaint_id", "=", complaint.id)])
            self.assertEqual(len(new), 1)
            self.assertEqual(new.origin_complaint_id, complaint)
            self.assertEqual(new.state, "new")
            self.assertEqual(
                (new.partner_id, new.product_id, new.category),
                (complaint.partner_id, complaint.product_id, complaint.category),
            )
            self.assertIn("CAPA reopened", new.subject)
            self.assertIn(recurrence.name, new.description)
        # checked once: the next run finds nothing due
        self.assertFalse(Complaint._cron_check_effectiveness(today=fields.Date.today() + timedelta(days=92)))

    def test_effective_without_recurrence(self):
        complaint = self._close(self._with_plan(self._investigating()))
        # a new complaint of the same customer but another product does not make it ineffective
        self._complaint(product_id=self.other_product.id, order_id=False, severity="minor",
                        date_received=fields.Datetime.now() + timedelta(hours=1))
        reopened = self.env["crr.complaint"]._cron_check_effectiveness(
            today=fields.Date.today() + timedelta(days=90))
        self.assertFalse(reopened)
        self.assertEqual(complaint.effectiveness_state, "effective")
        self.assertEqual(complaint.effectiveness_date, fields.Date.today() + timedelta(days=90))
        self.assertFalse(complaint.reopened_complaint_ids)
