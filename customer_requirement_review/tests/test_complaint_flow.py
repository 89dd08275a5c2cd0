from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged


class ComplaintCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login="crr_cc_sales", groups="sales_team.group_sale_salesman", name="Complaint Salesperson"
        )
        cls.reviewer = new_test_user(
            cls.env, login="crr_cc_reviewer", groups="customer_requirement_review.group_crr_reviewer",
            name="Quality Reviewer",
        )
        cls.reviewer2 = new_test_user(
            cls.env, login="crr_cc_reviewer2", groups="customer_requirement_review.group_crr_reviewer",
            name="Second Reviewer",
        )
        cls.manager = new_test_user(
            cls.env, login="crr_cc_manager", groups="customer_requirement_review.group_crr_manager",
            name="Review Manager",
        )
        cls.employee = new_test_user(cls.env, login="crr_cc_employee", groups="base.group_user", name="Shop Floor")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Complaining Customer Ltd", "is_company": True, "email": "info@complaining.example.com"}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Wang Buyer", "parent_id": cls.customer.id, "email": "wang@complaining.example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer Co", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Gear Box", "type": "consu", "list_price": 10.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_contact.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 100})],
            }
        )
        cls.other_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.other_customer.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 5})],
            }
        )
        cls.quality = cls.env.ref("customer_requirement_review.crr_department_quality")

    @classmethod
    def _complaint(cls, user=None, **values):
        vals = {
            "subject": "Gear boxes leak oil",
            "partner_id": cls.customer.id,
            "contact_id": cls.customer_contact.id,
            "order_id": cls.order.id,
            "product_id": cls.product.id,
            "affected_qty": 12,
            "category": "quality",
            "severity": "major",
            "channel": "phone",
        }
        vals.update(values)
        return cls.env["crr.complaint"].with_user(user or cls.salesperson).create(vals)


