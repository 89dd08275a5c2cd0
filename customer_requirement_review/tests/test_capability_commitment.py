"""The capability commitment (初始评审报告): reviewed by the departments and approved by the general manager
through the review engine, printed; the rule facts it drives on the quotations (within the commitment, beyond
the committed capacity) and the collection risk; its extension by a special order carried out successfully;
its guards over XML-RPC."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from . import test_report_languages as report_languages
from .common_review import CrrReviewCommon, CrrRpcMixin


@tagged("post_install", "-at_install")
class TestCapabilityCommitment(CrrReviewCommon, CrrRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = False
        cls.category = cls.env["product.category"].create({"name": "Committed Gears"})
        cls.sub_category = cls.env["product.category"].create({"name": "Small Gears", "parent_id": cls.category.id})
        cls.cat_good = cls.env["product.product"].create(
            {"name": "Small Gear", "type": "consu", "list_price": 100.0, "standard_price": 50.0,
             "categ_id": cls.sub_category.id}
        )
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.Commitment = cls.env["crr.capability.commitment"]
        # the approved commitment of this year: the gear box (10 a month) and the category of gears
        cls.commitment = cls._approved_commitment(
            [
                {"product_id": cls.good.id, "specification": "Ratio 1:5 to 1:50", "spec_name": "Ratio",
                 "spec_min": 5, "spec_max": 50, "capacity_qty": 10, "capacity_uom_id": cls.unit.id},
                {"categ_id": cls.category.id, "specification": "Module 1-4"},
            ]
        )

    @classmethod
    def _new_commitment(cls, lines, year=None):
        return cls.Commitment.with_user(cls.manager).create(
            {
                "year": year or fields.Date.today().year,
                "department_ids": [Command.set([cls.dep["technical"].id, cls.dep["production"].id])],
                "line_ids": [Command.create(vals) for vals in lines],
            }
        )

    @classmethod
    def _approved_commitment(cls, lines, year=None):
        commitment = cls._new_commitment(lines, year=year)
        commitment.with_user(cls.manager).action_submit()
        for code in ("technical", "production", "general_manager"):
            commitment.with_user(cls.reviewers[code]).action_approve()
        return commitment

    def _classify(self, order):
        departments, contract_type = order._crr_classify()[order]
        return contract_type, departments

    # -- the review through the engine, the report ---------------------------------------------------
    def test_review_through_the_engine_and_print(self):
        self.assertEqual(self.commitment.state, "approved")
        self.assertEqual(self.commitment.approved_by_id, self.reviewers["general_manager"])
        commitment = self._new_commitment([{"product_id": self.new_good.id, "capacity_qty": 5}],
                                          year=fields.Date.today().year + 1)
        self.assertEqual(commitment.date_from, fields.Date.today().replace(year=commitment.year, month=1, day=1))
        # only review managers submit
        with self.assertRaises(UserError):
            commitment.with_user(self.reviewers["technical"]).action_submit()
        commitment.with_user(self.manager).action_submit()
        lines = commitment.review_line_ids
        self.assertEqual(commitment.state, "in_review")
        self.assertEqual(
            {(line.department_id.code, line.state) for line in lines},
            {("technical", "pending"), ("production", "pending"), ("general_manager", "waiting")},
        )
        self.assertEqual(lines.filtered("is_final_approval").step, 2)
        # submitted: the content is what the departments sign
        with self.assertRaises(UserError):
            commitment.with_user(self.manager).write({"year": 2001})
        with self.assertRaises(UserError):
            commitment.line_ids.with_user(self.manager).write({"capacity_qty": 50})
        # the general manager waits for the departments; a department signs only its own line
        with self.assertRaises(UserError):
            commitment.with_user(self.reviewers["general_manager"]).action_approve()
        commitment.with_user(self.reviewers["technical"]).action_approve(opinion="Feasible")
        with self.assertRaises(UserError):
            commitment.with_user(self.reviewers["technical"]).action_approve()
        commitment.with_user(self.reviewers["production"]).action_reject(opinion="Capacity of 5 not proven")
        self.assertEqual(commitment.state, "rejected")
        self.assertEqual(lines.filtered("is_final_approval").state, "superseded")
        # corrected and submitted again: a new round, the first kept
        commitment.with_user(self.manager).action_reset_draft()
        commitment.line_ids.with_user(self.manager).write({"capacity_qty": 3})
        commitment.with_user(self.manager).action_submit()
        self.assertEqual(commitment.review_round, 2)
        for code in ("technical", "production", "general_manager"):
            commitment.with_user(self.reviewers[code]).action_approve()
        self.assertEqual(commitment.state, "approved")
        self.assertEqual(len(commitment.review_line_ids), 6)
        self.assertEqual(commitment.approved_by_id, self.reviewers["general_manager"])
        # printed as the initial review report, with its form number and the signatures of the last round
        self.company.crr_form_no_capability = "QR-CAP-77"
        html, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_capability_commitment", commitment.ids
        )
        self.assertEqual(fmt, "html")  # the PDF's HTML in tests, as the other forms' tests
        html = html.decode()
        self.assertIn("Initial Review Report", html)
        self.assertIn("QR-CAP-77", html)
        self.assertIn(self.new_good.name, html)
        self.assertIn(self.reviewers["general_manager"].name, html)
        self.assertNotIn("Capacity of 5 not proven", html)
        self.assertEqual(
            commitment.action_print()["report_name"], "customer_requirement_review.report_crr_capability_commitment"
        )
        # kept: neither the approved commitment nor its lines nor its signatures are deleted
        for records in (commitment, commitment.line_ids, commitment.review_line_ids):
            with self.assertRaises(UserError):
                records.with_user(self.manager).unlink()

    # -- the rule facts ------------------------------------------------------------------------------
    def test_within_the_commitment_is_regular(self):
        # a first order of a new customer, for committed products (by product and by category): regular
        order = self._order(partner=self.new_customer, products=[self.good, self.cat_good], qty=1)
        contract_type, departments = self._classify(order)
        self.assertTrue(order.crr_is_first_order)
        self.assertTrue(order.crr_within_commitment)
        self.assertEqual(order.crr_commitment_id, self.commitment)
        self.assertEqual(contract_type, "regular")
        self.assertNotIn(self.dep["general_manager"], departments)
        # a product beyond the commitment: special
        beyond = self._order(partner=self.customer, products=[self.good, self.new_good], qty=1)
        contract_type, departments = self._classify(beyond)
        self.assertFalse(beyond.crr_within_commitment)
        self.assertEqual(contract_type, "special")
        self.assertIn(self.dep["general_manager"], departments)
        # no approved commitment for the date (a commitment of another year): as before, special
        order.date_order = fields.Datetime.now() - timedelta(days=800)
        contract_type, _departments = self._classify(order)
        self.assertFalse(order.crr_within_commitment)
        self.assertEqual(contract_type, "special")

    def test_beyond_committed_capacity(self):
        # the month's confirmed quantity of the gear box: 1 (history) + 6 confirmed here
        self.company.crr_review_mode = "off"
        confirmed = self._order(partner=self.customer, products=[self.good], qty=6)
        confirmed.action_confirm()
        self.company.crr_review_mode = "all"
        within = self._order(partner=self.customer, products=[self.good], qty=3)  # 1 + 6 + 3 = 10
        over = self._order(partner=self.customer, products=[self.good], qty=4)  # 11 > 10
        # another month: its own quantities
        later = self._order(partner=self.customer, products=[self.good], qty=4,
                            date_order=fields.Datetime.now().replace(day=1) + timedelta(days=40))
        result = (within | over | later)._crr_classify()
        self.assertFalse(within.crr_beyond_capacity)
        self.assertEqual(result[within][1], "regular")
        self.assertTrue(over.crr_beyond_capacity)
        self.assertEqual(result[over][1], "special")
        if later.date_order.year == fields.Date.today().year:
            self.assertFalse(later.crr_beyond_capacity)
        # the quantity of a line in another unit counts in the product's unit
        dozen = self.env.ref("uom.product_uom_dozen")
        in_dozens = self._order(partner=self.customer, products=[self.good], qty=1)
        in_dozens.order_line.product_uom_id = dozen
        in_dozens._crr_classify()
        self.assertTrue(in_dozens.crr_beyond_capacity)  # 7 + 12 > 10

    def _overdue_invoice(self, partner, amount, days_late=10):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": fields.Date.today() - timedelta(days=days_late + 30),
            "invoice_date_due": fields.Date.today() - timedelta(days=days_late),
            "invoice_line_ids": [Command.create({"name": "Gears", "quantity": 1, "price_unit": amount, "tax_ids": []})],
        })
        invoice.action_post()
        return invoice

    def test_collection_risk(self):
        late = self.env["res.partner"].create({"name": "Late Payer", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Late Payer Buyer", "parent_id": late.id})
        limited = self.env["res.partner"].create({"name": "Limited Customer", "is_company": True})
        self._overdue_invoice(late, 500.0)
        # an invoice not yet due is no risk
        self._overdue_invoice(limited, 50.0, days_late=-20)
        risky = self._order(partner=contact, products=[self.good], qty=1)
        capped = self._order(partner=limited, products=[self.good], qty=3)  # 300 + 50 receivable
        (risky | capped)._crr_classify()
        self.assertTrue(risky.crr_collection_risk)
        self.assertFalse(capped.crr_collection_risk)
        self.assertEqual(self._classify(risky)[0], "special")
        # the company uses credit limits: the receivable and the order beyond the customer's limit
        self.company.account_use_credit_limit = True
        limited.with_company(self.company).credit_limit = 300.0
        self._classify(capped)
        self.assertTrue(capped.crr_collection_risk)
        limited.with_company(self.company).credit_limit = 1000.0
        self._classify(capped)
        self.assertFalse(capped.crr_collection_risk)

    def test_facts_without_query_per_order(self):
        partners = self.env["res.partner"].create([{"name": f"Batch Customer {n}"} for n in range(6)])
        for partner in partners[:3]:
            self._overdue_invoice(partner, 10.0)
        orders = self.env["sale.order"]
        for n, partner in enumerate(partners):
            orders |= self._order(partner=partner, products=[self.good, self.cat_good, self.new_good][: n % 3 + 1])

        def count(batch):
            lines = batch._crr_product_lines()
            needed = {
                order: {line.product_id: line.product_uom_qty for line in lines if line.order_id == order}
                for order in batch
            }
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            facts = batch.sudo()._crr_capability_facts(needed)
            return self.env.cr.sql_log_count - start, facts

        few, _facts = count(orders[:2])
        many, facts = count(orders)
        self.assertEqual(many, few)
        self.assertEqual([facts[order]["crr_collection_risk"] for order in orders.sudo()], [True] * 3 + [False] * 3)
        self.assertEqual([facts[order]["crr_within_commitment"] for order in orders.sudo()],
                         [True, True, False, True, True, False])

    # -- extension by a special order carried out successfully -------------------------------------------
    def _special_order(self, product, partner, qty=2):
        order = self._order(partner=partner, products=[product], qty=qty)
        order.with_user(self.salesperson).action_request_review()
        self.assertEqual(order.contract_type, "special")
        self._approve_all(order)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def test_successful_special_order_extends_the_commitment(self):
        study = self.env["product.product"].create(
            {"name": "Special Gear Study", "type": "service", "list_price": 100.0, "standard_price": 50.0}
        )
        other = self.env["product.product"].create(
            {"name": "Special Gear Audit", "type": "service", "list_price": 100.0, "standard_price": 50.0}
        )
        order = self._special_order(study, self.customer, qty=2)
        complained = self._special_order(other, self.customer, qty=1)
        complained.order_line.sudo().qty_delivered = 1
        self.env["crr.complaint"].with_user(self.salesperson).create({
            "subject": "Audit report late", "partner_id": self.customer.id, "order_id": complained.id,
            "category": "quality", "severity": "minor", "channel": "phone",
        })
        learn = self.commitment.with_user(self.manager).action_learn_from_orders
        # not delivered yet: nothing learned
        learn()
        self.assertFalse(self.commitment.line_ids.filtered("learned_order_id"))
        order.order_line.sudo().qty_delivered = 2
        learn()
        learned = self.commitment.line_ids.filtered("learned_order_id")
        self.assertEqual(learned.learned_order_id, order)
        self.assertEqual(learned.product_id, study)
        self.assertEqual(learned.specification, order.name)
        self.assertEqual(self.commitment.learned_line_count, 1)
        # learned once
        learn()
        self.assertEqual(len(self.commitment.line_ids.filtered("learned_order_id")), 1)
        # a similar order now needs no special review (a new customer's first order of the study)
        similar = self._order(partner=self.new_customer, products=[study], qty=1)
        self.assertTrue(self._classify(similar)[0] == "regular" and similar.crr_within_commitment)
        # the learned line is traced: only the action sets its order
        with self.assertRaises(UserError):
            learned.with_user(self.manager).write({"learned_order_id": complained.id})
        # the cron does the same for the commitments of today
        self.Commitment._cron_learn_from_orders()
        self.assertEqual(len(self.commitment.line_ids.filtered("learned_order_id")), 1)

    # -- guards over XML-RPC -------------------------------------------------------------------------
    def test_guards_over_xmlrpc(self):
        model = "crr.capability.commitment"
        ids = self.commitment.ids
        # a salesperson neither reads nor creates, signs nor changes commitments
        self._rpc_refused("not allowed", self.salesperson, model, "read", ids, ["state"])
        self._rpc_refused("not allowed", self.salesperson, model, "create", [{"year": 2030}])
        self._rpc_refused("not allowed", self.salesperson, model, "write", ids, {"state": "draft"})
        self._rpc_refused("not allowed", self.salesperson, model, "unlink", ids)
        self._rpc_refused("Only review managers", self.salesperson, model, "action_submit", ids)
        self._rpc_refused("not allowed", self.salesperson, "crr.capability.commitment.line", "unlink",
                      self.commitment.line_ids.ids)
        # a reviewer reads it, but decides nothing outside the review line
        self.assertEqual(self._rpc(self.reviewers["quality"], model, "read", ids, ["state"])[0]["state"], "approved")
        self._rpc_refused("changes only through its action", self.reviewers["quality"], model, "write", ids,
                      {"state": "draft"})
        self._rpc_refused("not allowed", self.reviewers["quality"], model, "write", ids, {"year": 2030})
        # even a review manager: the status only through its actions, nothing decided deleted
        self._rpc_refused("changes only through its action", self.manager, model, "write", ids, {"state": "draft"})
        self._rpc_refused("changes only through its action", self.manager, model, "create",
                      [{"year": 2031, "state": "approved"}])
        self._rpc_refused("kept", self.manager, model, "unlink", ids)
        self._rpc_refused("kept", self.manager, "crr.capability.commitment.line", "unlink", self.commitment.line_ids.ids)
        self._rpc_refused("was submitted", self.manager, "crr.capability.commitment.line", "write",
                      self.commitment.line_ids[:1].ids, {"capacity_qty": 1})
        self._rpc_refused("not allowed", self.manager, "crr.review.line", "unlink",
                      self.commitment.review_line_ids.ids)
        self.assertEqual(self.commitment.state, "approved")
        self.assertEqual(len(self.commitment.line_ids), 2)
        self.assertEqual(len(self.commitment.review_line_ids), 3)

    def test_other_company_and_portal_refused_over_xmlrpc(self):
        """Another company's review manager and reviewer, and the customer's portal user: none of the first
        company's commitments nor lines is found, read, changed, created, deleted, signed or printed; wrong ids
        answer a clear error; nothing written."""
        outsiders = self._crr_outsiders("crr_t_cap", self.customer, {
            "manager": "customer_requirement_review.group_crr_manager",
            "reviewer": "customer_requirement_review.group_crr_reviewer",
        })
        # in review: what a signature or a cancellation would change
        commitment = self._new_commitment([{"product_id": self.new_good.id, "capacity_qty": 5}],
                                          year=fields.Date.today().year + 2)
        commitment.with_user(self.manager).action_submit()
        actions = [
            ("action_submit", (), {}), ("action_approve", (), {"opinion": "ok"}), ("action_reject", ("No",), {}),
            ("action_reset_draft", (), {}), ("action_cancel", (), {}), ("action_print", (), {}),
            ("action_learn_from_orders", (), {}),
        ]
        watched = ["state", "year", "review_round", "line_ids", "analysis"]
        for records in (commitment, self.commitment):
            self._crr_assert_outsiders_refused(
                outsiders, records, watched, {"analysis": "<p>Forged</p>"},
                {"year": 2040, "company_id": self.company.id}, actions,
            )
        self._crr_assert_outsiders_refused(
            outsiders, commitment.line_ids, ["capacity_qty", "product_id"], {"capacity_qty": 1},
            {"commitment_id": commitment.id, "product_id": self.good.id},
        )
        self.assertEqual(
            {(line.department_id.code, line.state) for line in commitment.review_line_ids},
            {("technical", "pending"), ("production", "pending"), ("general_manager", "waiting")},
        )
        self._crr_assert_report_refused(
            outsiders, "customer_requirement_review.report_crr_capability_commitment", self.commitment,
            "Ratio 1:5 to 1:50",
        )
        self._crr_assert_bad_ids_refused(self.manager, "crr.capability.commitment", actions, commitment, watched)
        # a line naming its commitment by something else than an id: a clear error, nothing created
        draft = self._new_commitment([{"product_id": self.new_good.id}], year=fields.Date.today().year + 3)
        Line = "crr.capability.commitment.line"
        for label, value in (("a text", "abc"), ("a list", [draft.id]), ("unknown", 987654321)):
            with self.subTest(commitment_id=label):
                self._rpc_refused(None, self.manager, Line, "create", {"commitment_id": value, "product_id": self.good.id})
                self._rpc_refused(None, self.manager, Line, "write", draft.line_ids.ids, {"commitment_id": value})
        self._rpc_refused("give a number", self.manager, Line, "write", draft.line_ids.ids, {"capacity_qty": "ten"})
        self.assertEqual(len(draft.line_ids), 1)
        self.assertEqual(draft.line_ids.commitment_id, draft)

    def test_upgrade_gives_the_untouched_special_rule_the_new_condition(self):
        path = Path(__file__).resolve().parent.parent / "migrations" / "19.0.3.0.0" / "post-capability.py"
        spec = importlib.util.spec_from_file_location("crr_post_capability", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        Rule = self.env["crr.review.rule"]
        untouched = Rule.create({"name": "Old special", "domain": script.OLD_SPECIAL, "contract_type": "special"})
        edited = Rule.create({"name": "Edited special", "domain": "[('crr_is_first_order', '=', True)]",
                              "contract_type": "special"})
        shipped = self.env.ref("customer_requirement_review.crr_review_rule_special")
        self.assertEqual(shipped.domain, script.NEW_SPECIAL)
        script.migrate(self.env.cr, "19.0.2.1.0")
        self.env.invalidate_all()
        self.assertEqual(untouched.domain, script.NEW_SPECIAL)
        self.assertEqual(edited.domain, "[('crr_is_first_order', '=', True)]")

    def test_report_in_the_company_language(self):
        """An internal form: printed as a PDF in the company's language, Chinese never one character a line."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        self.company.partner_id.lang = "zh_CN"
        pdf, fmt = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_capability_commitment", res_ids=self.commitment.ids
        )
        self.assertEqual(fmt, "pdf")
        self.assertEqual(report_languages.one_character_lines(pdf), [])
        text = report_languages.pdf_text(pdf)
        for needle in ("初始评审报告", "表单编号", "QR-8.2-05", "承诺能力", "月产能", "会签与批准", self.good.name):
            self.assertIn(needle, text)
        self.assertNotIn("Initial Review Report", text)
