import xmlrpc.client

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

# XML-RPC fault codes of Odoo (addons/rpc/controllers/xmlrpc.py): a server error (traceback) is 1
FAULT_USER_ERROR = 2
FAULT_ACCESS_ERROR = 4
RPC_LOGGERS = ("odoo.http", "odoo.service.model", "odoo.sql_db")
# ids a client may send instead of the ids of existing records: unknown, texts, a list, a float, zero
BAD_IDS = ([987654321], ["abc"], "abc", [[1, 2]], [1.5], [0])


class CrrReviewCommon(TransactionCase):
    """Users per role, departments' reviewers, products and customers for review tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "crr_review_mode": "all",
                "crr_four_eyes": True,
                "crr_block_unreviewed_send": True,
                "crr_amount_threshold": 100000.0,
                "crr_margin_threshold": 15.0,
                "crr_payment_days_threshold": 60,
            }
        )
        ref = cls.env.ref
        cls.dep = {
            code: ref(f"customer_requirement_review.crr_department_{code}")
            for code in ("sales", "technical", "quality", "production", "procurement", "logistics", "finance",
                         "general_manager")
        }
        cls.salesperson = new_test_user(
            cls.env, login="crr_t_sales", groups="sales_team.group_sale_salesman", name="Test Salesperson"
        )
        cls.manager = new_test_user(
            cls.env, login="crr_t_manager", groups="customer_requirement_review.group_crr_manager",
            name="Test Review Manager",
        )
        cls.reviewers = {}
        for code, department in cls.dep.items():
            user = new_test_user(
                cls.env, login=f"crr_t_rev_{code}", groups="customer_requirement_review.group_crr_reviewer",
                name=f"Reviewer {code}",
            )
            department.user_ids = [Command.set(user.ids)]
            cls.reviewers[code] = user
        cls.customer = cls.env["res.partner"].create({"name": "Review Customer"})
        cls.new_customer = cls.env["res.partner"].create({"name": "Brand New Customer"})
        cls.good = cls.env["product.product"].create(
            {"name": "Gear Box", "type": "consu", "list_price": 100.0, "standard_price": 50.0}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Installation", "type": "service", "list_price": 100.0, "standard_price": 50.0}
        )
        cls.new_good = cls.env["product.product"].create(
            {"name": "Prototype", "type": "consu", "list_price": 100.0, "standard_price": 50.0}
        )
        # history: the customer already bought the gear box and the installation (confirmed order)
        cls.company.crr_review_mode = "off"
        history = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create({"product_id": cls.good.id, "product_uom_qty": 1}),
                    Command.create({"product_id": cls.service.id, "product_uom_qty": 1}),
                ],
            }
        )
        history.action_confirm()
        cls.company.crr_review_mode = "all"

    @classmethod
    def _order(cls, partner=None, products=None, qty=2, user=None, **vals):
        products = products or [cls.good]
        Order = cls.env["sale.order"].with_user(user or cls.salesperson)
        return Order.create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.salesperson).id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": qty}) for p in products],
                **vals,
            }
        )

    def _flush_tracking(self):
        """Run what the end of a request runs: pending writes and the tracking messages."""
        self.env.cr.flush()
        # the messages' inverse (model, res_id) is not kept in the cache of the records
        self.env.invalidate_all()

    def _todos(self, lines):
        """The review to-dos of ``lines`` as the database holds them. Not through ``lines.activity_ids``: a
        user sees only the activities of documents they may post on or assigned to them, and the record
        cache of a one2many is shared by every user of the transaction, so one user's reading would answer
        another's."""
        return self.env["mail.activity"].sudo().search([("res_model", "=", lines._name), ("res_id", "in", lines.ids)])

    def _approve_all(self, order, codes=None):
        # in the order of the steps (a later step opens when the previous ones are approved)
        for line in order._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step)):
            if line.state == "waiting":
                line.invalidate_recordset(["state"])
            code = line.department_id.code
            if codes is not None and code not in codes:
                continue
            if line.state == "pending" or line.state == "waiting":
                line.with_user(self.reviewers[code]).action_approve()


