"""Every public method of the module, over XML-RPC, given bad record sets: no records, two records, an id that
does not exist, an id that is no id ('abc'). Each call is done, or refused with a clear UserError/AccessError
(fault code 2 or 4, never 1: Odoo's code of an unexpected server error, whose text is a traceback), and a refused
call leaves the workflow records as they were.

The methods are found, not listed: those defined in the Python code of the module (and of
customer_requirement_review_stock when it is installed) on every model they define or extend, so that a method
added later without its check at the top fails here. Each call runs in a savepoint rolled back afterwards: every
method meets the same fixtures."""

import contextlib
import inspect
import xmlrpc.client

from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_change_request import CrrChangeRequestCommon
from .common_review import FAULT_ACCESS_ERROR, FAULT_USER_ERROR, RPC_LOGGERS, CrrRpcMixin

MODULE_PREFIX = "odoo.addons.customer_requirement_review"
# ORM and framework methods the module overrides (their own tests cover what the module adds to them)
FRAMEWORK_NAMES = {
    "create", "write", "read", "unlink", "copy", "copy_data", "default_get", "name_create", "fields_get",
    "get_views", "get_view", "get_formview_action", "toggle_active", "action_archive", "action_unarchive",
    "export_data", "load", "check_access", "has_access",
}
FRAMEWORK_PREFIXES = ("search", "read_", "onchange", "web_", "message_", "activity_", "name_search")
# Methods not swept, with the reason (keep it short and explicit):
SKIPPED = {
    # @api.model: no record set to give; its own tests call it with its period (test_overview.py)
    ("crr.overview", "get_overview"),
}
# Server errors raised before any code of the module runs (no frame of the module in the traceback): accepted
# for these methods only, with the reason
OUTSIDE_THE_MODULE = {
    # website_sale (installed in the test database, not a dependency of the module) overrides action_confirm
    # after the module and reads the orders first: a junk id fails in its query before the module's check
    # (sale_order_online.py) is reached; without the e-commerce, the module's check answers it
    ("sale.order", "action_confirm"),
}
# plausible arguments of the methods that take required ones: {(model, method): (args, kwargs)}
ARGUMENTS = {
    ("sale.order", "action_crr_conclude"): (("accept",), {}),
    ("sale.order", "action_crr_decline"): (("Sweep: the customer's terms cannot be met",), {}),
    ("sale.order", "action_override_contract_type"): (("regular", "Sweep: repeat part"), {}),
    ("crr.requirement", "action_crr_resolve"): (("Sweep: agreed with the customer",), {}),
    ("crr.review.line.check", "action_answer"): (("answer",), {}),  # the first key of the field, see _arguments
    ("crr.complaint.return", "action_decide"): (("decision",), {}),
    ("crr.complaint.return", "action_set_verdict"): (("quality_verdict",), {}),
}
# field of a selection whose first key is given as the argument (ARGUMENTS above names the field)
SELECTION_ARGUMENTS = {
    ("crr.review.line.check", "action_answer"), ("crr.complaint.return", "action_decide"),
    ("crr.complaint.return", "action_set_verdict"),
}
# the words of an internal error that a client must never read
INTERNAL_ERRORS = ("Traceback", "Expected singleton", "psycopg2", "TypeError", "KeyError", "AttributeError",
                   "ValueError", "IndexError")
# XML-RPC's own limit, not an error of the method: it answered None (a report action with no data, Odoo's
# action_quotation_sent), which the web client's JSON-RPC carries
MARSHAL_NONE = "TypeError: cannot marshal None unless allow_none is enabled"
# the state of the main workflow records, re-read after a refused call
WATCHED = {
    "sale.order": ["state", "review_state", "review_round", "contract_type"],
    "crr.review.line": ["state", "reviewer_id", "decision_date", "opinion"],
    "crr.change.request": ["state"],
    "crr.complaint": ["state"],
}


