"""The reviewed order and its requirements distributed to the departments at confirmation (4.14): one notice per
department concerned, acknowledged by its members (who, when), a to-do per department removed when acknowledged,
kept, shown on the order and printed on the review form. Over the ORM and XML-RPC."""

import xmlrpc.client

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_review import CrrReviewCommon, CrrRpcMixin


@tagged("post_install", "-at_install")
class TestOrderDistribution(CrrReviewCommon, CrrRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order()
        # a requirement answered by logistics, which does not review this order
        cls.env["crr.requirement"].create(
            {"order_id": cls.order.id, "category": "transport", "name": "By sea, FOB Shanghai",
             "department_id": cls.dep["logistics"].id, "response": "comply"}
        )
        cls.order.with_user(cls.salesperson).action_request_review()

    def _confirm(self):
        self._approve_all(self.order)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.review_state, "approved")
        self.order.with_user(self.salesperson).action_confirm()
        self.assertEqual(self.order.state, "sale")
        # distributed by the job the confirmation triggered (within a minute)
        self.assertTrue(self.order.crr_distribution_due)
        self.assertFalse(self.order.crr_distribution_ids)
        cron = self.env.ref("customer_requirement_review.ir_cron_crr_order_distribution")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)]))
        self.assertEqual(self.env["sale.order"]._cron_crr_distribute(), 1)
        self.assertFalse(self.order.crr_distribution_due)
        self.assertEqual(self.env["sale.order"]._cron_crr_distribute(), 0)
        self.order.invalidate_recordset(["crr_distribution_ids"])
        return self.order.crr_distribution_ids

    def _activities(self, ack):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id), ("user_id", "in", ack.department_id.user_ids.ids)]
        )

    def test_distribution_acknowledged_kept_and_printed(self):
        reviewed = self.order.review_line_ids.department_id
        acks = self._confirm()
        self.assertEqual(acks.department_id, reviewed | self.dep["logistics"])
        self.assertEqual(set(acks.mapped("notice_type")), {"distribution"})
        self.assertEqual(set(acks.mapped("state")), {"pending"})
        self.assertFalse(acks.change_request_id)
        self.assertEqual(self.order.crr_distribution_pending_count, len(acks))
        # the departments' members are told by the engine's job (not made followers of the order by their to-do)
        members = acks.department_id.user_ids
        self.assertFalse(members.partner_id & self.order.message_partner_ids)
        Notice = self.env["crr.review.notice"].sudo()
        notices = Notice.search([("res_model", "=", "sale.order"), ("res_id", "=", self.order.id),
                                 ("body", "ilike", "distributed")])
        self.assertEqual(notices.user_id, members)
        Notice._cron_send()
        sent = self.env["mail.message"].sudo().search(
            [("model", "=", "sale.order"), ("res_id", "=", self.order.id), ("message_type", "=", "user_notification"),
             ("body", "ilike", "distributed")]
        )
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.notification_ids.res_partner_id, members.partner_id)
        self.assertNotIn(self.customer, sent.notification_ids.res_partner_id)
        self.assertFalse(notices.exists())
        # one to-do per department, for its member
        logistics = acks.filtered(lambda ack: ack.department_id.code == "logistics")
        self.assertEqual(logistics.activity_id.user_id, self.reviewers["logistics"])
        self.assertEqual(len(self.env["mail.activity"].search([("id", "in", acks.activity_id.ids)])), len(acks))
        # another department's member cannot acknowledge for logistics
        with self.assertRaises(UserError):
            logistics.with_user(self.reviewers["quality"]).action_acknowledge()
        logistics.with_user(self.reviewers["logistics"]).action_acknowledge()
        self.assertEqual(
            (logistics.state, logistics.acknowledged_by_id), ("acknowledged", self.reviewers["logistics"])
        )
        self.assertTrue(logistics.acknowledged_date)
        self.assertFalse(self._activities(logistics))
        self.assertEqual(self.order.crr_distribution_pending_count, len(acks) - 1)
        self.assertIn("Order distribution acknowledged", self.order.message_ids[0].body)
        with self.assertRaises(UserError):
            logistics.with_user(self.reviewers["logistics"]).action_acknowledge()
        # kept: never deleted
        with self.assertRaises(UserError):
            logistics.sudo().unlink()
        # the change notices list does not show the distribution
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_requirement_review.action_crr_change_acknowledgement"
        )
        self.assertIn("('notice_type', '=', 'change')", str(action["domain"]))
        self.assertEqual(self.order.action_crr_view_distribution()["res_model"], "crr.change.acknowledgement")
        # printed on the review form
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "customer_requirement_review.action_report_crr_review", self.order.ids
        )
        html = html.decode()
        self.assertIn("o_crr_order_distribution", html)
        self.assertIn(self.reviewers["logistics"].name, html)

    def test_distribution_in_the_salespersons_language(self):
        """The job (run as OdooBot) writes the note and the departments' to-dos in the salesperson's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.salesperson.lang = "zh_CN"
        acks = self._confirm()
        self.assertTrue(acks)
        note = self.order.message_ids.filtered(lambda m: m.message_type == "notification" and "分发" in (m.body or ""))
        self.assertTrue(note, self.order.message_ids.mapped("body"))
        self.assertIn("确认接收订单分发", acks.activity_id[:1].summary)

    def test_order_without_review_not_distributed(self):
        self.company.crr_review_mode = "off"
        order = self._order()
        order.with_user(self.salesperson).action_confirm()
        self.assertFalse(order.crr_distribution_due)
        self.env["sale.order"]._cron_crr_distribute()
        self.assertFalse(order.crr_distribution_ids)

    def test_xmlrpc_no_forgery(self):
        acks = self._confirm()
        quality = acks.filtered(lambda ack: ack.department_id.code == "quality") or acks[0]
        member = self.reviewers[quality.department_id.code]
        other = self.reviewers["logistics"]
        with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"):
            with self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.salesperson, "crr.change.acknowledgement", "write", quality.ids,
                          {"state": "acknowledged", "acknowledged_by_id": self.salesperson.id})
            with self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.salesperson, "crr.change.acknowledgement", "create",
                          {"notice_type": "distribution", "order_id": self.order.id,
                           "department_id": self.dep["finance"].id})
            with self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.salesperson, "crr.change.acknowledgement", "action_acknowledge", quality.ids)
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self._rpc(other, "crr.change.acknowledgement", "action_acknowledge", quality.ids)
        self.assertIn(quality.department_id.name, caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(quality.state, "pending")
        self._rpc(member, "crr.change.acknowledgement", "action_acknowledge", quality.ids)
        self.env.invalidate_all()
        self.assertEqual((quality.state, quality.acknowledged_by_id), ("acknowledged", member))

    def test_distribution_flag_and_notices_not_forged_over_xmlrpc(self):
        """The distribution flag and the review notices change only through the confirmation and the jobs: the
        administrator's direct write of the flag (also with context keys), create, write and unlink of a notice
        are refused; the salesperson and the customer's portal user read no notice; the jobs' methods are not
        callable over RPC; nothing is written."""
        admin = self.env.ref("base.user_admin")
        portal = new_test_user(self.env, login="crr_t_dist_portal", groups="base.group_portal",
                               partner_id=self.customer.id)
        self._approve_all(self.order)
        Notice = self.env["crr.review.notice"].sudo()
        notice = Notice.search([("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)])
        self.assertEqual(notice.user_id, self.salesperson)
        for context in ({}, {"crr_action": True, "tracking_disable": True, "install_mode": True}):
            self._rpc_refused(None, admin, "sale.order", "write", self.order.ids, {"crr_distribution_due": True},
                              context=context)
            self._rpc_refused(None, admin, "crr.review.notice", "create",
                              {"res_model": "sale.order", "res_id": self.order.id, "user_id": admin.id,
                               "body": "forged"}, context=context)
        self._rpc_refused(None, admin, "crr.review.notice", "write", notice.ids, {"body": "forged"})
        self._rpc_refused(None, admin, "crr.review.notice", "unlink", notice.ids)
        for user in (self.salesperson, portal):
            self._rpc_refused(None, user, "crr.review.notice", "search_read", [], ["body"])
            self._rpc_refused(None, user, "crr.review.notice", "read", notice.ids, ["body"])
        self._rpc_refused(None, admin, "crr.review.notice", "_cron_send")
        self._rpc_refused(None, admin, "sale.order", "_cron_crr_distribute")
        self.assertFalse(self.order.crr_distribution_due)
        self.assertEqual(Notice.search([]), notice)
        self.assertNotIn("forged", notice.body)
        self.assertEqual(notice.user_id, self.salesperson)

    def test_other_company_and_portal_refused_over_xmlrpc(self):
        """Another company's reviewer, review manager and salesperson, and the customer's portal user: none of
        the order's distribution notices is found, read, changed, created, deleted or acknowledged, the order's
        distribution list does not open; wrong ids answer a clear error; nothing written."""
        outsiders = self._crr_outsiders("crr_t_distribution", self.customer, {
            "reviewer": "customer_requirement_review.group_crr_reviewer",
            "manager": "customer_requirement_review.group_crr_manager",
            "salesperson": "sales_team.group_sale_salesman",
        })
        acks = self._confirm()
        actions = [("action_acknowledge", (), {})]
        watched = ["state", "acknowledged_by_id", "acknowledged_date", "department_id", "order_id"]
        self._crr_assert_outsiders_refused(
            outsiders, acks, watched, {"state": "acknowledged"},
            {"notice_type": "distribution", "order_id": self.order.id, "department_id": self.dep["finance"].id},
            actions,
        )
        # the order's list of notices: refused to the other company (the customer reads its own order)
        for label, user in outsiders.items():
            if label == "portal":
                continue
            with self.subTest(user=label, method="action_crr_view_distribution"):
                self._rpc_refused(None, user, "sale.order", "action_crr_view_distribution", self.order.ids)
        self.assertEqual(set(acks.mapped("state")), {"pending"})
        self._crr_assert_bad_ids_refused(self.manager, "crr.change.acknowledgement", actions, acks, watched)
