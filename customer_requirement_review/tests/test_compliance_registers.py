"""Restricted substances collected yearly from each customer, legal requirements reviewed quarterly (2.4.1):
next review dates, the daily overdue flag with one to-do for the responsible, guards and kept entries. Over the
ORM and XML-RPC."""

import datetime
import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_review import CrrRpcMixin


@tagged("post_install", "-at_install")
class TestComplianceRegisters(CrrRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="crr_t_rohs_sales", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(
            cls.env, login="crr_t_rohs_manager", groups="customer_requirement_review.group_crr_manager"
        )
        cls.quality = new_test_user(cls.env, login="crr_t_rohs_quality", groups="base.group_user")
        cls.customer = cls.env["res.partner"].create(
            {"name": "RoHS Customer", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def test_substance_standard_yearly(self):
        Declaration = self.env["crr.substance.declaration"].with_user(self.salesperson)
        received = self.today - datetime.timedelta(days=400)
        declaration = Declaration.create(
            {"partner_id": self.customer.id, "name": "RoHS 2011/65/EU", "version": "(EU) 2015/863",
             "received_date": received}
        )
        self.assertEqual(declaration.next_review_date, received + relativedelta(years=1))
        # past its yearly collection: flagged at once, one to-do for the customer's salesperson
        self.assertTrue(declaration.is_overdue)
        self.assertEqual(declaration.overdue_activity_id.user_id, self.salesperson)
        self.assertEqual(self.customer.crr_substance_declaration_count, 1)
        self.assertEqual(
            self.env["crr.substance.declaration"].search_count([("is_overdue", "=", True),
                                                                 ("partner_id", "=", self.customer.id)]), 1
        )
        # the flag is the daily check's: not written by hand
        with self.assertRaises(UserError):
            declaration.write({"is_overdue": False})
        # the new declaration received: not overdue, the to-do gone
        activity = declaration.overdue_activity_id
        declaration.write({"received_date": self.today})
        self.assertFalse(declaration.is_overdue)
        self.assertFalse(activity.exists())
        # kept: archived, never deleted
        with self.assertRaises(AccessError):
            declaration.unlink()
        with self.assertRaises(UserError):
            declaration.sudo().unlink()
        # the cron flags what became overdue meanwhile
        self.env.cr.execute(
            "UPDATE crr_substance_declaration SET next_review_date = %s WHERE id = %s",
            [self.today - datetime.timedelta(days=1), declaration.id],
        )
        self.env.invalidate_all()
        self.env["crr.substance.declaration"]._cron_crr_check_overdue()
        self.assertTrue(declaration.is_overdue)

    def test_legal_requirement_quarterly(self):
        Legal = self.env["crr.legal.requirement"].with_user(self.manager)
        last = self.today - datetime.timedelta(days=120)
        legal = Legal.create(
            {"name": "Restriction of hazardous substances", "reference": "GB/T 26572-2011",
             "responsible_id": self.quality.id, "last_review_date": last}
        )
        self.assertGreater(legal.next_review_date, last + datetime.timedelta(days=88))
        self.assertLess(legal.next_review_date, last + datetime.timedelta(days=93))
        self.assertTrue(legal.is_overdue)
        self.assertEqual(legal.overdue_activity_id.user_id, self.quality)
        # only the responsible (or a review manager) records the quarterly review
        with self.assertRaises(UserError):
            legal.with_user(self.salesperson).action_mark_reviewed()
        legal.with_user(self.quality).action_mark_reviewed()
        self.assertEqual(legal.last_review_date, self.today)
        self.assertFalse(legal.is_overdue)
        self.assertFalse(legal.overdue_activity_id)

    def test_xmlrpc_guards(self):
        declaration_id = self._rpc(
            self.salesperson, "crr.substance.declaration", "create",
            {"partner_id": self.customer.id, "name": "REACH SVHC", "received_date": str(self.today)},
        )
        with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self._rpc(self.salesperson, "crr.substance.declaration", "write", [declaration_id],
                          {"is_overdue": True})
            self.assertIn("daily overdue check", caught.exception.faultString)
            with self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.salesperson, "crr.substance.declaration", "write", [declaration_id],
                          {"received_date": "not a date"})
            with self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.salesperson, "crr.legal.requirement", "create",
                          {"name": "Forged", "responsible_id": self.salesperson.id})
        self.assertFalse(self.env["crr.substance.declaration"].browse(declaration_id).is_overdue)

    def test_other_company_and_portal_refused_over_xmlrpc(self):
        """Another company's salesperson, review manager and employee, and the customer's portal user: none of
        the first company's substance standards nor legal requirements is found, read, changed, created,
        deleted or marked reviewed; wrong ids answer a clear error; nothing written."""
        outsiders = self._crr_outsiders("crr_t_rohs", self.customer, {
            "salesperson": "sales_team.group_sale_salesman",
            "manager": "customer_requirement_review.group_crr_manager",
            "employee": "base.group_user",
        })
        old = self.today - datetime.timedelta(days=400)
        declaration = self.env["crr.substance.declaration"].create(
            {"partner_id": self.customer.id, "name": "RoHS", "received_date": old}
        )
        legal = self.env["crr.legal.requirement"].create(
            {"name": "GB/T 26572", "responsible_id": self.quality.id, "last_review_date": old}
        )
        self._crr_assert_outsiders_refused(
            outsiders, declaration, ["name", "received_date", "is_overdue", "active"],
            {"received_date": str(self.today)},
            {"partner_id": self.customer.id, "name": "Forged", "company_id": self.env.company.id},
        )
        actions = [("action_mark_reviewed", (), {})]
        watched = ["name", "last_review_date", "next_review_date", "is_overdue", "responsible_id", "active"]
        self._crr_assert_outsiders_refused(
            outsiders, legal, watched, {"last_review_date": str(self.today)},
            {"name": "Forged", "responsible_id": self.quality.id, "company_id": self.env.company.id}, actions,
        )
        self.assertEqual((declaration.received_date, legal.last_review_date), (old, old))
        self._crr_assert_bad_ids_refused(self.manager, "crr.legal.requirement", actions, legal, watched)
