from unittest.mock import patch

from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common_review import CrrReviewCommon

# query ceilings of a request with its pre-commit hooks (the chatter's tracking messages), measured on this test
# database (see test_decisions_cost_no_query_per_member)
REQUEST_QUERIES = 50  # with the one search of the substitutions in force (their substitutes get the mail)
APPROVE_QUERIES = 12
FINAL_QUERIES = 14  # the line's and the order's chatter entries created together (16 each on its own)
# the confirmation is sale's and stock's own (the delivery); the distribution to the departments is a job's
# (160 alone; one more after other test classes, as Odoo's caches are then in another state)
CONFIRM_QUERIES = 162


@tagged("post_install", "-at_install")
class TestReviewPerformance(CrrReviewCommon):
    """Request, approval and confirmation cost no query per rule nor per order line."""

    def _count(self, func):
        """Queries of ``func`` as a request runs them: its writes flushed and its pre-commit hooks run (the
        chatter's tracking messages, written when the transaction ends)."""
        self.env.cr.flush()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - before

    def _scenario(self, n_rules, n_lines, members=1):
        """Queries of the request, of a decision that leaves the round open (sales, ``members`` reviewers in its
        department, all with a to-do), of the decision that ends it (production) and of the confirmation."""
        sales = self.dep["sales"]
        sales.user_ids = [Command.set(self.reviewers["sales"].ids + self._extra_reviewers[: members - 1].ids)]
        Rule = self.env["crr.review.rule"]
        Rule.search([("company_id", "=", self.company.id)]).active = False
        products = self.env["product.product"].create(
            [{"name": f"P{n_rules}-{i}", "type": "consu", "list_price": 100, "standard_price": 10}
             for i in range(n_lines)]
        )
        Rule.create(
            [
                {
                    "name": f"Rule {i}",
                    "domain": "[('amount_untaxed', '>=', 1)]" if i % 2 else "[('crr_has_new_product', '=', True)]",
                    "department_ids": [Command.set([self.dep["sales"].id, self.dep["production"].id])],
                    "contract_type": "regular",
                }
                for i in range(n_rules)
            ]
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products],
            }
        )
        counts = {}
        counts["request"] = self._count(lambda: order.with_user(self.salesperson).action_request_review())
        lines = order._crr_round_lines()
        self.assertEqual(len(lines), 2)
        sales_line = lines.filtered(lambda line: line.department_id == self.dep["sales"])
        counts["approve"] = self._count(lambda: sales_line.with_user(self.reviewers["sales"]).action_approve())
        self.assertEqual(sales_line.state, "approved")
        prod_line = lines - sales_line
        counts["final"] = self._count(lambda: prod_line.with_user(self.reviewers["production"]).action_approve())
        self.assertEqual(order.review_state, "approved")
        counts["confirm"] = self._count(lambda: order.with_user(self.salesperson).action_confirm())
        self.assertEqual(order.state, "sale")
        return counts

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._extra_reviewers = cls.env["res.users"].concat(
            *(
                new_test_user(
                    cls.env, login=f"crr_t_perf_rev{i}", groups="customer_requirement_review.group_crr_reviewer",
                    name=f"Sales Reviewer {i}",
                )
                for i in range(5)
            )
        )

    def test_query_counts_do_not_grow(self):
        self._scenario(3, 5)  # warm-up (caches of ir.model, templates, ...)
        small = self._scenario(3, 5)
        many_rules = self._scenario(30, 5)
        many_lines = self._scenario(3, 50)
        for key in ("request", "approve", "final"):
            self.assertLessEqual(abs(many_rules[key] - small[key]), 2, (key, small, many_rules))
            self.assertLessEqual(abs(many_lines[key] - small[key]), 2, (key, small, many_lines))
        # confirmation is sale's own: we only check that our part does not grow with rules
        self.assertLessEqual(abs(many_rules["confirm"] - small["confirm"]), 2, (small, many_rules))

    def test_decisions_cost_no_query_per_member(self):
        """A department's to-dos are removed in one statement, whatever its number of reviewers; a decision
        reads the decider's substitutions only for a line outside the decider's departments; nothing read before
        the subject's lock is read again after it; the final note carries the status change."""
        self._scenario(3, 5)  # warm-up
        one = self._scenario(3, 5, members=1)
        six = self._scenario(3, 5, members=6)
        for key in ("request", "approve", "final"):
            self.assertLessEqual(abs(six[key] - one[key]), 1, (key, one, six))
        # ceilings measured on this test database (Inventory, e-shop and payment installed), chatter included: a
        # decision that leaves the round open reads its line and round, locks the order, removes the to-dos and
        # logs the decision (its author and reply-to read narrowly, the message and its tracking values); the one
        # that ends the round adds the order's status change with its chatter entry and the notice to the
        # salesperson (sent by a job)
        self.assertLessEqual(one["approve"], APPROVE_QUERIES, one)
        self.assertLessEqual(one["final"], FINAL_QUERIES, one)
        self.assertLessEqual(one["request"], REQUEST_QUERIES, one)
        self.assertLessEqual(one["confirm"], CONFIRM_QUERIES, one)

    def test_narrow_chatter_reads_keep_pending_changes(self):
        """The decision reads the author and the company for its chatter entry in one query, into the record
        cache: a change of the reviewer's name and address written in the same transaction (not yet in the
        database) is the one the entry shows, and what the cache holds is not replaced."""
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self._flush_tracking()
        line = order._crr_round_lines().filtered(lambda line: line.state == "pending")[:1]
        reviewer = self.reviewers[line.department_id.code]
        self.env.invalidate_all()
        reviewer.partner_id.write({"name": "Renamed Sales Reviewer", "email": "renamed.sales@crr-perf.example.com"})
        line.with_user(reviewer).action_approve(opinion="fine")
        self.assertEqual(reviewer.partner_id.name, "Renamed Sales Reviewer")
        self._flush_tracking()
        entry = line.sudo().message_ids.filtered(lambda message: message.tracking_value_ids)[:1]
        self.assertEqual(entry.author_id, reviewer.partner_id)
        self.assertIn("Renamed Sales Reviewer", entry.email_from)
        self.assertIn("renamed.sales@crr-perf.example.com", entry.email_from)

    def test_decision_chatter_entries_created_together(self):
        """The decision that ends the round leaves its two chatter entries, the line's history (who decided,
        the state) and the order's status change with the note to the salesperson, written together by one
        INSERT of messages and one of their tracking values; a message posted for a followed subtype in the same transaction (the confirmation)
        is still posted, with its notification, and a tracking already started before the decision is logged
        too."""
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step))
        last = lines[-1]
        self._approve_all(order, codes=(lines - last).department_id.mapped("code"))
        self._flush_tracking()
        reviewer = self.reviewers[last.department_id.code]
        inserts = []
        original = type(self.env.cr).execute

        def execute(cursor, query, params=None, log_exceptions=True):
            if 'INSERT INTO "mail_message"' in str(query) or 'INSERT INTO "mail_tracking_value"' in str(query):
                inserts.append(query)
            return original(cursor, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", execute):
            last.with_user(reviewer).action_approve(opinion="Capacity booked")
            self.env.cr.flush()
        self.env.invalidate_all()
        # one INSERT of the messages, one of their tracking values
        self.assertEqual(len(inserts), 2, inserts)
        line_entry = last.sudo().message_ids.filtered(lambda message: message.tracking_value_ids)[:1]
        self.assertEqual(line_entry.author_id, reviewer.partner_id)
        # what changed, as Odoo tracks it (no entry for the fields left empty or unchanged: conditions, on behalf
        # of, deadline)
        self.assertEqual(
            set(line_entry.tracking_value_ids.field_id.mapped("name")),
            {"state", "reviewer_id", "decision_date", "opinion"},
        )
        self.assertEqual(
            line_entry.tracking_value_ids.filtered(lambda value: value.field_id.name == "opinion").new_value_text,
            "Capacity booked",
        )
        order_entry = order.sudo().message_ids.filtered(lambda message: "is approved" in (message.body or ""))
        self.assertEqual(len(order_entry), 1)
        self.assertEqual(order_entry.author_id, reviewer.partner_id)
        self.assertEqual(order_entry.tracking_value_ids.field_id.name, "review_state")
        self.assertEqual(order_entry.tracking_value_ids.new_value_char, "Approved")
        # in one transaction, the decision then the confirmation (a subtype a follower subscribed to: posted, with
        # its notification), with and without a tracked write of the order before the decision (its tracking then
        # started before the batch)
        confirmed_subtype = self.env.ref("sale.mt_order_confirmed")
        follower = new_test_user(
            self.env, login="crr_t_perf_follower", groups="sales_team.group_sale_salesman", name="Sales Manager"
        ).partner_id
        team = self.env["crm.team"].sudo().create({"name": "Export Team", "company_id": self.company.id})
        for write_first in (False, True):
            order2 = self._order(products=[self.good])
            order2.with_user(self.salesperson).action_request_review()
            self._approve_all(order2, codes=[
                code for code in order2._crr_round_lines().department_id.mapped("code")
                if code != last.department_id.code
            ])
            self._flush_tracking()
            order2.sudo().message_subscribe(partner_ids=follower.ids, subtype_ids=confirmed_subtype.ids)
            self._flush_tracking()
            if write_first:
                order2.sudo().team_id = team
            final = order2._crr_round_lines().filtered(lambda line: line.state == "pending")
            final.with_user(self.reviewers[final.department_id.code]).action_approve()
            order2.with_user(self.salesperson).action_confirm()
            self._flush_tracking()
            messages = order2.sudo().message_ids
            self.assertTrue(messages.filtered(lambda message: "is approved" in (message.body or "")), write_first)
            confirmed = messages.filtered(lambda message: message.subtype_id == confirmed_subtype)
            self.assertEqual(len(confirmed), 1, write_first)
            self.assertIn(follower, confirmed.notification_ids.res_partner_id, write_first)
            self.assertIn("state", confirmed.tracking_value_ids.field_id.mapped("name"), write_first)
            self.assertTrue(final.sudo().message_ids.filtered(lambda message: message.tracking_value_ids), write_first)
            self.assertEqual(
                "team_id" in messages.tracking_value_ids.field_id.mapped("name"), write_first, write_first
            )

    def test_round_lines_read_through_indexes(self):
        """A decision reads its line with the other lines of its subject through the indexes of the subjects'
        columns, however many lines the table holds: among 20,000 lines of 2,500 orders, the plan of that query
        reads no table whole and filters no line by a subquery (an "IN (subquery)" on each subject column made
        PostgreSQL read every line: 94 ms for that query at 220,000 lines, 12 ms so)."""
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        self._flush_tracking()
        # the history of a company: 2,500 orders (copies of this one's row) of 8 lines each
        cr = self.env.cr
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'sale_order' "
            "AND column_name NOT IN ('id', 'name', 'access_token')"
        )
        columns = SQL(", ").join(SQL.identifier(row[0]) for row in cr.fetchall())
        cr.execute(SQL(
            "INSERT INTO sale_order (name, %s) SELECT 'HISTORY/' || g, %s FROM sale_order, generate_series(1, 2500) g "
            "WHERE sale_order.id = %s RETURNING id",
            columns, columns, order.id,
        ))
        history = [row[0] for row in cr.fetchall()]
        departments = self.env["crr.department"].search([("company_id", "=", self.company.id)], limit=8).ids
        cr.execute(
            """INSERT INTO crr_review_line (department_id, round, state, escalation_level, order_id, company_id, sequence)
               SELECT (%s::int[])[1 + g %% %s], 0, 'approved', 'none', (%s::int[])[1 + g / %s], %s, 10
                 FROM generate_series(0, %s) g""",
            [departments, len(departments), history, len(departments), self.company.id,
             len(history) * len(departments) - 1],
        )
        cr.execute("ANALYZE crr_review_line, sale_order")
        line = order._crr_round_lines()[:1]
        captured = []
        original = type(cr).execute

        def execute(cursor, query, params=None, log_exceptions=True):
            code = query.code if isinstance(query, SQL) else str(query)
            if code.lstrip().startswith("SELECT") and 'FROM "crr_review_line"' in code:
                captured.append((query, params))
            return original(cursor, query, params, log_exceptions)

        self.env.invalidate_all()
        with patch.object(type(cr), "execute", execute):
            line._crr_prefetch_rounds()
        self.assertEqual(len(captured), 1, captured)
        query, params = captured[0]
        self.assertIsNone(params)  # the ORM runs SQL objects, their parameters inside
        cr.execute(SQL("EXPLAIN %s", query))
        plan = "\n".join(row[0] for row in cr.fetchall())
        # each subject's lines found through the index of its column, not by filtering every line
        self.assertNotIn("Seq Scan on crr_review_line", plan, plan)
        self.assertNotIn("SubPlan", plan, plan)
        self.assertIn("Index Cond: (order_id = ANY", plan, plan)
        # and what the decision needs is read: the order's lines
        self.assertEqual(order.review_line_ids, order._crr_round_lines(all_rounds=True))

    def test_no_tracking_prepared_for_fields_not_stored(self):
        """No field of the addons that is computed and not stored is tracked: a related field inherits the
        tracking of its target (e.g. the customer's grade on the order), and every write of the record would read
        it through its chain to prepare a tracking that never posts (the record does not change when the target
        does)."""
        tracked = [
            f"{model_name}.{name}"
            for model_name, model in self.env.registry.items()
            if "message_ids" in model._fields
            for name, field in model._fields.items()
            if getattr(field, "tracking", None) and not field.store
            and (getattr(field, "_module", None) or "").startswith("customer_requirement_review")
        ]
        self.assertEqual(tracked, [])

    def test_request_costs_no_query_per_department(self):
        """Asking six departments at once costs what asking two does: their reviewers (activities, review request
        mails with their e-mail addresses) are read in one query, whatever the number of departments."""
        Rule = self.env["crr.review.rule"]
        codes = ["sales", "production", "quality", "procurement", "logistics", "finance"]
        for code in codes:
            self.reviewers[code].email = f"{code}@crr-perf.example.com"
        counts = {}
        for n in (2, 2, 6):  # the first pass warms the caches up
            Rule.search([("company_id", "=", self.company.id)]).active = False
            Rule.create({
                "name": f"{n} departments", "domain": "[]", "contract_type": "regular",
                "department_ids": [Command.set([self.dep[code].id for code in codes[:n]])],
            })
            order = self._order(products=[self.good])
            counts[n] = self._count(lambda order=order: order.with_user(self.salesperson).action_request_review())
            self.assertEqual(len(order._crr_round_lines()), n)
        self.assertLessEqual(counts[6] - counts[2], 1, counts)

    def test_decision_writes_no_shared_row(self):
        """The final decision writes neither the customer's partner nor the company (rows shared between
        orders, whose concurrent updates would conflict), and leaves one chatter entry on the order: the note
        to the salesperson, with the review status change."""
        order = self._order(products=[self.good])
        self._flush_tracking()
        order.with_user(self.salesperson).action_request_review()
        lines = order._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step))
        last = lines[-1]
        self._approve_all(order, codes=(lines - last).department_id.mapped("code"))
        self._flush_tracking()
        self.assertEqual(last.state, "pending")

        def shared_rows():
            self.env.cr.execute(
                "SELECT (SELECT ctid::text FROM res_partner WHERE id = %s), "
                "(SELECT ctid::text FROM res_company WHERE id = %s)",
                [self.customer.id, self.company.id],
            )
            return self.env.cr.fetchone()

        before = shared_rows()
        last.with_user(self.reviewers[last.department_id.code]).action_approve()
        self._flush_tracking()
        self.assertEqual(shared_rows(), before)
        self.assertEqual(order.review_state, "approved")
        notes = order.message_ids.filtered(lambda m: "is approved" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # the salesperson is told out of the decision's transaction: a notice waits, with the trigger of the job
        # that sends it, and reaches the salesperson (inbox or e-mail, as chosen) when that job runs
        Notice = self.env["crr.review.notice"].sudo()
        notice = Notice.search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(notice.user_id, self.salesperson)
        self.assertIn("is approved", notice.body)
        author = self.reviewers[last.department_id.code].partner_id
        self.assertEqual(notice.create_uid.partner_id, author)
        cron = self.env.ref("customer_requirement_review.ir_cron_crr_review_notices")
        self.assertTrue(cron.active)
        self.assertTrue(
            self.env["ir.cron.trigger"].sudo().search_count(
                [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())]
            )
        )
        self.assertFalse(notes.sudo().notification_ids)
        self.assertEqual(Notice._cron_send(), 1)
        self.env.flush_all()
        self.assertFalse(notice.exists())
        # nor does sending it write the customer's partner (no portal link is prepared for an internal notice)
        self.assertEqual(shared_rows(), before)
        sent = self.env["mail.message"].sudo().search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("message_type", "=", "user_notification")]
        )
        self.assertEqual(len(sent), 1)
        self.assertIn("is approved", sent.body)
        self.assertEqual(sent.author_id, author)
        told = sent.notification_ids.filtered(lambda n: n.res_partner_id == self.salesperson.partner_id)
        self.assertEqual(told.notification_type, self.salesperson.notification_type)
        if told.notification_type == "email":
            self.assertTrue(told.mail_mail_id)
        self.assertFalse(sent.notification_ids - told, "only the salesperson is notified")
        status = notes.sudo().tracking_value_ids.filtered(lambda t: t.field_id.name == "review_state")
        self.assertEqual(status.new_value_char, "Approved")
        others = order.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == "review_state" and t.new_value_char == "Approved"
        )
        self.assertEqual(others, status)
        # the decided line keeps who, when and its own tracking
        self.assertEqual(last.reviewer_id, self.reviewers[last.department_id.code])
        self.assertTrue(last.decision_date)
        self.assertFalse(lines.activity_ids)

    def test_removed_todos_update_counters_and_keep_history(self):
        """The department's to-dos removed in one DELETE: the assignee's to-do counter is told of a due one (as
        mail.activity.unlink does), and a done activity kept as history (archived) stays."""
        order = self._order(products=[self.good])
        order.with_user(self.salesperson).action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.state == "pending")[:1]
        todo = line.sudo().activity_ids
        self.assertTrue(todo)
        todo.write({"date_deadline": fields.Date.today()})
        kept = todo[:1].copy({"active": False})
        self.env.flush_all()
        line.with_user(self.reviewers[line.department_id.code]).action_approve()
        self._flush_tracking()
        self.assertFalse(todo.exists())
        self.assertFalse(line.activity_ids)
        self.assertTrue(kept.exists())
        notices = self.env["bus.bus"].sudo().search([("message", "ilike", "activity_deleted")])
        self.assertTrue(notices)
