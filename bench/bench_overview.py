"""The overview (Sales > Reviews > Overview) at scale: 100,000 review lines and 20,000 complaints.

Generates the volume as bench_statistics.py does (SQL INSERT ... SELECT into the columns the ORM writes),
then times ``crr.overview.get_overview(period)`` -- the one server call the overview makes, every figure
a ``_read_group`` or an SQL aggregate -- as a review manager (all records, record rules applied), as a
reviewer and as the salesperson, each with an empty record cache, for the periods 30, 90 and 365 days;
and the data of the management review pack (the overview's figures plus open CAPA actions and decisions
needed). Target: under 1 s.

    BENCH=bench/bench_overview.py make bench
    BENCH=bench/bench_overview.py BENCH_ARGS="--lines 20000 --complaints 5000" make bench
"""

from bench_statistics import DEPARTMENT_CODES, _insert_orders, _insert_review_lines
from benchlib import Timer, copy_rows, environment, parse_args, report

from odoo.fields import Command

COMPLAINT_STATE = (
    "CASE WHEN g %% 100 < 85 THEN 'closed' WHEN g %% 100 < 88 THEN 'cancelled' WHEN g %% 100 < 90 THEN 'rejected' "
    "WHEN g %% 100 < 93 THEN 'new' WHEN g %% 100 < 95 THEN 'investigating' WHEN g %% 100 < 98 THEN 'action' "
    "ELSE 'verification' END"
)
RECEIVED = "now() - (g %% 720) * interval '1 day'"


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="review lines (default 100000)")
    parser.add_argument("--complaints", type=int, default=20_000, help="complaints (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each call; the best is reported")


def _insert_complaints(env, count, partner, departments, owner):
    """``count`` complaints copied from one the ORM created (every column the models require is filled)."""
    template = env["crr.complaint"].create({"subject": "Bench template", "partner_id": partner.id,
                                            "user_id": owner.id, "department_id": departments[0].id})
    env.flush_all()
    overrides = {
        "name": "'BENCH-OV/' || lpad(g::text, 6, '0')",
        "subject": "'Complaint ' || g",
        "category": "(ARRAY['quality', 'delivery', 'quantity', 'packaging', 'documentation', 'service', 'price', "
                    "'other'])[g %% 8 + 1]",
        "severity": "(ARRAY['minor', 'minor', 'major', 'critical'])[g %% 4 + 1]",
        "cause_category": "(ARRAY['man', 'machine', 'material', 'method', 'measurement', 'environment'])[g %% 6 + 1]",
        "cost": "(g %% 50) * 10.0",
        "state": COMPLAINT_STATE,
        "date_received": RECEIVED,
        "ack_deadline": f"{RECEIVED} + interval '8 hours'",
        "close_deadline": f"{RECEIVED} + interval '15 days'",
        "closed_date": f"CASE WHEN g %% 100 < 85 THEN {RECEIVED} + (g %% 30) * interval '1 day' END",
        "days_to_close": "CASE WHEN g %% 100 < 85 THEN (g %% 30)::float END",
        "department_id": "(%(deps)s::int[])[g %% array_length(%(deps)s::int[], 1) + 1]",
    }
    return len(copy_rows(env.cr, "crr_complaint", overrides, template.id, count,
                         {"deps": [d.id for d in departments]}))


def generate(env, n_lines, n_complaints):
    """A salesperson, one reviewer per department, orders, review lines (bench_statistics.py's) and
    complaints."""
    departments = env["crr.department"].browse(
        [env.ref(f"customer_requirement_review.crr_department_{code}").id for code in DEPARTMENT_CODES]
    )
    users = env["res.users"].with_context(no_reset_password=True)
    salesperson = users.create({"name": "Bench Salesperson", "login": "crr_bench_ov_sales",
                                "group_ids": [Command.set([env.ref("sales_team.group_sale_salesman").id])]})
    reviewer_group = env.ref("customer_requirement_review.group_crr_reviewer")
    reviewers = {}
    for department in departments:
        reviewers[department.code] = users.create(
            {"name": f"Bench Reviewer {department.code}", "login": f"crr_bench_ov_rev_{department.code}",
             "group_ids": [Command.set([reviewer_group.id])]})
        department.user_ids = [Command.link(reviewers[department.code].id)]
    partner = env["res.partner"].create({"name": "Bench Customer", "user_id": salesperson.id})
    with Timer("generate") as timer:
        order_ids = _insert_orders(env, -(-n_lines // len(departments)), salesperson, partner)
        _insert_review_lines(env, order_ids, n_lines, departments, reviewers, salesperson)
        _insert_complaints(env, n_complaints, partner, departments, salesperson)
        env.cr.execute("ANALYZE sale_order; ANALYZE crr_review_line; ANALYZE crr_complaint")
    return {"reviewers": reviewers, "salesperson": salesperson, "seconds": timer.seconds}


def _time(env, user, period, runs):
    best = None
    for _run in range(runs):
        env.invalidate_all()
        with Timer("overview") as timer:
            data = env["crr.overview"].with_user(user).get_overview(period)
        best = timer.seconds if best is None else min(best, timer.seconds)
    cards = sum(len(section["cards"]) for section in data["sections"])
    return best, cards


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    with environment(args) as env:
        data = generate(env, args.lines, args.complaints)
        manager = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Review Manager", "login": "crr_bench_overview_manager",
            "group_ids": [Command.set([env.ref("customer_requirement_review.group_crr_manager").id])],
        })
        reviewer = data["reviewers"]["quality"]
        salesperson = data["salesperson"]
        env.cr.execute("SELECT count(*) FROM crr_review_line")
        total_lines = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM crr_complaint")
        total_complaints = env.cr.fetchone()[0]
        rows = [("generation (SQL INSERT ... SELECT)", f"{data['seconds']:8.2f} s")]
        for label, user in (("review manager", manager), ("reviewer", reviewer), ("salesperson", salesperson)):
            for period in (30, 90, 365):
                seconds, cards = _time(env, user, period, args.runs)
                verdict = "within" if seconds < 1.0 else "ABOVE"
                rows.append((f"get_overview({period}) as {label}",
                             f"{seconds * 1000:8.1f} ms  ({cards} cards; {verdict} the 1 s target)"))
        wizard = env["crr.management.review.wizard"].with_user(manager).create({})
        env.invalidate_all()
        with Timer("pack") as pack:
            pack_data = wizard._crr_pack_data()
        rows.append(("management review pack data (period: the year)",
                     f"{pack.seconds * 1000:8.1f} ms  ({len(pack_data['decisions'])} decisions needed)"))
        report(f"Overview at scale: {total_lines} review lines, {total_complaints} complaints", rows)


if __name__ == "__main__":
    main()
