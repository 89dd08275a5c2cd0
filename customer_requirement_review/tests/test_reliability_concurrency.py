"""Two reviewers approve the last two pending lines of one order at the same time, in two real
database transactions (two cursors, two threads).

The fixtures are committed (other cursors must see them) and removed at the end of the class.
"""

import threading
import uuid

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .committed_fixtures import remove_or_archive, remove_orders


@tagged("post_install", "-at_install")
class TestReliabilityConcurrency(BaseCase):
    """The fixtures are committed on purpose (pylint invalid-commit is disabled there): the two decisions run in
    transactions of their own, which see only committed data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {}
        tag = uuid.uuid4().hex[:8]
        cls.addClassCleanup(cls._cleanup)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            cls.created["company_settings"] = {
                "crr_review_mode": company.crr_review_mode, "crr_four_eyes": company.crr_four_eyes,
            }
            company.write({"crr_review_mode": "all", "crr_four_eyes": True})
            departments = {
                code: env.ref(f"customer_requirement_review.crr_department_{code}")
                for code in ("sales", "production", "procurement")
            }
            salesperson = new_test_user(
                env, login=f"crr_cc_sales_{tag}", groups="sales_team.group_sale_salesman", company_id=company.id
            )
            reviewers = {}
            for code, department in departments.items():
                reviewers[code] = new_test_user(
                    env, login=f"crr_cc_rev_{code}_{tag}", groups="customer_requirement_review.group_crr_reviewer",
                    company_id=company.id,
                )
                department.user_ids = [Command.link(reviewers[code].id)]
            customer = env["res.partner"].create({"name": f"Concurrent Customer {tag}"})
            product = env["product.product"].create(
                {"name": f"Concurrent Part {tag}", "type": "consu", "list_price": 100.0, "standard_price": 40.0}
            )
            # sales history: the customer bought the product before (regular contract, not in stock)
            history = env["sale.order"].create(
                {"partner_id": customer.id, "order_line": [Command.create({"product_id": product.id})]}
            )
            with crr_scope():
                history.write({"state": "sale", "review_state": "not_required"})
            order = env["sale.order"].with_user(salesperson).create(
                {
                    "partner_id": customer.id,
                    "user_id": salesperson.id,
                    # urgent: every line open at once (not in stock, sales would otherwise be step 2), so that
                    # production and procurement approve the round's last lines
                    "crr_is_urgent": True,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
                }
            )
            order.with_user(salesperson).action_request_review()
            lines = order._crr_round_lines()
            assert set(lines.department_id.mapped("code")) == set(departments), lines.department_id.mapped("code")
            sales_line = lines.filtered(lambda line: line.department_id.code == "sales")
            sales_line.with_user(reviewers["sales"]).action_approve()
            cls.created.update(
                users=(salesperson | reviewers["sales"] | reviewers["production"] | reviewers["procurement"]).ids,
                departments={code: (dep.id, reviewers[code].id) for code, dep in departments.items()},
                partner=customer.id,
                product=product.id,
                orders=(order | history).ids,
                lines=lines.ids,
            )
            cls.order_id = order.id
            cls.reviewer_ids = {code: user.id for code, user in reviewers.items()}
            cls.line_ids = {line.department_id.code: line.id for line in lines}
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def _cleanup(cls):
        created = cls.created
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            if created.get("lines"):
                ids = [created["lines"]]
                cr.execute("DELETE FROM mail_message WHERE model = 'crr.review.line' AND res_id = ANY(%s)", ids)
                cr.execute("DELETE FROM mail_activity WHERE res_model = 'crr.review.line' AND res_id = ANY(%s)", ids)
                cr.execute("DELETE FROM mail_followers WHERE res_model = 'crr.review.line' AND res_id = ANY(%s)", ids)
            remove_orders(env, created.get("orders"))
            for _code, (department_id, user_id) in created.get("departments", {}).items():
                env["crr.department"].browse(department_id).user_ids = [Command.unlink(user_id)]
            if created.get("company_settings"):
                env.ref("base.main_company").write(created["company_settings"])
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
            # users, product and customer: deleted when nothing refers to them any more, else archived
            remove_or_archive(env, created)
            cr.commit()  # pylint: disable=invalid-commit

    def _approve_concurrently(self, codes):
        """Approve the lines of ``codes`` in parallel threads, each in its own transaction, retried on
        serialization failures like the service layer does; returns attempts and errors per code."""
        snapshot_barrier = threading.Barrier(len(codes))
        attempts = {code: 0 for code in codes}
        errors = {code: [] for code in codes}
        failures = {}

        def approve(code):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, self.reviewer_ids[code], {})

                    def decide():
                        attempts[code] += 1
                        line = env["crr.review.line"].browse(self.line_ids[code])
                        if attempts[code] == 1:
                            # both transactions take their snapshot before either decides
                            env.cr.execute("SELECT state FROM crr_review_line WHERE id = %s", [line.id])
                            snapshot_barrier.wait(timeout=30)
                        try:
                            line.action_approve()
                        except Exception as exc:
                            errors[code].append(exc)
                            raise

                    with mute_logger("odoo.service.model", "odoo.sql_db"):
                        retrying(decide, env)
            except Exception as exc:  # reported by the test
                failures[code] = exc

        threads = [threading.Thread(target=approve, args=(code,)) for code in codes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a decision is still blocked")
        self.assertFalse(failures, f"a decision failed for good: {failures}")
        return attempts, errors

    def test_two_reviewers_approve_last_lines_at_once(self):
        attempts, errors = self._approve_concurrently(["production", "procurement"])

        # exactly one transaction hit the serialization failure and was retried, then succeeded
        retried = [code for code, count in attempts.items() if count > 1]
        self.assertEqual(len(retried), 1, attempts)
        self.assertEqual(attempts[retried[0]], 2, attempts)
        self.assertTrue(all(isinstance(exc, SerializationFailure) for exc in errors[retried[0]]), errors)

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.order_id)
            lines = env["crr.review.line"].browse(list(self.line_ids.values()))
            # both decisions kept, each with its reviewer (no lost update)
            self.assertEqual(set(lines.mapped("state")), {"approved"})
            for code, line_id in self.line_ids.items():
                line = env["crr.review.line"].browse(line_id)
                self.assertEqual(line.reviewer_id.id, self.reviewer_ids[code], code)
                self.assertTrue(line.decision_date, code)
            # the order is approved exactly once
            self.assertEqual(order.review_state, "approved")
            approvals = order.message_ids.filtered(lambda m: "is approved" in (m.body or ""))
            self.assertEqual(len(approvals), 1, approvals.mapped("body"))
            trackings = order.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "review_state" and t.new_value_char == "Approved"
            )
            self.assertEqual(len(trackings), 1)
            # the departments' to-dos are removed quietly: none left open, no "done" message per member
            review_type = env.ref("customer_requirement_review.mail_activity_crr_review")
            self.assertFalse(lines.activity_ids)
            self.assertFalse(lines.message_ids.filtered(lambda m: m.mail_activity_type_id == review_type))
            # the salesperson can confirm now
            order.with_user(order.user_id).action_confirm()
            self.assertEqual(order.state, "sale")
            cr.rollback()
