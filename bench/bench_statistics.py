"""Statistics and list filters at scale: 100,000 review lines and 20,000 complaints.

Generates the volume with SQL (INSERT ... SELECT generate_series) into the columns the ORM writes
(company, order, department, state, round, current round, request/decision dates, days to decide, ...),
then times

- the review register statistics: ``crr.review.line._read_group`` by department and state, the mean
  days to decide by department, and the register's summary sheet rows for the whole recordset;
- ``crr.complaint._crr_statistics()``;

and prints EXPLAIN (ANALYZE) of the main list filters, built by the ORM as the list views send them
(record rules included): a reviewer's "To Review" (pending, current round, my departments, by deadline),
the complaints' "Open" and "Overdue" filters, and quotations by review status; for each, whether an
index is used or a table is scanned sequentially.

    BENCH=bench/bench_statistics.py make bench
    BENCH=bench/bench_statistics.py BENCH_ARGS="--lines 20000 --complaints 5000" make bench
"""

import re

from benchlib import Timer, copy_rows, environment, parse_args, report

from odoo.fields import Command
from odoo.tools import SQL

DEPARTMENT_CODES = (
    "sales", "technical", "quality", "production", "procurement", "logistics", "finance", "general_manager",
)


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="review lines (default 100000)")
    parser.add_argument("--complaints", type=int, default=20_000, help="complaints (default 20000)")


def _insert_orders(env, count, salesperson, partner):
    """``count`` quotations/orders copied from a template order in one INSERT ... SELECT."""
    template = env["sale.order"].create({"partner_id": partner.id, "user_id": salesperson.id})
    env.flush_all()
    # 90% approved and confirmed, 4% in review, 3% to review, 2% rejected, 1% not required
    overrides = {
        "name": "'BENCH/' || lpad(g::text, 6, '0')",
        "state": "CASE WHEN g %% 100 < 90 THEN 'sale' ELSE 'draft' END",
        "review_state": "CASE WHEN g %% 100 < 90 THEN 'approved' WHEN g %% 100 < 94 THEN 'in_review' "
                        "WHEN g %% 100 < 97 THEN 'to_review' WHEN g %% 100 < 99 THEN 'rejected' ELSE 'not_required' END",
        "review_round": "1",
        "date_order": "now() - (g %% 700) * interval '1 day'",
    }
    return copy_rows(env.cr, "sale_order", overrides, template.id, count)


def _insert_review_lines(env, order_ids, count, departments, reviewers, requester):
    """``count`` review lines: one per department and order (round 1, the current round of the orders)."""
    cr = env.cr
    per_order = len(departments)
    cr.execute(
        """
        WITH dep AS (
            SELECT x.k - 1 AS k, d.id, d.sequence, d.is_final_approval, d.company_id, x.reviewer
              FROM unnest(%(deps)s::int[], %(reviewers)s::int[]) WITH ORDINALITY AS x(dep_id, reviewer, k)
              JOIN crr_department d ON d.id = x.dep_id
        ), src AS (
            SELECT g, (%(orders)s::int[])[g / %(per)s + 1] AS order_id,
                   g %% %(per)s AS k,
                   now() - (g %% 700) * interval '1 day' AS request_date,
                   CASE WHEN g %% 100 < 88 THEN 'approved' WHEN g %% 100 < 91 THEN 'rejected'
                        WHEN g %% 100 < 98 THEN 'pending' ELSE 'waiting' END AS state
              FROM generate_series(0, %(count)s - 1) g
        )
        INSERT INTO crr_review_line (
            order_id, company_id, department_id, sequence, is_final_approval, round, is_current_round, state,
            requested_by_id, request_date, deadline, reviewer_id, decision_date, decision_days, carried_over,
            escalation_level, create_uid, create_date, write_uid, write_date)
        SELECT src.order_id, dep.company_id, dep.id, dep.sequence, dep.is_final_approval, 1, TRUE, src.state,
               %(requester)s, src.request_date, (src.request_date + interval '3 days')::date,
               CASE WHEN src.state IN ('approved', 'rejected') THEN dep.reviewer END,
               CASE WHEN src.state IN ('approved', 'rejected')
                    THEN src.request_date + ((src.g %% 97) / 10.0) * interval '1 day' END,
               CASE WHEN src.state IN ('approved', 'rejected') THEN round((src.g %% 97) / 10.0, 2) ELSE 0 END,
               FALSE, 'none', %(requester)s, now(), %(requester)s, now()
          FROM src JOIN dep ON dep.k = src.k
        """,
        {
            "deps": [d.id for d in departments],
            "reviewers": [reviewers[d.code].id for d in departments],
            "orders": order_ids,
            "per": per_order,
            "count": count,
            "requester": requester.id,
        },
    )
    inserted = cr.rowcount
    return inserted


