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

from bench_statistics import generate
from benchlib import Timer, environment, parse_args, report

from odoo.fields import Command


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="review lines (default 100000)")
    parser.add_argument("--complaints", type=int, default=20_000, help="complaints (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each call; the best is reported")


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
