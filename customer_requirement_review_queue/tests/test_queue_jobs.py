import base64
from datetime import timedelta

from odoo import fields
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestQueueJobs(TransactionCase):
    """With queue_job installed, the long work of the review module is queued, then done by the jobs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="crr_q_manager", name="Queue Review Manager",
                                    groups="customer_requirement_review.group_crr_manager,sales_team.group_sale_manager")
        cls.customers = cls.env["res.partner"].create([
            {"name": f"Queue Customer {index}", "email": f"queue{index}@example.com"} for index in range(5)
        ])
        cls.survey = cls.env.ref("customer_requirement_review.crr_satisfaction_survey", raise_if_not_found=False) \
            or cls.env["survey.survey"].search([("crr_is_satisfaction", "=", True)], limit=1)
        param = cls.env["ir.config_parameter"].sudo()
        param.set_param("customer_requirement_review_queue.chunk_size", "2")
        param.set_param("customer_requirement_review_queue.xlsx_job_records", "3")

    def test_campaign_sent_in_chunked_jobs(self):
        campaign = self.env["crr.satisfaction.campaign"].with_user(self.manager).create({
            "year": 2031, "half": "h1", "survey_id": self.survey.id,
            "partner_ids": [(6, 0, self.customers.ids)],
        })
        with trap_jobs() as trap:
            campaign.action_send()
            # 5 customers in chunks of 2: three jobs, nothing sent yet
            trap.assert_jobs_count(3, only=campaign._crr_send_invitations)
            chunks = [job.args[0] for job in trap.enqueued_jobs]
            self.assertEqual(sorted(i for chunk in chunks for i in chunk), sorted(self.customers.ids))
            self.assertEqual(max(len(chunk) for chunk in chunks), 2)
            self.assertEqual(campaign.state, "sent")
            self.assertFalse(campaign.user_input_ids)
            self.assertIn("5 records queued in 3 job(s)", campaign.message_ids[0].body)
            trap.perform_enqueued_jobs()
        # every customer invited once, as the manager who sent the campaign
        self.assertEqual(campaign.user_input_ids.crr_customer_id, self.customers)
        self.assertEqual(len(campaign.user_input_ids), 5)
        bodies = campaign.message_ids.mapped("body")
        self.assertEqual(sum("invitation(s) sent" in body for body in bodies), 3)
        mails = self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.customers.ids)])
        self.assertEqual(mails.recipient_ids, self.customers)
        # sending again queues nothing for the customers already invited
        with trap_jobs() as trap:
            campaign.action_send()
            trap.assert_jobs_count(0)

    def test_large_register_built_in_a_job(self):
        departments = self.env["crr.department"].with_user(self.manager).search([])
        self.assertGreaterEqual(len(departments), 3)
        exporter = self.env["crr.xlsx.export"].with_user(self.manager)
        # below the threshold the register downloads at once
        small = exporter._crr_download_action(departments[:2])
        self.assertEqual(small["type"], "ir.actions.act_url")
        with trap_jobs() as trap:
            action = exporter._crr_download_action(departments)
            self.assertEqual(action["tag"], "display_notification")
            trap.assert_jobs_count(1, only=self.env["crr.job"]._crr_export_job)
            trap.perform_enqueued_jobs()
        attachment = self.env["ir.attachment"].search([("create_uid", "=", self.manager.id),
                                                       ("mimetype", "like", "spreadsheetml")])
        self.assertEqual(len(attachment), 1)
        self.assertTrue(base64.b64decode(attachment.datas).startswith(b"PK"))
        self.assertFalse(attachment.res_id, "the file is not attached to a record others may read")
        message = self.env["mail.message"].search([("attachment_ids", "in", attachment.ids)])
        self.assertEqual(message.partner_ids, self.manager.partner_id)
        self.assertEqual(message.message_type, "user_notification")
        # only the user who asked can read the file
        other = new_test_user(self.env, login="crr_q_other", groups="customer_requirement_review.group_crr_manager")
        self.assertFalse(self.env["ir.attachment"].with_user(other).search([("id", "=", attachment.id)]))
        self.assertTrue(self.env["ir.attachment"].with_user(self.manager).search([("id", "=", attachment.id)]))

    def test_overdue_scans_run_as_jobs(self):
        reviewer = new_test_user(self.env, login="crr_q_reviewer", groups="customer_requirement_review.group_crr_reviewer")
        department = self.env.ref("customer_requirement_review.crr_department_sales")
        department.user_ids = [(4, reviewer.id)]
        self.env.company.crr_review_mode = "all"  # off at install until the company has its reviewers
        product = self.env["product.product"].create({"name": "Queue Gear", "type": "service", "list_price": 10})
        order = self.env["sale.order"].create({
            "partner_id": self.customers[0].id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        })
        order.action_request_review()
        line = order.review_line_ids.filtered(lambda line: line.department_id == department)
        self.assertEqual(line.state, "pending")
        self.env.cr.execute("UPDATE crr_review_line SET deadline = %s WHERE id = %s",
                            [fields.Date.today() - timedelta(days=3), line.id])
        line.invalidate_recordset()
        cron_model = self.env["crr.review.line"]
        with trap_jobs() as trap:
            cron_model._cron_remind_overdue()
            trap.assert_jobs_count(1, only=cron_model._crr_job_remind_overdue)
            self.assertFalse(line.last_reminder_date)
            trap.perform_enqueued_jobs()
        self.assertEqual(line.last_reminder_date, fields.Date.context_today(line))
        self.assertTrue(any("Reminder:" in body for body in line.message_ids.mapped("body")))

        complaint = self.env["crr.complaint"].create({
            "partner_id": self.customers[1].id, "subject": "Late complaint", "severity": "major",
            "category": "quality", "channel": "phone",
            "date_received": fields.Datetime.now() - timedelta(days=2),
        })
        with trap_jobs() as trap:
            self.env["crr.complaint"]._cron_check_overdue()
            trap.assert_jobs_count(1, only=self.env["crr.complaint"]._crr_job_check_overdue)
            self.assertFalse(complaint.is_overdue)
            trap.perform_enqueued_jobs()
        self.assertTrue(complaint.is_overdue)
