"""Two users apply the same approved change request at the same time, in two real database
transactions: the order is changed exactly once, one before/after record is posted, and the late
apply is refused with a clear message once it sees the first one.

The fixtures are committed (the two transactions see only committed data) and removed at the end.
"""

import threading
import uuid

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .committed_fixtures import remove_or_archive, remove_orders


@tagged("post_install", "-at_install")
class TestChangeRequestConcurrentApply(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {}
        cls.addClassCleanup(cls._cleanup)
        tag = uuid.uuid4().hex[:8]
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            cls.created["settings"] = {"crr_review_mode": company.crr_review_mode}
            company.crr_review_mode = "off"  # the order was confirmed before; the change is what is reviewed
            users = env["res.users"]
            for name in ("sales", "sales2"):
                users |= new_test_user(env, login=f"crr_cca_{name}_{tag}", groups="sales_team.group_sale_salesman_all_leads")
            reviewers = {}
            for code in ("production", "procurement", "logistics"):
                reviewers[code] = new_test_user(
                    env, login=f"crr_cca_{code}_{tag}", groups="customer_requirement_review.group_crr_reviewer"
                )
                env.ref(f"customer_requirement_review.crr_department_{code}").user_ids = [
                    Command.link(reviewers[code].id)
                ]
            customer = env["res.partner"].create({"name": f"Concurrent Apply Customer {tag}"})
            product = env["product.product"].create({"name": f"Concurrent Valve {tag}", "type": "consu",
                                                     "list_price": 10.0})
            order = env["sale.order"].create({
                "partner_id": customer.id, "user_id": users[0].id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10})],
            })
            order.action_confirm()
            request = env["crr.change.request"].with_user(users[0]).create({
                "order_id": order.id, "reason": "The customer needs 25 valves",
                "line_ids": [Command.create({"order_line_id": order.order_line.id, "new_product_uom_qty": 25})],
            })
            request.action_submit()
            for line in request.review_line_ids:
                line.with_user(reviewers[line.department_id.code]).action_approve()
            assert request.state == "approved", request.state
            cls.created.update(
                users=(users | env["res.users"].concat(*reviewers.values())).ids,
                reviewers={code: user.id for code, user in reviewers.items()},
                request=request.id, order=order.id, partner=customer.id, product=product.id,
            )
            cls.user_ids = users.ids
            cls.request_id = request.id
            cls.order_id = order.id
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def _cleanup(cls):
        created = cls.created
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            remove_orders(env, [created["order"]] if created.get("order") else [])
            for code, user_id in created.get("reviewers", {}).items():
                env.ref(f"customer_requirement_review.crr_department_{code}").user_ids = [Command.unlink(user_id)]
            if created.get("settings"):
                env.ref("base.main_company").write(created["settings"])
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
            remove_or_archive(env, created)
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_concurrent_applies(self):
        barrier = threading.Barrier(2)
        outcome = {}

        def apply(user_id):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, user_id, {})
                attempts = []

                def do_apply():
                    attempts.append(1)
                    request = env["crr.change.request"].browse(self.request_id)
                    if len(attempts) == 1:
                        # both transactions take their snapshot before either applies
                        env.cr.execute("SELECT state FROM crr_change_request WHERE id = %s", [request.id])
                        barrier.wait(timeout=30)
                    request.action_apply()

                try:
                    with mute_logger("odoo.service.model", "odoo.sql_db"):
                        retrying(do_apply, env)
                    outcome[user_id] = "applied"
                except UserError as exc:
                    outcome[user_id] = str(exc)

        threads = [threading.Thread(target=apply, args=(user_id,)) for user_id in self.user_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted(outcome.values()).count("applied"), 1, outcome)
        refused = next(message for message in outcome.values() if message != "applied")
        self.assertIn("Applied", refused)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["crr.change.request"].browse(self.request_id)
            order = env["sale.order"].browse(self.order_id)
            self.assertEqual(request.state, "applied")
            self.assertEqual(order.order_line.product_uom_qty, 25)
            tables = order.message_ids.filtered(
                lambda message: request.name in (message.body or "") and "<table" in (message.body or "")
            )
            self.assertEqual(len(tables), 1, "one before/after record on the order")
