"""Change requests: the transport-mode and packaging kinds, requirement lines changed by a change request
(applied to the order's requirement list, never to its terms-and-conditions note), the change notice sent to
every department concerned with its acknowledgements, and the migration of the requests made before. Over the
ORM and XML-RPC."""

import importlib.util
import xmlrpc.client
from pathlib import Path

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models.crr_record_guard_mixin import crr_scope
from .common_change_request import CrrChangeRequestCommon


@tagged("post_install", "-at_install")
class TestChangeRequestKinds(CrrChangeRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._confirmed_order()
        Requirement = cls.env["crr.requirement"]
        cls.transport = Requirement.create(
            {"order_id": cls.order.id, "category": "transport", "name": "By sea, FOB Shanghai",
             "department_id": cls.dep["sales"].id}
        )
        cls.spec = Requirement.create(
            {"order_id": cls.order.id, "category": "specification", "name": "Blue paint RAL 5010"}
        )

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def test_transport_mode_change(self):
        request = self._change(
            self.order,
            requirement_change_ids=[Command.create({"requirement_id": self.transport.id, "name": "By air, CIP Paris"})],
        )
        change = request.requirement_change_ids
        self.assertEqual((change.old_name, change.category), ("By sea, FOB Shanghai", "transport"))
        self.assertEqual(request.change_kinds, "transport")
        request.action_submit()
        self.assertEqual(self._codes(request), {"logistics"})
        self._approve_request(request)
        note = self.order.note
        request.action_apply()
        self.assertEqual(self.transport.name, "By air, CIP Paris")
        self.assertIn(request.name, self.transport.response_note)
        self.assertEqual(self.order.note, note)
        # the notice goes to every department concerned: the reviewer (logistics) and the department responsible
        # for the requirement (sales), which did not review the change
        acks = request.acknowledgement_ids
        self.assertEqual(set(acks.department_id.mapped("code")), {"logistics", "sales"})
        self.assertEqual(set(acks.mapped("state")), {"pending"})
        self.assertEqual(request.notice_pending_count, 2)
        self.assertIn(self.reviewers["sales"].partner_id, self.order.message_ids[0].partner_ids)
        sales_ack = acks.filtered(lambda ack: ack.department_id.code == "sales")
        with self.assertRaisesRegex(UserError, "Only members of"):
            sales_ack.with_user(self.reviewers["logistics"]).action_acknowledge()
        with self.assertRaisesRegex(UserError, "action_acknowledge"):
            sales_ack.with_user(self.reviewers["sales"]).write({"state": "acknowledged"})
        sales_ack.with_user(self.reviewers["sales"]).action_acknowledge()
        self.assertEqual(sales_ack.state, "acknowledged")
        self.assertEqual(sales_ack.acknowledged_by_id, self.reviewers["sales"])
        self.assertTrue(sales_ack.acknowledged_date)
        with self.assertRaisesRegex(UserError, "already acknowledged"):
            sales_ack.with_user(self.reviewers["sales"]).action_acknowledge()
        with self.assertRaisesRegex(UserError, "kept"):
            sales_ack.sudo().unlink()
        with self.assertRaises(UserError):
            sales_ack.with_user(self.manager).unlink()
        self.assertEqual(request.notice_pending_count, 1)
        # the change notice prints the requirement change and who acknowledged it
        html, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_change_request", res_ids=request.ids
        )
        text = html.decode()
        for expected in ("By air, CIP Paris", "By sea, FOB Shanghai", "Change Notice Acknowledged", "Reviewer sales"):
            self.assertIn(expected, text)

    def test_packaging_specification_and_withdrawal(self):
        request = self._change(
            self.order,
            requirement_change_ids=[
                Command.create({"category": "packaging", "name": "Export wooden crates",
                                "description": "Marking in English and Chinese"}),
                Command.create({"requirement_id": self.spec.id, "withdraw": True}),
            ],
        )
        self.assertEqual(request.change_kinds, "packaging,specification")
        request.action_submit()
        self.assertEqual(self._codes(request), {"technical", "quality"})
        # submitted: the requirement changes are fixed
        with self.assertRaisesRegex(UserError, "only be changed while it is a draft"):
            request.requirement_change_ids[0].write({"name": "Cardboard"})
        self._approve_request(request)
        request.action_apply()
        crate = self.order.requirement_ids.filtered(lambda requirement: requirement.name == "Export wooden crates")
        self.assertEqual((crate.category, crate.description), ("packaging", "Marking in English and Chinese"))
        self.assertEqual(self.spec.response, "not_applicable")
        self.assertFalse(self.order.note and "crates" in self.order.note)
        self.assertTrue({"technical", "quality"} <= set(request.acknowledgement_ids.department_id.mapped("code")))

    def test_requirement_changed_since_request_refused(self):
        request = self._change(
            self.order, requirement_change_ids=[Command.create({"requirement_id": self.spec.id, "name": "Red"})]
        )
        request.action_submit()
        self._approve_request(request)
        self.spec.name = "Green paint"
        with self.assertRaisesRegex(UserError, "changed since the request was created"):
            request.action_apply()
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.acknowledgement_ids)

    def test_note_is_no_longer_a_specification_change(self):
        with self.assertRaisesRegex(UserError, "requirement_change_ids"):
            self._change(self.order, new_note="<p>RoHS</p>")

    def test_migration_of_open_requests_with_a_note(self):
        request = self._change(self.order, new_commitment_date="2031-01-01 08:00:00")
        with crr_scope():
            request.write({"new_note": "<p>RoHS compliant paint</p><p>Second line</p>"})
        self.assertIn("specification", request.change_kinds)
        path = Path(__file__).parent.parent / "migrations" / "19.0.3.0.0" / "post-change-request.py"
        spec = importlib.util.spec_from_file_location("crr_post_change_request", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.2.1.0")
        self.env.invalidate_all()
        self.assertFalse(request.new_note)
        change = request.requirement_change_ids
        self.assertEqual((change.category, change.name), ("specification", "RoHS compliant paint"))
        self.assertIn("Second line", change.description)
        self.assertEqual(request.change_kinds, "date,specification")

    def test_xmlrpc(self):
        salesperson = self.salesperson
        request_id = self._rpc(
            salesperson, "crr.change.request", "create",
            {"order_id": self.order.id, "reason": "New packaging",
             "requirement_change_ids": [[0, 0, {"category": "packaging", "name": "Pallets, max 1 t"}]]},
        )
        self._rpc(salesperson, "crr.change.request", "action_submit", [request_id])
        request = self.env["crr.change.request"].browse(request_id)
        self.assertEqual(self._codes(request), {"technical", "quality"})
        for code in ("technical", "quality"):
            line = request.review_line_ids.filtered(lambda line, code=code: line.department_id.code == code)
            self._rpc(self.reviewers[code], "crr.review.line", "action_approve", line.ids)
        self._rpc(salesperson, "crr.change.request", "action_apply", [request_id])
        self.env.invalidate_all()
        self.assertEqual(request.state, "applied")
        self.assertIn("Pallets, max 1 t", self.order.requirement_ids.mapped("name"))
        ack = request.acknowledgement_ids.filtered(lambda ack: ack.department_id.code == "quality")
        with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"), \
                self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(self.reviewers["quality"], "crr.change.acknowledgement", "write", ack.ids,
                      {"state": "acknowledged"})
        self.assertIn("action_acknowledge", caught.exception.faultString)
        self._rpc(self.reviewers["quality"], "crr.change.acknowledgement", "action_acknowledge", ack.ids)
        self.env.invalidate_all()
        self.assertEqual((ack.state, ack.acknowledged_by_id), ("acknowledged", self.reviewers["quality"]))