def _insert_complaints(env, count, partner, departments, owner):
    cr = env.cr
    cr.execute(
        """
        INSERT INTO crr_complaint (
            name, subject, company_id, partner_id, channel, category, severity, state, date_received,
            ack_deadline, close_deadline, is_overdue, department_id, user_id, closed_date, days_to_close,
            customer_acceptance, plan_state, create_uid, create_date, write_uid, write_date)
        SELECT 'BENCH-CC/' || lpad(g::text, 6, '0'), 'Complaint ' || g, %(company)s, %(partner)s,
               (ARRAY['phone', 'email', 'fax', 'visit', 'portal'])[g %% 5 + 1],
               (ARRAY['quality', 'delivery', 'quantity', 'packaging', 'documentation', 'service', 'price',
                      'other'])[g %% 8 + 1],
               (ARRAY['minor', 'minor', 'major', 'critical'])[g %% 4 + 1],
               s.state, s.received, s.received + interval '8 hours', s.received + interval '15 days',
               s.state IN ('new', 'acknowledged', 'investigating', 'action', 'verification')
                   AND s.received + interval '15 days' < now(),
               (%(deps)s::int[])[g %% array_length(%(deps)s::int[], 1) + 1], %(owner)s,
               CASE WHEN s.state = 'closed' THEN s.received + (g %% 30) * interval '1 day' END,
               CASE WHEN s.state = 'closed' THEN (g %% 30)::float END,
               CASE WHEN s.state = 'closed' THEN 'accepted' ELSE 'pending' END, 'draft', %(owner)s, now(), %(owner)s, now()
          FROM generate_series(1, %(count)s) g
          CROSS JOIN LATERAL (
              SELECT CASE WHEN g %% 100 < 85 THEN 'closed' WHEN g %% 100 < 88 THEN 'cancelled'
                          WHEN g %% 100 < 90 THEN 'rejected' WHEN g %% 100 < 93 THEN 'new'
                          WHEN g %% 100 < 95 THEN 'investigating' WHEN g %% 100 < 98 THEN 'action'
                          ELSE 'verification' END AS state,
                     now() - (g %% 720) * interval '1 day' AS received
          ) s
        """,
        {
            "company": env.company.id,
            "partner": partner.id,
            "deps": [d.id for d in departments],
            "owner": owner.id,
            "count": count,
        },
    )
    return cr.rowcount