@tagged("post_install", "-at_install")
class TestReliabilityRpcSweep(CrrChangeRequestCommon, CrrRpcMixin, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        groups = ["base.group_system", "customer_requirement_review.group_crr_manager",
                  "sales_team.group_sale_manager", "survey.group_survey_manager"]
        if env["ir.module.module"]._get("customer_requirement_review_stock").state == "installed":
            groups.append("stock.group_stock_manager")
        cls.admin_user = new_test_user(env, login="crr_t_sweep_admin", groups=",".join(groups))
        cls.customer.is_company = True
        # two quotations in review (every department: a new product), two quotations not yet requested
        cls.in_review = cls._order(products=[cls.new_good]) | cls._order(products=[cls.new_good])
        for order in cls.in_review:
            order.with_user(cls.salesperson).action_request_review()
        cls.quotes = cls._order() | cls._order()
        cls.confirmed = cls._confirmed_order() | cls._confirmed_order()
        for order in cls.quotes:
            env["crr.requirement"].create({
                "order_id": order.id, "name": "Salt spray 96 h", "department_id": cls.dep["quality"].id,
                "response": "deviation", "resolution": "72 h agreed with the customer",
            })
        cls.changes = env["crr.change.request"]
        for order in cls.confirmed:
            cls.changes |= env["crr.change.request"].with_user(cls.salesperson).create({
                "order_id": order.id, "reason": "More units",
                "line_ids": [Command.create({"order_line_id": order.order_line[0].id, "new_product_uom_qty": 15})],
            }).with_env(env)
        cls.complaints = env["crr.complaint"]
        for order in cls.confirmed:
            complaint = env["crr.complaint"].create({
                "subject": "Scratches", "partner_id": cls.customer.id, "order_id": order.id, "user_id": False,
            })
            env["crr.complaint.action"].create({
                "complaint_id": complaint.id, "name": "Polish", "user_id": cls.reviewers["quality"].id,
            })
            cls.complaints |= complaint
        survey = env.ref("customer_requirement_review.crr_satisfaction_survey")
        for half in ("h1", "h2"):
            env["crr.satisfaction.campaign"].create({"year": 2026, "half": half, "survey_id": survey.id})
        cls._more_fixtures()
        # the records watched after a refused call: those the sweep gives as its two records
        cls.watched = {
            "sale.order": cls.in_review | cls.quotes | cls.confirmed,
            "crr.review.line": cls.in_review.review_line_ids,
            "crr.change.request": cls.changes,
            "crr.complaint": cls.complaints,
        }

    @classmethod
    def _more_fixtures(cls):
        """Two records of the other documents (created as superuser), and two of each wizard (created by the
        administrator: a wizard is read by its creator only)."""
        env = cls.env
        lines = cls.in_review.review_line_ids.sorted("id")
        for index in range(2):
            env["crr.customer.contact"].create(
                {"subject": f"Visit {index}", "contact_type": "visit", "partner_id": cls.customer.id})
            env["crr.legal.requirement"].create({"name": f"GB/T 2657{index}", "responsible_id": cls.dep["quality"].id})
            env["crr.sample.request"].create(
                {"partner_id": cls.customer.id, "product_id": cls.new_good.id, "quantity": 2, "cost": 150.0})
            env["crr.trial.request"].create(
                {"partner_id": cls.customer.id, "product_id": cls.new_good.id, "quantity": 2, "purpose": "Bench"})
            env["crr.first.batch.review"].create({"order_id": cls.confirmed[index].id})
            env["crr.field.service"].create({"complaint_id": cls.complaints[index].id})
            env["crr.quality.investigation"].create({"complaint_id": cls.complaints[index].id})
        item = env["crr.checklist.item"].search([], limit=1)
        # records made by the module's flows: created as those flows create them (a sample round is made only for
        # an approved sample request: its methods meet no records, an unknown id and a junk id, not two records)
        with crr_scope():
            for index in range(2):
                env["crr.change.acknowledgement"].create({
                    "order_id": cls.confirmed[index].id, "change_request_id": cls.changes[index].id,
                    "department_id": cls.dep["production"].id,
                })
                env["crr.review.line.check"].create({"line_id": lines[index].id, "item_id": item.id})
                if "crr.complaint.return" in env:  # the Inventory bridge
                    env["crr.complaint.return"].create(
                        {"complaint_id": cls.complaints[index].id, "product_id": cls.good.id})
                    env["crr.customer.property"].create(
                        {"description": f"Mould {index}", "partner_id": cls.customer.id})
                    env["crr.delivery.countermeasure"].create({"order_id": cls.confirmed[index].id})
        tender = cls._order(order_source="tender")
        proposals = env["crr.project.proposal"]
        for index in range(2):
            proposals |= env["crr.project.proposal"].create({
                "title": f"Pump station {index}", "order_id": tender.id, "partner_id": cls.customer.id,
                "scope": "12 pumps and commissioning", "estimated_amount": 48000,
            })
        for year in (2030, 2031):
            env["crr.capability.commitment"].create({
                "year": year, "department_ids": [Command.set([cls.dep["technical"].id])],
                "line_ids": [Command.create({"product_id": cls.good.id, "specification": "Ratio 1:5 to 1:50"})],
            })
        requirements = env["crr.requirement"].search([("order_id", "in", cls.quotes.ids)])
        wizards = {
            "crr.review.reopen.wizard": [{"line_id": line.id, "reason": "Price changed"} for line in lines[:2]],
            "crr.review.decision.wizard": [
                {"line_id": line.id, "decision": "rejected", "opinion": "No capacity"} for line in lines[:2]],
            "crr.requirement.resolve.wizard": [
                {"requirement_id": requirement.id, "resolution": "Agreed"} for requirement in requirements],
            "crr.contract.type.wizard": [
                {"order_id": order.id, "contract_type": "regular", "reason": "Repeat part"} for order in cls.in_review],
            "crr.conclusion.wizard": [{"order_id": order.id} for order in cls.in_review],
            "crr.management.review.wizard": [{}, {}],
            "crr.sample.refuse.wizard": [{"reason": "No stock"}, {"reason": "No stock"}],
            "crr.project.proposal.approve.wizard": [
                {"proposal_id": proposal.id, "project_manager_id": cls.manager.id} for proposal in proposals],
        }
        for model, vals_list in wizards.items():
            env[model].with_user(cls.admin_user).create(vals_list)

    # -- what is swept ---------------------------------------------------------------------------------
    def _module_methods(self):
        """{(model, method): api.model?} of the public methods defined in the module's code."""
        found = {}
        for name in sorted(self.env.registry):
            model_class = self.env.registry[name]
            if model_class._abstract:
                continue  # the mixins' methods are found on the models that inherit them
            for klass in model_class.__mro__:
                if not (getattr(klass, "__module__", None) or "").startswith(MODULE_PREFIX):
                    continue
                for attr, value in vars(klass).items():
                    if attr.startswith("_") or not inspect.isfunction(value) or attr in FRAMEWORK_NAMES \
                            or attr.startswith(FRAMEWORK_PREFIXES) or (name, attr) in SKIPPED:
                        continue
                    try:
                        method = get_public_method(self.env[name], attr)
                    except AccessError:  # @api.private: Odoo refuses it over RPC itself
                        continue
                    found[(name, attr)] = bool(getattr(method, "_api_model", False))
        return found

    def _arguments(self, model, method):
        args, kwargs = ARGUMENTS.get((model, method), ((), {}))
        if (model, method) in SELECTION_ARGUMENTS:
            field = self.env[model]._fields[args[0]]
            args = (field._description_selection(self.env)[0][0], *args[1:])
        return args, kwargs

    def _two_records(self, model):
        """Two existing records of the model: the fixtures' for the workflow models, else the newest two."""
        if model in self.watched:
            records = self.watched[model]
            if model == "sale.order":
                records = self.in_review
            return records.ids[:2]
        Model = self.env[model].sudo().with_context(active_test=False)
        ids = Model.search([], limit=2, order="id desc").ids
        return ids if len(ids) == 2 else None

    def _state(self):
        self.env.invalidate_all()
        return {model: records.sudo().read(fields) for model, records in self.watched.items()
                for fields in [WATCHED[model]]}

    # -- the call ----------------------------------------------------------------------------------------
    def _call(self, user, model, method, ids, args, kwargs):
        """Call in a savepoint rolled back afterwards; returns the fault (None when done) and whether the
        watched records changed although the call was refused."""
        before = self._state()
        fault = None
        half_written = False
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            try:
                with mute_logger(*RPC_LOGGERS, "odoo.addons.mail.models.mail_mail", "odoo.models.unlink"):
                    self._rpc(user, model, method, ids, *args, **kwargs)
            except xmlrpc.client.Fault as caught:
                fault = caught
                half_written = self._state() != before
            raise _Rollback
        self.env.invalidate_all()
        return fault, half_written

    def test_public_methods_bad_record_sets(self):
        methods = self._module_methods()
        # the module's actions are found (a broken inventory would sweep nothing)
        self.assertIn(("sale.order", "action_view_review_lines"), methods)
        self.assertIn(("crr.review.line", "action_approve"), methods)
        self.assertGreater(len(methods), 100)
        problems = []
        calls = 0
        for (model, method), api_model in sorted(methods.items()):
            if api_model:
                problems.append(f"{model}.{method}: @api.model, not swept: add it to SKIPPED with a reason")
                continue
            args, kwargs = self._arguments(model, method)
            two = self._two_records(model)
            cases = [("admin", self.admin_user, "no records", []),
                     ("admin", self.admin_user, "unknown id", [987654321]),
                     ("admin", self.admin_user, "junk id", ["abc"])]
            if two:
                cases += [("admin", self.admin_user, "two records", two),
                          ("salesman", self.salesperson, "two records", two)]
            else:
                cases.append(("salesman", self.salesperson, "junk id", ["abc"]))
            for label, user, case, ids in cases:
                calls += 1
                fault, half_written = self._call(user, model, method, ids, args, kwargs)
                where = f"{model}.{method} ({case}, {label})"
                if fault is None:
                    continue
                text = fault.faultString
                if text.rstrip().endswith(MARSHAL_NONE):
                    continue  # done: XML-RPC cannot carry the None the method answered (JSON-RPC can)
                if fault.faultCode not in (FAULT_USER_ERROR, FAULT_ACCESS_ERROR):
                    # the error and the module's frame that raised it
                    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
                    frames = [line for line in lines if line.startswith("File") and "/customer_requirement_review" in line
                              and "dist-packages" not in line]
                    last = max((i for i, line in enumerate(lines) if line.startswith("File")), default=-1)
                    error = lines[last + 2] if last + 2 < len(lines) else text[-300:]
                    if not frames and (model, method) in OUTSIDE_THE_MODULE:
                        continue  # raised before the module's code runs: see OUTSIDE_THE_MODULE
                    problems.append(f"{where}: server error {fault.faultCode}: {error} "
                                    f"({frames[-1] if frames else 'no frame of the module'})")
                elif any(word in text for word in INTERNAL_ERRORS):
                    problems.append(f"{where}: internal error in the message: {text[-300:]}")
                elif half_written:
                    problems.append(f"{where}: refused but the workflow records changed")
        self.assertGreater(calls, 400)
        self.assertFalse(problems, "\n" + "\n".join(problems))


    def test_public_methods_bad_argument_types(self):
        """Every public method of the module that takes arguments, given two records and, in turn for each of
        its arguments, a value of a type no client form sends (a list, a dictionary): refused with a clear
        UserError (fault code 2, or 4 for access), never a server error, nothing half-written."""
        problems = []
        swept = 0
        for (model, method), api_model in sorted(self._module_methods().items()):
            function = getattr(type(self.env[model]), method)
            names = [
                name for name, parameter in inspect.signature(function).parameters.items()
                if name != "self" and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
            ]
            two = self._two_records(model)
            if api_model or not names or not two:
                continue
            swept += 1
            args, kwargs = self._arguments(model, method)
            plausible = dict(zip(names, args, strict=False)) | kwargs
            for name in names:
                for bad in ([1, 2], {"x": 1}):
                    fault, half_written = self._call(self.admin_user, model, method, two, (),
                                                     {**plausible, name: bad})
                    where = f"{model}.{method}({name}={bad!r})"
                    if fault is None:
                        problems.append(f"{where}: accepted")
                    elif fault.faultCode not in (FAULT_USER_ERROR, FAULT_ACCESS_ERROR):
                        problems.append(f"{where}: server error {fault.faultCode}: {fault.faultString[-200:]}")
                    elif any(word in fault.faultString for word in INTERNAL_ERRORS):
                        problems.append(f"{where}: internal error in the message: {fault.faultString[-200:]}")
                    elif half_written:
                        problems.append(f"{where}: refused but the workflow records changed")
        self.assertGreater(swept, 10)
        self.assertFalse(problems, "\n" + "\n".join(problems))


class _Rollback(Exception):
    """Ends the savepoint of a call: every call meets the same fixtures."""