class CrrRpcMixin:
    """For HttpCase classes: calls over XML-RPC as a user, refused calls checked (a UserError or an AccessError
    whose text says why, never a server error with a traceback), and the outsiders of the first company's
    records (internal users of another company with the same groups, a portal user of the customer) refused
    everything over RPC, nothing written."""

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def _rpc_refused(self, message, user, model, method, *args, **kwargs):
        """The call is refused with a clear error (containing ``message`` when given); returns the error's text."""
        try:
            with mute_logger(*RPC_LOGGERS):
                result = self._rpc(user, model, method, *args, **kwargs)
        except xmlrpc.client.Fault as caught:
            fault = caught
        else:
            self.fail(f"{model}.{method} by {user.login} was not refused (answered {result!r:.300})")
        self.assertIn(fault.faultCode, (FAULT_USER_ERROR, FAULT_ACCESS_ERROR), fault.faultString[-800:])
        self.assertNotIn("Traceback", fault.faultString)
        if message:
            self.assertIn(message, fault.faultString)
        self.env.invalidate_all()
        return fault.faultString

    @classmethod
    def _crr_outsiders(cls, prefix, customer, groups):
        """Internal users of a new company, one per group of ``groups`` ({label: group xml ids}), and a portal
        user of ``customer``: {label: user}."""
        env = cls.env
        company_b = env["res.company"].create({"name": f"{prefix} Outsider Company"})
        outsiders = {
            f"other company {label}": new_test_user(
                env, login=f"{prefix}_b_{label}", groups=group, company_id=company_b.id,
                company_ids=[Command.set(company_b.ids)],
            )
            for label, group in groups.items()
        }
        portal = new_test_user(env, login=f"{prefix}_portal", groups="base.group_portal")
        portal.partner_id.parent_id = customer
        outsiders["portal"] = portal
        return outsiders

    def _crr_watch(self, model, records, fields):
        """What a refused call must leave as it was: the records' fields and the model's count, as admin."""
        self.env.invalidate_all()
        Model = self.env[model].sudo().with_context(active_test=False)
        return Model.search_count([]), records.sudo().read(fields)

    def _crr_assert_outsiders_refused(self, outsiders, records, watched, write_vals, create_vals, actions=()):
        """Each outsider finds none of ``records`` (search_read), and read, write, create, unlink and each
        action ``(method, args, kwargs)`` are refused with a clear error; nothing is written."""
        model = records._name
        before = self._crr_watch(model, records, watched)
        calls = [
            ("read", (records.ids, watched), {}),
            ("write", (records.ids, write_vals), {}),
            ("create", (create_vals,), {}),
            ("unlink", (records.ids,), {}),
            *((method, (records.ids, *args), kwargs) for method, args, kwargs in actions),
        ]
        for label, user in outsiders.items():
            with self.subTest(model=model, user=label, method="search_read"):
                try:
                    found = self._rpc(user, model, "search_read", [("id", "in", records.ids)], ["display_name"])
                except xmlrpc.client.Fault as fault:  # no access right at all: refused, clearly
                    self.assertEqual(fault.faultCode, FAULT_ACCESS_ERROR, fault.faultString[-800:])
                    found = []
                self.assertEqual(found, [])
            for method, args, kwargs in calls:
                with self.subTest(model=model, user=label, method=method):
                    self._rpc_refused(None, user, model, method, *args, **kwargs)
        self.assertEqual(self._crr_watch(model, records, watched), before)

    def _crr_assert_bad_ids_refused(self, user, model, actions, watched_records, watched):
        """Each action ``(method, args, kwargs)`` called by ``user`` (who may run it) on ids that are not those
        of existing records answers a clear UserError/AccessError; nothing is written."""
        before = self._crr_watch(model, watched_records, watched)
        for method, args, kwargs in actions:
            for ids in BAD_IDS:
                with self.subTest(model=model, method=method, ids=ids):
                    self._rpc_refused(None, user, model, method, ids, *args, **kwargs)
        self.assertEqual(self._crr_watch(model, watched_records, watched), before)

    def _crr_assert_report_refused(self, outsiders, report_name, records, secret):
        """The report route (/report/html) prints nothing of ``records`` for the outsiders: no page, and the
        ``secret`` (a text of the records) nowhere in the answer."""
        url = f"/report/html/{report_name}/{','.join(map(str, records.ids))}"
        for label, user in outsiders.items():
            with self.subTest(report=report_name, user=label):
                self.authenticate(user.login, user.login)
                with mute_logger(*RPC_LOGGERS, "odoo.addons.web.controllers.report"):
                    response = self.url_open(url)
                # refused as forbidden (the website's 403 page), not printed nor a server error
                self.assertEqual(response.status_code, 403, f"{url} for {user.login}")
                self.assertNotIn(secret, response.text)
                self.assertNotIn("Traceback", response.text)