def _explain(env, title, model, domain, order, limit=80):
    """EXPLAIN (ANALYZE) the query the ORM builds for a list view (record rules of env's user apply)."""
    query = model._search(domain, limit=limit, order=order)
    sql = query.select()
    env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) %s", sql))
    plan = [row[0] for row in env.cr.fetchall()]
    text = "\n".join(plan)
    indexes = sorted(set(re.findall(r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)", text)))
    seq_scans = sorted(set(re.findall(r"Seq Scan on (\w+)", text)))
    print(f"\n== EXPLAIN ANALYZE: {title}")
    print(f"   domain {domain}, order {order!r}, limit {limit}, as {model.env.user.login}")
    for line in plan:
        print(f"   | {line}")
    print(f"   indexes used: {', '.join(indexes) or 'NONE'}")
    print(f"   sequential scans: {', '.join(seq_scans) or 'none'}")
    return indexes, seq_scans


def generate(env, n_lines, n_complaints):
    """Bench users (a salesperson, one reviewer per department), orders, review lines and complaints."""
    departments = env["crr.department"].browse(
        [env.ref(f"customer_requirement_review.crr_department_{code}").id for code in DEPARTMENT_CODES]
    )
    users = env["res.users"].with_context(no_reset_password=True)
    salesperson = users.create(
        {"name": "Bench Salesperson", "login": "crr_bench_sales",
         "group_ids": [Command.set([env.ref("sales_team.group_sale_salesman").id])]}
    )
    reviewer_group = env.ref("customer_requirement_review.group_crr_reviewer")
    reviewers = {}
    for department in departments:
        reviewers[department.code] = users.create(
            {"name": f"Bench Reviewer {department.code}", "login": f"crr_bench_rev_{department.code}",
             "group_ids": [Command.set([reviewer_group.id])]}
        )
        department.user_ids = [Command.link(reviewers[department.code].id)]
    partner = env["res.partner"].create({"name": "Bench Customer"})
    n_orders = -(-n_lines // len(departments))  # enough orders for one round
    with Timer("generate") as generate:
        order_ids = _insert_orders(env, n_orders, salesperson, partner)
        n_lines = _insert_review_lines(env, order_ids, n_lines, departments, reviewers, salesperson)
        n_complaints = _insert_complaints(env, n_complaints, partner, departments, salesperson)
        env.cr.execute("ANALYZE sale_order; ANALYZE crr_review_line; ANALYZE crr_complaint")
    return {
        "departments": departments, "reviewers": reviewers, "salesperson": salesperson, "order_ids": order_ids,
        "lines": n_lines, "complaints": n_complaints, "seconds": generate.seconds,
    }


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    with environment(args) as env:
        data = generate(env, args.lines, args.complaints)
        reviewers, salesperson, order_ids = data["reviewers"], data["salesperson"], data["order_ids"]
        n_lines, n_complaints = data["lines"], data["complaints"]
        env.invalidate_all()
        Line = env["crr.review.line"]
        Complaint = env["crr.complaint"]
        env.cr.execute("SELECT count(*) FROM crr_review_line")
        total_lines = env.cr.fetchone()[0]

        with Timer("read_group") as t_group:
            by_dep_state = Line._read_group([], ["department_id", "state"], ["__count"])
        with Timer("mean") as t_mean:
            mean_days = Line._read_group([("decision_date", "!=", False)], ["department_id"], ["decision_days:avg"])
        all_lines = Line.search([])
        with Timer("summary") as t_summary:
            summary = list(all_lines._crr_xlsx_summary_rows())
        env.invalidate_all()
        with Timer("complaints") as t_complaints:
            stats = Complaint._crr_statistics()
        report(
            f"Statistics at scale: {total_lines} review lines ({n_lines} generated on {len(order_ids)} orders), "
            f"{stats['total']} complaints ({n_complaints} generated)",
            [
                ("generation (SQL INSERT ... SELECT)", f"{data['seconds']:8.2f} s"),
                ("review lines _read_group department x state", f"{t_group.seconds * 1000:8.1f} ms  "
                 f"({len(by_dep_state)} groups)"),
                ("review lines mean days to decide by department", f"{t_mean.seconds * 1000:8.1f} ms  "
                 f"({len(mean_days)} groups)"),
                ("review register summary sheet (all lines)", f"{t_summary.seconds * 1000:8.1f} ms  "
                 f"({len(summary)} rows)"),
                ("crr.complaint._crr_statistics()", f"{t_complaints.seconds * 1000:8.1f} ms  "
                 f"(closed {stats['closed']}, mean days to close {stats['mean_days_to_close']})"),
            ],
        )

        # -- query plans of the main list filters, as the users who open them ------------------------
        reviewer = reviewers["quality"]
        today = "2100-01-01"
        _explain(
            env, "To Review (reviewer: pending, current round, my departments, by deadline)",
            Line.with_user(reviewer),
            ["&", ("state", "=", "pending"), ("is_current_round", "=", True),
             "|", ("department_id.user_ids", "in", reviewer.id), ("substitute_user_ids", "in", [reviewer.id])],
            "deadline, id",
        )
        _explain(
            env, "Overdue review lines (pending, current round, deadline passed)",
            Line,
            [("state", "=", "pending"), ("is_current_round", "=", True), ("deadline", "<", today)],
            "deadline, id",
        )
        _explain(
            env, "Complaints: Open (default filter of the list)",
            Complaint.with_user(salesperson),
            [("state", "in", ("new", "acknowledged", "investigating", "action", "verification"))],
            "date_received desc, id desc",
        )
        _explain(
            env, "Complaints: Overdue and open",
            Complaint.with_user(salesperson),
            [("state", "in", ("new", "acknowledged", "investigating", "action", "verification")),
             ("is_overdue", "=", True)],
            "date_received desc, id desc",
        )
        _explain(
            env, "Quotations in review (review status)",
            env["sale.order"],
            [("review_state", "=", "in_review")],
            "date_order desc, id desc",
        )
        _explain(
            env, "Quotations to review or rejected (review status)",
            env["sale.order"],
            [("review_state", "in", ("to_review", "rejected")), ("state", "in", ("draft", "sent"))],
            "date_order desc, id desc",
        )


if __name__ == "__main__":
    main()
