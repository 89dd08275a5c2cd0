"""The review record cannot be forged nor lost, over XML-RPC: every action-only field written or created
directly by every role (salesperson, reviewer, review manager, administrator), without and with the context keys
that used to open internal flows, is refused with nothing written; kept records are not deleted, directly, after
a cancellation nor through a cascade."""

import xmlrpc.client

from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_change_request import CrrChangeRequestCommon

# the context keys that opened internal flows before, sent all at once and one by one
FORMER_KEYS = {
    "crr_no_rereview": True,
    "crr_decision": True,
    "crr_change_request_flow": True,
    "crr_decision_kind": "approved",
    "crr_internal_complaint": True,
    "crr_activity_nosubscribe": True,
    "tracking_disable": True,
    "module_uninstall": True,
}
ROLES = ("salesperson", "reviewer", "manager", "admin")
WHEN = "2020-01-01 00:00:00"

# (fixture, field, forged value); "@other": a user who is none of the roles
FORGERIES = [
    ("quotation", "review_state", "approved"),
    ("quotation", "review_state", "not_required"),
    ("quotation", "state", "sale"),
    ("order", "review_state", "approved"),
    ("order", "contract_type", "regular"),
    ("order", "contract_type_overridden", True),
    ("order", "contract_type_override_reason", "forged"),
    ("order", "review_round", 9),
    ("order", "review_requested_by_id", "@other"),
    ("order", "review_request_date", WHEN),
    ("order", "crr_rereview_kinds", "price"),
    ("pending_line", "state", "approved"),
    ("pending_line", "reviewer_id", "@other"),
    ("pending_line", "decision_date", WHEN),
    ("pending_line", "on_behalf_of_id", "@other"),
    ("pending_line", "requested_by_id", "@other"),
    ("pending_line", "round", 9),
    ("decided_line", "state", "rejected"),
    ("decided_line", "reviewer_id", "@other"),
    ("decided_line", "decision_date", WHEN),
    ("decided_line", "opinion", "rewritten"),
    ("change", "state", "approved"),
    ("change", "state", "applied"),
    ("change", "requested_by_id", "@other"),
    ("change", "applied_by_id", "@other"),
    ("complaint", "state", "closed"),
    ("complaint", "closed_by_id", "@other"),
    ("complaint", "closed_date", WHEN),
    ("capa", "state", "verified"),
    ("capa", "verified_by_id", "@other"),
    ("capa", "verified_date", "2020-01-01"),
    ("requirement", "deficiency_closed", True),
    ("requirement", "deficiency_closed_by_id", "@other"),
    ("requirement", "deficiency_closed_date", WHEN),
    # the rule facts: computed when the review is requested (the record of why these departments were asked)
    ("order", "crr_margin_percent", 99.5),
    ("order", "crr_payment_term_days", 77),
    # a reviewer who would give the line more time
    ("pending_line", "deadline", "2099-12-31"),
]

# what the refusal says, for the fields that are not action-only
COMPUTED = "is computed from the record: it cannot be written directly"
AT_CREATION = "is set when the record is created: it cannot be changed"
# (fixture, field, forged value, refusal): stored fields the addons compute (Odoo would keep a value written to
# them until they are computed again), references and parents given at creation, flags of scheduled checks
OTHER_FORGERIES = [
    ("pending_line", "is_current_round", False, COMPUTED),
    ("pending_line", "is_final_approval", True, COMPUTED),
    ("pending_line", "sequence", 999, COMPUTED),
    ("pending_line", "decision_days", 99.0, COMPUTED),
    ("change", "old_note", "forged", COMPUTED),
    ("change", "change_kinds", "forged", COMPUTED),
    ("complaint", "ack_deadline", WHEN, COMPUTED),
    ("complaint", "close_deadline", WHEN, COMPUTED),
    ("requirement", "is_deficiency_open", False, COMPUTED),
    ("change", "name", "forged", AT_CREATION),
    ("complaint", "name", "forged", AT_CREATION),
    ("complaint", "is_overdue", True, "the scheduled check of overdue complaints"),
]