@tagged("post_install", "-at_install")
class TestComplaintFlow(ComplaintCommon):
    def test_full_flow_new_to_closed(self):
        complaint = self._complaint()
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking starts after the creation's transaction step
        self.assertRegex(complaint.name, rf"^CC/{fields.Date.today().year}/\d{{4}}$")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.user_id, self.salesperson)
        self.assertEqual(self.order.crr_complaint_count, 1)
        self.assertEqual(self.customer_contact.crr_complaint_count, 1)
        self.assertEqual(self.customer.crr_complaint_count, 1)

        as_reviewer = complaint.with_user(self.reviewer)
        as_reviewer.action_acknowledge()
        self.assertEqual(complaint.state, "acknowledged")
        self.assertEqual(complaint.acknowledged_by_id, self.reviewer)
        ack = complaint.message_ids.filtered(lambda m: "is being handled" in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        self.assertIn(complaint.name, ack.body)
        self.assertIn(self.customer_contact, complaint.message_partner_ids)
        as_reviewer.write({"department_id": self.quality.id, "containment_action": "Sort the stock at the customer."})
        as_reviewer.action_investigate()
        self.assertEqual(complaint.state, "investigating")
        as_reviewer.write(
            {
                "root_cause": "Seal pressed at the wrong depth: press fixture worn.",
                "why_1": "Oil leaks",
                "why_2": "Seal not seated",
                "cause_category": "machine",
                "cost": 1500.0,
                "action_ids": [
                    Command.create(
                        {"action_type": "corrective", "name": "Replace press fixture", "user_id": self.employee.id,
                         "deadline": fields.Date.today() + timedelta(days=5)}
                    ),
                    Command.create(
                        {"action_type": "preventive", "name": "Add fixture wear to the maintenance plan",
                         "user_id": self.reviewer.id}
                    ),
                ],
            }
        )
        as_reviewer.action_start_actions()
        self.assertEqual(complaint.state, "action")
        corrective, preventive = complaint.action_ids.sorted("id")
        # the responsible employee reports his action done although he only reads actions
        corrective.with_user(self.employee).action_done()
        preventive.with_user(self.reviewer).action_done()
        as_reviewer.action_to_verification()
        self.assertEqual(complaint.state, "verification")
        corrective.with_user(self.reviewer).write({"verification_note": "Checked 50 pieces, no leak."})
        corrective.with_user(self.reviewer).action_verify()
        self.assertEqual(corrective.state, "verified")
        self.assertEqual(corrective.verified_by_id, self.reviewer)
        self.assertEqual(corrective.verified_date, fields.Date.today())
        # four eyes: the reviewer cannot verify his own action
        with self.assertRaisesRegex(UserError, "another reviewer must verify it"):
            preventive.with_user(self.reviewer).action_verify()
        preventive.with_user(self.reviewer2).action_verify()
        # the salesperson records the reply to the customer
        complaint.with_user(self.salesperson).write(
            {"customer_reply": "Fixture replaced, stock sorted.", "reply_date": fields.Date.today(),
             "customer_acceptance": "accepted"}
        )
        as_reviewer.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.closed_by_id, self.reviewer)
        self.assertTrue(complaint.closed_date)
        self.assertGreaterEqual(complaint.days_to_close, 0)
        # tracked in the chatter
        self.env.flush_all()
        self.env.cr.precommit.run()
        complaint.invalidate_recordset()
        tracked = complaint.sudo().message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertIn("Closed", tracked.mapped("new_value_char"))
        self.assertEqual(tracked[:1].old_value_char, "New")
        # closed complaints are never deleted, not even by a manager
        with self.assertRaisesRegex(UserError, "Closed complaints cannot be deleted"):
            complaint.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            corrective.with_user(self.manager).unlink()

    def test_illegal_transitions(self):
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, r"is New: it cannot be moved to Closed"):
            complaint.with_user(self.reviewer).action_close()
        with self.assertRaisesRegex(UserError, r"cannot be moved to Investigating"):
            complaint.with_user(self.reviewer).action_investigate()
        with self.assertRaisesRegex(UserError, r"cannot be moved to Verification"):
            complaint.with_user(self.reviewer).action_to_verification()
        complaint.with_user(self.reviewer).action_acknowledge()
        with self.assertRaisesRegex(UserError, "Set the responsible department"):
            complaint.with_user(self.reviewer).action_investigate()
        with self.assertRaisesRegex(UserError, "cannot be moved to Acknowledged"):
            complaint.with_user(self.reviewer).action_acknowledge()

    def test_close_names_what_is_missing(self):
        complaint = self._complaint(department_id=self.quality.id)
        complaint.with_user(self.reviewer).action_acknowledge()
        complaint.with_user(self.reviewer).action_investigate()
        with self.assertRaisesRegex(UserError, "cannot go to verification, missing: the root cause"):
            complaint.with_user(self.reviewer).action_to_verification()
        complaint.with_user(self.reviewer).write(
            {"root_cause": "Wrong label", "action_ids": [Command.create({"name": "Relabel", "user_id": self.employee.id})]}
        )
        with self.assertRaisesRegex(UserError, "actions not done yet: Relabel"):
            complaint.with_user(self.reviewer).action_to_verification()
        complaint.action_ids.with_user(self.employee).action_done()
        complaint.with_user(self.reviewer).action_to_verification()
        with self.assertRaisesRegex(
            UserError,
            r"cannot be closed, missing: verification of the actions Relabel; the reply to the customer; "
            r"the date of the reply to the customer",
        ):
            complaint.with_user(self.reviewer).action_close()
        complaint.action_ids.with_user(self.reviewer).action_verify()
        complaint.customer_reply = "Relabelled"
        with self.assertRaisesRegex(UserError, r"missing: the date of the reply to the customer\.$"):
            complaint.with_user(self.reviewer).action_close()
        complaint.reply_date = fields.Date.today()
        complaint.with_user(self.reviewer).action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaisesRegex(UserError, "is no longer open"):
            complaint.action_ids.with_user(self.manager).action_reopen()

    def test_reject_needs_reason_and_cancel(self):
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, "cannot be rejected without a reason"):
            complaint.with_user(self.reviewer).action_reject()
        complaint.rejection_reason = "The parts were damaged by the customer's own handling."
        complaint.with_user(self.reviewer).action_reject()
        self.assertEqual(complaint.state, "rejected")
        with self.assertRaisesRegex(UserError, "cannot be moved to Cancelled"):
            complaint.with_user(self.reviewer).action_cancel()
        complaint.with_user(self.reviewer).action_reset_to_new()
        complaint.with_user(self.reviewer).action_cancel()
        self.assertEqual(complaint.state, "cancelled")
        # a cancelled (not closed) complaint may be deleted by a manager
        complaint.with_user(self.manager).unlink()
        self.assertFalse(complaint.exists())

    def test_action_refusals(self):
        complaint = self._complaint()
        action = self.env["crr.complaint.action"].with_user(self.reviewer).create(
            {"complaint_id": complaint.id, "name": "Train operators", "user_id": self.employee.id}
        )
        with self.assertRaisesRegex(UserError, "must be done before it is verified"):
            action.with_user(self.reviewer).action_verify()
        other_employee = new_test_user(self.env, login="crr_cc_other_emp", groups="base.group_user")
        with self.assertRaisesRegex(AccessError, "Only the responsible of action Train operators"):
            action.with_user(other_employee).action_done()
        action.with_user(self.employee).action_done()
        with self.assertRaisesRegex(AccessError, "Only reviewers and review managers may verify"):
            action.with_user(self.employee).action_verify()
        with self.assertRaisesRegex(UserError, "is not open"):
            action.with_user(self.employee).action_done()

    def test_deadlines_by_severity(self):
        self.company.write(
            {
                "crr_complaint_ack_hours_minor": 24,
                "crr_complaint_ack_hours_critical": 2,
                "crr_complaint_close_days_minor": 30,
                "crr_complaint_close_days_critical": 5,
            }
        )
        received = datetime(2025, 3, 10, 8, 0, 0)
        minor = self._complaint(severity="minor", date_received=received)
        critical = self._complaint(severity="critical", date_received=received)
        self.assertEqual(minor.ack_deadline, received + timedelta(hours=24))
        self.assertEqual(minor.close_deadline, received + timedelta(days=30))
        self.assertEqual(critical.ack_deadline, received + timedelta(hours=2))
        self.assertEqual(critical.close_deadline, received + timedelta(days=5))
        self.assertTrue(minor.name.startswith("CC/2025/"))
        # raising the severity shortens the deadlines
        minor.severity = "critical"
        self.assertEqual(minor.close_deadline, received + timedelta(days=5))

    def test_default_ack_deadline_is_8_hours(self):
        complaint = self._complaint(severity="minor")
        self.assertEqual(complaint.ack_deadline - complaint.date_received, timedelta(hours=8))

    def test_overdue_cron_flags_and_reminds(self):
        now = fields.Datetime.now()
        late_ack = self._complaint(severity="major", date_received=now - timedelta(hours=9))
        fresh = self._complaint(severity="major", date_received=now - timedelta(hours=1))
        late_close = self._complaint(severity="critical", date_received=now - timedelta(days=10))
        late_close.with_user(self.reviewer).action_acknowledge()
        self.env["crr.complaint"]._cron_check_overdue()
        self.assertTrue(late_ack.is_overdue)
        self.assertFalse(fresh.is_overdue)
        self.assertTrue(late_close.is_overdue)
        activity = late_ack.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("not acknowledged in time", activity.summary)
        self.assertIn("not closed in time", late_close.activity_ids.summary)
        # no second reminder on the next run
        self.env["crr.complaint"]._cron_check_overdue()
        self.assertEqual(len(late_ack.activity_ids), 1)
        # acknowledging clears the acknowledgement overdue flag (the close deadline is still ahead)
        late_ack.with_user(self.reviewer).action_acknowledge()
        self.assertFalse(late_ack.is_overdue)
        overdue = self.env["crr.complaint"].search([("is_overdue", "=", True), ("id", "in", (late_ack | fresh | late_close).ids)])
        self.assertEqual(overdue, late_close)

    def test_order_must_belong_to_customer(self):
        with self.assertRaisesRegex(ValidationError, "Choose one of the customer's own orders"):
            self._complaint(order_id=self.other_order.id)

    def test_salesperson_cannot_handle(self):
        complaint = self._complaint()
        with self.assertRaisesRegex(AccessError, "Only reviewers and review managers may change the status"):
            complaint.with_user(self.salesperson).action_acknowledge()
        with self.assertRaises(AccessError):
            complaint.with_user(self.salesperson).unlink()
        # plain employees read but do not edit complaints
        complaint.with_user(self.employee).read(["name", "root_cause"])
        with self.assertRaises(AccessError):
            complaint.with_user(self.employee).write({"subject": "changed"})
        with self.assertRaises(AccessError):
            self.env["crr.complaint.action"].with_user(self.salesperson).create(
                {"complaint_id": complaint.id, "name": "Not allowed"}
            )

    def test_statistics(self):
        received = datetime(2025, 1, 15, 9, 0, 0)
        c1 = self._complaint(category="quality", severity="major", date_received=received,
                             department_id=self.quality.id)
        self._complaint(category="delivery", severity="minor", date_received=received + timedelta(days=40))
        self._complaint(category="quality", severity="critical", date_received=received + timedelta(days=41))
        with crr_scope():
            c1.sudo().write({"state": "closed", "days_to_close": 4.0})
        domain = [("partner_id", "=", self.customer.id)]
        stats = self.env["crr.complaint"]._crr_statistics(domain)
        self.assertEqual(stats["total"], 3)
        self.assertEqual({r["key"]: r["count"] for r in stats["by_category"]}, {"quality": 2, "delivery": 1})
        self.assertEqual({r["key"]: r["count"] for r in stats["by_severity"]}, {"major": 1, "minor": 1, "critical": 1})
        self.assertEqual([(r["key"], r["count"]) for r in stats["by_month"]], [("2025-01", 1), ("2025-02", 2)])
        self.assertEqual({r["label"]: r["count"] for r in stats["by_department"]},
                         {self.quality.name: 1, "No department": 2})
        self.assertEqual(stats["closed"], 1)
        self.assertEqual(stats["mean_days_to_close"], 4.0)
        empty = self.env["crr.complaint"]._crr_statistics([("id", "=", 0)])
        self.assertEqual(empty["total"], 0)
        self.assertIsNone(empty["mean_days_to_close"])
