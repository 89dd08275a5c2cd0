"""Cost of the requirement review on the order desk.

For N quotations (default 1,000) of the same kind (a known customer, three products, regular contract not
in stock: sales, production and procurement review), in one run:

(a) review path: the salesperson requests the review, each department's reviewer (a real user, not the
    requester: four-eyes) approves its line, the salesperson confirms;
(b) plain path: the same kind of quotations confirmed with the review turned off (company review mode
    'off').

Prints per-order times of request, decisions and confirm, both totals, and the ratio of the review path's
non-decision cost (request + confirm) to the plain confirmation. Target: at most 2x plain confirmation per
order, plus the decisions themselves.

    BENCH=bench/bench_review_overhead.py BENCH_ARGS="--orders 200" make bench
    BENCH=bench/bench_review_overhead.py BENCH_ARGS="--orders 100 --profile request" make bench
"""

import cProfile
import pstats
import statistics
import time

from benchlib import Timer, environment, max_rss_mib, parse_args, report

from odoo.fields import Command

DEPARTMENTS = ("sales", "production", "procurement")
TARGET_RATIO = 2.0
ANALYZE_EVERY = 200  # orders of each path between two refreshes of the planner's statistics


def _extra(parser):
    parser.add_argument("--orders", type=int, default=1000, help="quotations per path (default 1000)")
    parser.add_argument("--lines", type=int, default=3, help="order lines per quotation (default 3)")
    parser.add_argument(
        "--block", type=int, default=25, help="orders per block of each path when interleaving (default 25)"
    )
    parser.add_argument(
        "--profile", choices=("request", "decide", "confirm", "plain"), default=None,
        help="print a cProfile of one phase (top 25 by cumulative time)",
    )


def _setup(env, args):
    company = env.company
    company.write({"crr_review_mode": "all", "crr_four_eyes": True, "crr_block_unreviewed_send": True})
    users = env["res.users"].with_context(no_reset_password=True)
    salesperson = users.create(
        {
            "name": "Bench Salesperson",
            "login": "crr_bench_sales",
            "group_ids": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
        }
    )
    reviewer_group = env.ref("customer_requirement_review.group_crr_reviewer")
    reviewers = {}
    for code in DEPARTMENTS:
        department = env.ref(f"customer_requirement_review.crr_department_{code}")
        reviewers[code] = users.create(
            {"name": f"Bench Reviewer {code}", "login": f"crr_bench_rev_{code}",
             "group_ids": [Command.set([reviewer_group.id])]}
        )
        department.user_ids = [Command.link(reviewers[code].id)]
    customer = env["res.partner"].create({"name": "Bench Customer"})
    products = env["product.product"].create(
        [
            {"name": f"Bench Part {i}", "type": "consu", "list_price": 100.0, "standard_price": 40.0}
            for i in range(args.lines)
        ]
    )
    # sales history: the customer already bought these products (no new product, not a first order)
    company.crr_review_mode = "off"
    history = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products],
        }
    )
    history.action_confirm()
    company.crr_review_mode = "all"
    return salesperson, reviewers, customer, products


def _quotations(env, salesperson, customer, products, count):
    return env["sale.order"].with_user(salesperson).create(
        [
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": 2 + (i % 5)}) for p in products
                ],
            }
            for i in range(count)
        ]
    )


class Phase:
    """Accumulated time and queries of one phase, optionally profiled."""

    def __init__(self, name, profile):
        self.name = name
        self.seconds = 0.0
        self.queries = 0
        self.samples = []  # seconds of each call, for the median
        self.profiler = cProfile.Profile() if profile == name else None

    def run(self, env, func):
        # every phase is a request of its own: it starts with an empty record cache and ends as a request
        # does before its commit, with the writes flushed and the pre-commit hooks run (tracking messages)
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        if self.profiler:
            self.profiler.enable()
        func()
        env.cr.flush()
        if self.profiler:
            self.profiler.disable()
        elapsed = time.perf_counter() - start
        self.seconds += elapsed
        self.samples.append(elapsed)
        self.queries += env.cr.sql_log_count - queries

    def median_per_order(self, calls_per_order=1):
        """Median time of one order in this phase (sum of its calls), in seconds."""
        per_order = [
            sum(self.samples[i:i + calls_per_order]) for i in range(0, len(self.samples), calls_per_order)
        ]
        return statistics.median(per_order) if per_order else 0.0

    def print_profile(self):
        if self.profiler:
            print(f"\n== cProfile of phase {self.name!r} (top 25, cumulative)")
            stats = pstats.Stats(self.profiler)
            stats.sort_stats("cumulative").print_stats(25)
            stats.dump_stats(f"/tmp/crr_bench_{self.name}.pstats")


def _review_one(env, order, salesperson, reviewers, phases):
    phases["request"].run(env, lambda: order.with_user(salesperson).action_request_review())
    # step by step, as the departments' lines open (the rules may ask some departments after others)
    while True:
        env.invalidate_all()
        pending = order._crr_round_lines().filtered(lambda line: line.state == "pending")
        if not pending:
            break
        for line in pending:
            reviewer = reviewers[line.department_id.code]
            phases["decide"].run(env, lambda line=line, reviewer=reviewer: line.with_user(reviewer).action_approve())
    phases["confirm"].run(env, lambda: order.with_user(salesperson).action_confirm())
    assert order.state == "sale" and order.review_state == "approved", (order.name, order.review_state)