@tagged("post_install", "-at_install")
class TestRecordForgery(CrrChangeRequestCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = new_test_user(
            cls.env, login="crr_t_forge_admin",
            groups="base.group_system,sales_team.group_sale_manager,customer_requirement_review.group_crr_manager",
        )
        cls.other_user = new_test_user(cls.env, login="crr_t_forge_other", groups="base.group_user")
        cls.users = {
            "salesperson": cls.salesperson,
            "reviewer": cls.reviewers["quality"],
            "manager": cls.manager,
            "admin": cls.admin_user,
        }
        # a special quotation in review (every department), quality approved, the others pending
        cls.order = cls._order(products=[cls.new_good])
        cls.requirement = cls.env["crr.requirement"].create(
            {"order_id": cls.order.id, "name": "RoHS", "department_id": cls.dep["technical"].id,
             "response": "deviation"}
        )
        cls.order.with_user(cls.salesperson).action_request_review()
        lines = cls.order._crr_round_lines()
        cls.decided_line = lines.filtered(lambda line: line.department_id == cls.dep["quality"])
        cls.decided_line.with_user(cls.reviewers["quality"]).action_approve(opinion="Checked")
        cls.pending_line = lines.filtered(lambda line: line.department_id == cls.dep["finance"])
        # a quotation whose review was never requested
        cls.quotation = cls._order()
        # a change request being reviewed
        cls.confirmed = cls._confirmed_order()
        cls.change = cls.env["crr.change.request"].with_user(cls.salesperson).create(
            {"order_id": cls.confirmed.id, "reason": "More",
             "line_ids": [Command.create({"order_line_id": cls.confirmed.order_line[0].id, "new_product_uom_qty": 20})]}
        )
        cls.change.with_user(cls.salesperson).action_submit()
        # a complaint with an open action
        cls.complaint = cls.env["crr.complaint"].create(
            {"subject": "Scratches", "partner_id": cls.customer.id, "order_id": cls.confirmed.id}
        )
        cls.capa = cls.env["crr.complaint.action"].create(
            {"complaint_id": cls.complaint.id, "name": "Polish", "user_id": cls.reviewers["quality"].id}
        )
        cls.fixtures = {
            "order": cls.order, "quotation": cls.quotation, "pending_line": cls.pending_line,
            "decided_line": cls.decided_line, "change": cls.change, "complaint": cls.complaint,
            "capa": cls.capa, "requirement": cls.requirement,
        }

    def _value(self, value):
        return self.other_user.id if value == "@other" else value

    def _snapshot(self, forgeries=None):
        self.env.invalidate_all()
        return {
            (name, field): self.fixtures[name].sudo()[field]
            for name, field in {(name, field) for name, field, _value in forgeries or FORGERIES}
        }

    def _rpc(self, role, model, method, args, context=None):
        user = self.users[role]
        kwargs = {"context": context} if context else {}
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    def _refused(self, role, model, method, args, context=None):
        with mute_logger("odoo.http", "odoo.service.model", "odoo.sql_db"), \
                self.assertRaises(xmlrpc.client.Fault, msg=(role, model, method, args, context)) as caught:
            self._rpc(role, model, method, args, context)
        return caught.exception.faultString

    def test_forged_writes_are_refused(self):
        before = self._snapshot()
        contexts = [None, FORMER_KEYS, *({key: value} for key, value in FORMER_KEYS.items())]
        seen = set()
        for name, field, value in FORGERIES:
            record = self.fixtures[name]
            # every former key alone on the first field of each record for the administrator (whose access rights
            # allow the write), all of them at once everywhere else
            first = name not in seen
            seen.add(name)
            for role in ROLES:
                for context in (contexts if role == "admin" and first else contexts[:2]):
                    fault = self._refused(role, record._name, "write", [record.ids, {field: self._value(value)}],
                                          context)
                    if role == "admin":
                        # the refusal names the action to use
                        self.assertIn("action_", fault, (name, field))
        self.assertEqual(self._snapshot(), before)
        # the rightful actions still work afterwards
        self._rpc("manager", "crr.review.line", "action_approve", [self.pending_line.ids])
        self.env.invalidate_all()
        self.assertEqual(self.pending_line.state, "approved")

    def test_forged_computed_values_are_refused(self):
        forgeries = [(name, field, value) for name, field, value, _message in OTHER_FORGERIES]
        before = self._snapshot(forgeries)
        for name, field, value, message in OTHER_FORGERIES:
            record = self.fixtures[name]
            self.assertNotEqual(before[(name, field)], value, (name, field))
            for role in ROLES:
                for context in (None, FORMER_KEYS):
                    fault = self._refused(role, record._name, "write", [record.ids, {field: value}], context)
                    if role == "admin":
                        self.assertIn(message, fault, (name, field))
        self.assertEqual(self._snapshot(forgeries), before)

    def test_forged_creates_are_refused(self):
        other_order = self._confirmed_order()
        creations = [
            ("sale.order", {"partner_id": self.customer.id, "review_state": "approved"}, None),
            ("sale.order", {"partner_id": self.customer.id, "contract_type": "regular"}, None),
            ("sale.order", {"partner_id": self.customer.id}, {"default_review_state": "not_required"}),
            ("crr.review.line", {"order_id": self.order.id, "department_id": self.dep["sales"].id, "round": 1,
                                 "state": "approved"}, None),
            ("crr.change.request", {"order_id": other_order.id, "reason": "x", "state": "applied"}, None),
            ("crr.change.request", {"order_id": other_order.id, "reason": "x", "requested_by_id": "@other"}, None),
            ("crr.complaint", {"subject": "x", "partner_id": self.customer.id, "state": "closed"}, None),
            ("crr.complaint", {"subject": "x", "partner_id": self.customer.id}, {"default_state": "closed"}),
            ("crr.complaint.action", {"complaint_id": self.complaint.id, "name": "x", "state": "verified"}, None),
            ("crr.requirement", {"order_id": self.order.id, "name": "x", "deficiency_closed": True}, None),
        ]
        counts = {model: self.env[model].sudo().search_count([]) for model, _vals, _ctx in creations}
        for model, vals, extra in creations:
            vals = {key: self._value(value) for key, value in vals.items()}
            for role in ROLES:
                for context in (extra, {**(extra or {}), **FORMER_KEYS}):
                    self._refused(role, model, "create", [vals], context)
        self.env.invalidate_all()
        self.assertEqual({model: self.env[model].sudo().search_count([]) for model in counts}, counts)

    def test_kept_records_are_not_deleted(self):
        # an applied change request and a closed complaint with a verified action
        order = self._confirmed_order()
        applied = self._change(order, new_commitment_date="2031-01-01 10:00:00")
        applied.action_submit()
        self._approve_request(applied)
        applied.action_apply()
        self.assertEqual(applied.state, "applied")
        complaint = self.env["crr.complaint"].create({"subject": "Dents", "partner_id": self.customer.id})
        action = self.env["crr.complaint.action"].create({"complaint_id": complaint.id, "name": "Check"})
        with crr_scope():
            action.write({"state": "verified"})
            complaint.write({"state": "closed"})
        kept = [
            ("sale.order", self.order), ("crr.review.line", self.decided_line), ("crr.review.line", self.pending_line),
            ("crr.change.request", applied), ("crr.change.request.line", applied.line_ids | self.change.line_ids),
            ("crr.change.request", self.change), ("crr.complaint", complaint), ("crr.complaint.action", action),
        ]
        for model, records in kept:
            for role in ("manager", "admin"):
                for context in (None, FORMER_KEYS):
                    if records:
                        self._refused(role, model, "unlink", [records.ids], context)
        # cancel, then delete: the order is still the record of its review, its change and complaint requests
        self._rpc("admin", "sale.order", "action_cancel", [self.order.ids])
        self._rpc("admin", "sale.order", "action_cancel", [order.ids])
        for record in (self.order, order):
            fault = self._refused("admin", "sale.order", "unlink", [record.ids], FORMER_KEYS)
            self.assertIn("Cancel it instead", fault)
        # the change request cancelled while in review keeps its lines too
        self._rpc("salesperson", "crr.change.request", "action_cancel", [self.change.ids])
        self._refused("manager", "crr.change.request", "unlink", [self.change.ids])
        self.env.invalidate_all()
        for _model, records in kept:
            self.assertEqual(records.exists(), records)
        # the database refuses the cascade too (ondelete restrict), even for the superuser's SQL-level delete
        for field in (self.env["crr.review.line"]._fields["order_id"],
                      self.env["crr.review.line"]._fields["change_request_id"],
                      self.env["crr.change.request"]._fields["order_id"],
                      self.env["crr.complaint"]._fields["order_id"]):
            self.assertEqual(field.ondelete, "restrict", field)