def _plain_one(env, order, salesperson, phases):
    phases["plain"].run(env, lambda: order.with_user(salesperson).action_confirm())
    assert order.state == "sale", order.name


def _analyze(env):
    """Refresh the planner's statistics, as autovacuum does on a live database (not timed).

    The benchmark runs in one transaction that is rolled back: without it, PostgreSQL would plan the
    queries of the last orders with the table sizes of an empty database. ANALYZE counts the rows this
    transaction inserted.
    """
    env.flush_all()
    env.cr.execute("ANALYZE")


def _run(env, reviewed, plain, salesperson, reviewers, phases, block):
    """Both paths interleaved by blocks of ``block`` orders, so that the load of the machine weighs on both
    alike.

    The review mode is a company setting read at each call: (a) runs with 'all', (b) with 'off'. It is
    switched once per block, not per order: every switch is an UPDATE of the company row, and in the single
    transaction of the benchmark thousands of dead versions of that row would slow every later read of the
    company (on a live database the setting does not change between orders).
    """
    company = env.company
    Order = env["sale.order"]
    pairs = list(zip(reviewed.ids, plain.ids, strict=True))
    for start in range(0, len(pairs), block):
        if start and start % ANALYZE_EVERY < block:
            _analyze(env)
        chunk = pairs[start:start + block]
        company.crr_review_mode = "all"
        for order_id, _plain_id in chunk:
            # one order per request: browse it alone, so that reads do not prefetch the other quotations
            _review_one(env, Order.browse(order_id), salesperson, reviewers, phases)
        company.crr_review_mode = "off"
        for _order_id, plain_id in chunk:
            _plain_one(env, Order.browse(plain_id), salesperson, phases)
    company.crr_review_mode = "all"
    env.flush_all()


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    with environment(args) as env:
        with Timer("setup") as setup:
            salesperson, reviewers, customer, products = _setup(env, args)
            reviewed = _quotations(env, salesperson, customer, products, args.orders)
            plain = _quotations(env, salesperson, customer, products, args.orders)
            warm_review = _quotations(env, salesperson, customer, products, 5)
            warm_plain = _quotations(env, salesperson, customer, products, 5)
            # the quotations were saved in earlier requests: their creation is logged, and later changes are
            # tracked (Odoo does not track changes to a record created in the same transaction)
            env.cr.flush()
            env.invalidate_all()
            _analyze(env)
        phases = {name: Phase(name, args.profile) for name in ("request", "decide", "confirm", "plain")}
        # warm-up of both paths (registry caches, templates), not counted
        warm = {name: Phase(name, None) for name in phases}
        _run(env, warm_review, warm_plain, salesperson, reviewers, warm, args.block)
        _run(env, reviewed, plain, salesperson, reviewers, phases, args.block)
        review_seconds = phases["request"].seconds + phases["decide"].seconds + phases["confirm"].seconds
        plain_seconds = phases["plain"].seconds
        n = args.orders
        decisions = n * len(DEPARTMENTS)

        def per_order(seconds):
            return f"{seconds / n * 1000:8.1f} ms/order"

        non_decision = phases["request"].seconds + phases["confirm"].seconds
        ratio = non_decision / phases["plain"].seconds if phases["plain"].seconds else float("inf")
        median_plain = phases["plain"].median_per_order()
        median_ratio = (
            (phases["request"].median_per_order() + phases["confirm"].median_per_order()) / median_plain
            if median_plain else float("inf")
        )
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"

        def median(name, calls=1):
            return f"{phases[name].median_per_order(calls) * 1000:8.1f} ms median"

        def queries(name):
            return f"{phases[name].queries / n:8.1f} queries/order"

        report(
            f"Review overhead: {n} quotations x {args.lines} lines, {len(DEPARTMENTS)} departments "
            f"({decisions} decisions)",
            [
                ("setup (batch create, not timed below)", f"{setup.seconds:8.1f} s"),
                ("(a) request review", f"{per_order(phases['request'].seconds)}  {median('request')}  "
                 f"{queries('request')}"),
                ("(a) decisions (3 approvals)", f"{per_order(phases['decide'].seconds)}  "
                 f"{median('decide', len(DEPARTMENTS))}  {queries('decide')}"),
                ("(a)   per decision", f"{phases['decide'].seconds / decisions * 1000:8.1f} ms/decision"),
                ("(a) confirm", f"{per_order(phases['confirm'].seconds)}  {median('confirm')}  {queries('confirm')}"),
                ("(a) total review path", f"{review_seconds:8.1f} s  ({per_order(review_seconds)})"),
                ("(b) plain confirm (review off)", f"{per_order(phases['plain'].seconds)}  {median('plain')}  "
                 f"{queries('plain')}"),
                ("(b) total plain path", f"{plain_seconds:8.1f} s  ({per_order(plain_seconds)})"),
                ("ratio (request + confirm) / plain confirm", f"{ratio:8.2f}x  (target <= {TARGET_RATIO:g}x "
                 f"plus the decisions: {verdict})"),
                ("same ratio of the medians", f"{median_ratio:8.2f}x"),
                ("max RSS", f"{max_rss_mib():8.0f} MiB"),
            ],
        )
        for phase in phases.values():
            phase.print_profile()


if __name__ == "__main__":
    main()
