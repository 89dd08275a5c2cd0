"""Our requirement review against OCA's tier validation (base_tier_validation + sale_tier_validation).

The same kind of quotations (a known customer, three products) go, interleaved in one run, through:

(a) ours: the salesperson requests the review, each department's reviewer approves its line (the general
    manager last: its line opens when the others are approved), the salesperson confirms;
(b) peer: the salesperson requests the validation (``request_validation``), each reviewer validates
    (``validate_tier``; the general manager's tier last, with ``approve_sequence``), the salesperson confirms;
(c) plain: the salesperson confirms, with neither review active.

Each scenario runs with 1 reviewer (sales) and with 8 (the seven departments, then the general manager).
By default both modules are installed in the benchmark database: a block of our path runs with the
company's review mode 'all' and the peer's tier definitions archived, a block of the peer's path with the
review mode 'off' and the definitions active, a block of the plain path with both off; each path then pays
the other module's overrides (the peer checks its reviews on every write of a sale order).
With ``--peer-database`` each product runs in a database of its own, as a company installs one of them:
ours and the plain path in ``--database`` (the addon alone), the peer's in the other (the addon's
dependencies and the peer), interleaved block by block in the same process.
Every call is timed as a request: empty record cache at the start, writes flushed and pre-commit hooks
(tracking messages) run at the end. The first order of each block of each path is not measured (``--warm``):
it follows the switch of the path, a configuration write that clears Odoo's caches on our side.

Prints per phase the mean and median time and the queries, the whole order, and the ratios ours/peer; and
how many decisions wrote a row that other orders share (the customer's partner, the company).

    BENCH=bench/bench_vs_tier_validation.py CRR_BENCH_WITH=peer make bench
    BENCH=bench/bench_vs_tier_validation.py CRR_BENCH_WITH=peer BENCH_ARGS="--orders 50 --runs 1" make bench
    CRR_BENCH_WITH=peer_apart make bench   (each product in its own database)
    CRR_BENCH_WITH=peer_apart BENCH_ARGS="--orders 20 --runs 3 --history 220000" make bench   (with the reviews
        of 27,500 past orders in each product's table: a company after a few years)
"""

import contextlib
import statistics
import time

from benchlib import copy_rows, environment, max_rss_mib, parse_args, report

import odoo
from odoo.fields import Command
from odoo.modules.registry import Registry

DEPARTMENTS = (
    "sales", "technical", "quality", "production", "procurement", "logistics", "finance", "general_manager",
)
PATHS = ("ours", "peer", "plain")


def _extra(parser):
    parser.add_argument("--orders", type=int, default=200, help="quotations per path, scenario and run (200)")
    parser.add_argument("--runs", type=int, default=3, help="runs of every scenario (default 3)")
    parser.add_argument("--block", type=int, default=20, help="orders per block of each path (default 20)")
    parser.add_argument(
        "--warm", type=int, default=1,
        help="orders of each path run unmeasured at the start of each of its blocks, once the path is switched "
        "on (default 1; 0: none)",
    )
    parser.add_argument("--lines", type=int, default=3, help="order lines per quotation (default 3)")
    parser.add_argument(
        "--reviewers", default="1,8", help="scenarios: numbers of reviewers, comma separated (default 1,8)"
    )
    parser.add_argument(
        "--peer-database", help="run the peer in this database (its own: the peer without the addon)"
    )
    parser.add_argument(
        "--history", type=int, default=0,
        help="past reviews in each database before the runs: this many approved review lines (ours) and tier "
        "reviews (peer), 8 per confirmed order of another customer, written by SQL (default 0)",
    )
    parser.add_argument(
        "--peer-notify", action="store_true",
        help="the peer's tiers post an acceptance message in the order's chatter and notify its followers "
        "subscribed to acceptances (notify_on_accepted; off at its defaults, where a decision leaves no chatter "
        "trace)",
    )


class Phase:
    """Times (one sample per call) and queries of one phase of one path."""

    def __init__(self):
        self.samples = []
        self.queries = 0

    def run(self, env, func):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        func()
        env.cr.flush()
        self.samples.append(time.perf_counter() - start)
        self.queries += env.cr.sql_log_count - queries


class Scenario:
    def __init__(self, reviewers):
        self.reviewers = reviewers
        self.phases = {(path, name): Phase() for path in PATHS for name in ("request", "decide", "confirm")}
        self.orders = {path: [] for path in PATHS}  # seconds and queries of each whole order
        self.shared_row_writes = {path: 0 for path in PATHS}
        self.decisions = {path: 0 for path in PATHS}


class Side:
    """One database of the run: its environment, users, customer and products, and the review of each path
    that runs in it (ours: rules of the addon; peer: tier definitions)."""

    def __init__(self, env, args, ours, peer):
        self.env = env
        self.ours, self.peer = ours, peer
        company = env.company
        if ours:
            company.write({"crr_review_mode": "off", "crr_four_eyes": True})
        users = env["res.users"].with_context(no_reset_password=True)
        self.salesperson = users.create(
            {"name": "Bench Salesperson", "login": "crr_bench_peer_salesperson",
             "group_ids": [Command.set([env.ref("sales_team.group_sale_salesman").id])]}
        )
        groups = [env.ref("sales_team.group_sale_salesman_all_leads").id]
        if ours:
            groups.append(env.ref("customer_requirement_review.group_crr_reviewer").id)
        self.reviewers = {}
        departments = {}
        for code in DEPARTMENTS:
            self.reviewers[code] = users.create(
                {"name": f"Bench Peer Reviewer {code}", "login": f"crr_bench_peer_{code}",
                 "group_ids": [Command.set(groups)]}
            )
            if ours:
                department = env["crr.department"].search(
                    [("company_id", "=", company.id), ("code", "=", code)], limit=1
                )
                assert department, f"no department {code} in {company.name}"
                department.user_ids = [Command.set(self.reviewers[code].ids)]
                departments[code] = department
        self.customer, self.products, self.rules, self.definitions = _setup_data(
            env, args, departments, self.reviewers, ours, peer
        )

    def mode(self, path, count):
        """Turn the review of ``path`` on and the other off in this database."""
        env = self.env
        if self.ours:
            env.company.crr_review_mode = "all" if path == "ours" else "off"
            self.rules[count].active = path == "ours"
        if self.peer:
            self.definitions[count].write({"active": path == "peer"})
        env.flush_all()


def _setup_data(env, args, departments, reviewers, ours, peer):
    company = env.company
    customer = env["res.partner"].create({"name": "Bench Peer Customer"})
    products = env["product.product"].create(
        [{"name": f"Bench Peer Part {i}", "type": "consu", "list_price": 100.0, "standard_price": 40.0}
         for i in range(args.lines)]
    )
    history = env["sale.order"].create(
        {"partner_id": customer.id,
         "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products]}
    )
    history.action_confirm()
    rules, definitions = {}, {}
    model = env["ir.model"]._get("sale.order")
    if ours:
        # our rules: only the bench's, one per scenario (archived until its scenario runs)
        env["crr.review.rule"].search([("company_id", "=", company.id)]).active = False
    for count in _scenarios(args):
        codes = _codes(count)
        if ours:
            rules[count] = env["crr.review.rule"].create(
                {"name": f"Bench {count}", "domain": "[]", "company_id": company.id, "active": False,
                 "contract_type": "special" if count > 1 else "regular",
                 "department_ids": [Command.set([departments[c].id for c in codes])]}
            )
        if peer:
            # the peer: one tier per reviewer; the general manager's comes last (lowest sequence: highest
            # review sequence) and waits for the others (approve_sequence)
            definitions[count] = env["tier.definition"].create(
                [{"name": f"Bench {count} {code}", "model_id": model.id, "review_type": "individual",
                  "reviewer_id": reviewers[code].id, "company_id": company.id, "active": False,
                  "sequence": 10 if code == "general_manager" else 100 + i,
                  "approve_sequence": code == "general_manager", "notify_on_accepted": args.peer_notify}
                 for i, code in enumerate(codes)]
            )
    return customer, products, rules, definitions


def _history(side, count):
    """The past of a company that has used the review for a while: ``count`` approved reviews, 8 per order, on
    confirmed orders of another customer (copies of one quotation's row), in the review's own table of each
    product: ours, review lines; the peer's, tier reviews. Written by SQL, rolled back with the run."""
    env, cr = side.env, side.env.cr
    per_order = len(DEPARTMENTS)
    customer = env["res.partner"].create({"name": "Bench History Customer"})
    template = _quotations(side, 1)[0]
    env.flush_all()
    orders = copy_rows(
        cr, "sale_order",
        {"name": "'HISTORY/' || g", "access_token": "NULL", "state": "'sale'", "partner_id": "%(customer)s",
         "partner_invoice_id": "%(customer)s", "partner_shipping_id": "%(customer)s"},
        template, max(count // per_order, 1), params={"customer": customer.id},
    )
    count = len(orders) * per_order
    if side.ours:
        departments = [
            env["crr.department"].search([("company_id", "=", env.company.id), ("code", "=", code)], limit=1).id
            for code in DEPARTMENTS
        ]
        cr.execute(
            """INSERT INTO crr_review_line (department_id, round, state, escalation_level, order_id, company_id,
                                            sequence, reviewer_id, decision_date, create_uid, create_date,
                                            write_uid, write_date)
               SELECT (%(departments)s::int[])[1 + g %% %(n)s], 0, 'approved', 'none',
                      (%(orders)s::int[])[1 + g / %(n)s], %(company)s, 10, %(uid)s, now(), %(uid)s, now(), %(uid)s,
                      now()
                 FROM generate_series(0, %(last)s) g""",
            {"departments": departments, "n": per_order, "orders": orders, "company": env.company.id,
             "uid": env.uid, "last": count - 1},
        )
    if side.peer:
        definitions = side.definitions[max(side.definitions)].ids
        cr.execute(
            """INSERT INTO tier_review (model, res_id, definition_id, company_id, sequence, status, requested_by,
                                        done_by, reviewed_date, can_review, create_uid, create_date, write_uid,
                                        write_date)
               SELECT 'sale.order', (%(orders)s::int[])[1 + g / %(n)s],
                      (%(definitions)s::int[])[1 + g %% %(d)s], %(company)s, 1 + g %% %(n)s, 'approved', %(uid)s,
                      %(uid)s, now(), false, %(uid)s, now(), %(uid)s, now()
                 FROM generate_series(0, %(last)s) g""",
            {"orders": orders, "n": per_order, "definitions": definitions, "d": len(definitions),
             "company": env.company.id, "uid": env.uid, "last": count - 1},
        )
    return count


def _scenarios(args):
    return [int(n) for n in args.reviewers.split(",")]


def _codes(count):
    if count == 1:
        return ("sales",)
    if count == len(DEPARTMENTS):
        return DEPARTMENTS
    return DEPARTMENTS[:count - 1] + ("general_manager",)


def _quotations(side, count):
    orders = side.env["sale.order"].with_user(side.salesperson).create(
        [{"partner_id": side.customer.id, "user_id": side.salesperson.id,
          "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 2 + (i % 5)})
                         for p in side.products]}
         for i in range(count)]
    )
    return orders.ids


def _shared_rows(side):
    side.env.cr.execute(
        "SELECT (SELECT ctid::text FROM res_partner WHERE id = %s), (SELECT ctid::text FROM res_company WHERE id = %s)",
        [side.customer.id, side.env.company.id],
    )
    return side.env.cr.fetchone()


def _decide(side, scenario, path, func):
    before = _shared_rows(side)
    scenario.phases[(path, "decide")].run(side.env, func)
    scenario.decisions[path] += 1
    if _shared_rows(side) != before:
        scenario.shared_row_writes[path] += 1


def _ours(side, order, scenario):
    phases, env, salesperson = scenario.phases, side.env, side.salesperson
    phases[("ours", "request")].run(env, lambda: order.with_user(salesperson).action_request_review())
    for code in _codes(scenario.reviewers):
        env.invalidate_all()
        line = order.review_line_ids.filtered(
            lambda line, code=code: line.state == "pending" and line.department_id.code == code
        )
        assert len(line) == 1, (order.name, code, order.review_line_ids.mapped("state"))
        _decide(side, scenario, "ours",
                lambda line=line, user=side.reviewers[code]: line.with_user(user).action_approve())
    phases[("ours", "confirm")].run(env, lambda: order.with_user(salesperson).action_confirm())
    assert order.state == "sale" and order.review_state == "approved", (order.name, order.review_state)


def _peer(side, order, scenario):
    phases, env, salesperson = scenario.phases, side.env, side.salesperson
    phases[("peer", "request")].run(env, lambda: order.with_user(salesperson).request_validation())
    for code in _codes(scenario.reviewers):
        _decide(side, scenario, "peer", lambda user=side.reviewers[code]: order.with_user(user).validate_tier())
    phases[("peer", "confirm")].run(env, lambda: order.with_user(salesperson).action_confirm())
    assert order.state == "sale" and order.validation_status == "validated", (order.name, order.validation_status)


def _plain(side, order, scenario):
    scenario.phases[("plain", "confirm")].run(side.env, lambda: order.with_user(side.salesperson).action_confirm())
    assert order.state == "sale", order.name


def _order(side, path, order, scenario):
    {"ours": _ours, "peer": _peer, "plain": _plain}[path](side, order, scenario)


def _whole(scenario, path, calls_before, queries_before):
    """Record the whole order: the samples its calls added to the path's phases."""
    seconds = sum(sum(scenario.phases[(path, n)].samples[calls_before[n]:]) for n in ("request", "decide", "confirm"))
    queries = sum(scenario.phases[(path, n)].queries for n in ("request", "decide", "confirm")) - queries_before
    scenario.orders[path].append((seconds, queries))


def _snapshot(scenario, path):
    calls = {n: len(scenario.phases[(path, n)].samples) for n in ("request", "decide", "confirm")}
    queries = sum(scenario.phases[(path, n)].queries for n in ("request", "decide", "confirm"))
    return calls, queries


def _analyze(side, everything=False):
    """Refresh the planner's statistics of the tables the orders fill (of every table of the database with
    ``everything``: its own tables, not the catalogs shared by the databases, which two open transactions, one
    per database, would lock against each other)."""
    cr = side.env.cr
    if everything:
        cr.execute("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cr.fetchall()]
    else:
        tables = ["sale_order", "sale_order_line", "mail_message", "mail_activity"]
        if side.ours:
            tables.append("crr_review_line")
        if side.peer:
            tables.append("tier_review")
    side.env.flush_all()
    cr.execute(f"ANALYZE {', '.join(tables)}")


def _blocks(args):
    return range(0, args.orders, args.block)


def _quotation_count(args):
    """The quotations each path needs: the measured ones and the unmeasured first ones of each block."""
    return args.orders + args.warm * len(_blocks(args))


def _run(args, scenario, ids, sides):
    """The orders of each path, block by block. The first ``args.warm`` orders of each block are not measured:
    switching a path on is a configuration write, and ours (as any change of review rules) clears Odoo's caches,
    which the next request reads again, where the peer's clears none; measured, they would count the harness's
    switches, which a company does not make between its orders."""
    count = scenario.reviewers
    for block, start in enumerate(_blocks(args)):
        for path in PATHS:
            side = sides[path]
            side.mode(path, count)
            first = args.orders + block * args.warm
            for order_id in ids[path][first:first + args.warm]:
                _order(side, path, side.env["sale.order"].browse(order_id), Scenario(count))
            for order_id in ids[path][start:min(start + args.block, args.orders)]:
                order = side.env["sale.order"].browse(order_id)
                calls, queries = _snapshot(scenario, path)
                _order(side, path, order, scenario)
                _whole(scenario, path, calls, queries)
        for side in set(sides.values()):
            _analyze(side)
    for side in set(sides.values()):
        side.mode("plain", count)


def _fmt(samples, queries, calls):
    if not samples:
        return "-"
    mean = sum(samples) / len(samples) * 1000
    median = statistics.median(samples) * 1000
    return f"{mean:7.1f} ms mean {median:7.1f} ms median {queries / calls:6.1f} q"


def _report(args, scenario):
    rows = []
    ratios = {}
    for name in ("request", "decide", "confirm"):
        for path in PATHS:
            phase = scenario.phases[(path, name)]
            if phase.samples:
                rows.append((f"{path:5} {name}", _fmt(phase.samples, phase.queries, len(phase.samples))))
        ours, peer = scenario.phases[("ours", name)], scenario.phases[("peer", name)]
        if ours.samples and peer.samples:
            ratios[name] = (
                (sum(ours.samples) / len(ours.samples)) / (sum(peer.samples) / len(peer.samples)),
                (ours.queries / len(ours.samples)) / (peer.queries / len(peer.samples)),
            )
    for path in PATHS:
        seconds = [s for s, _q in scenario.orders[path]]
        queries = sum(q for _s, q in scenario.orders[path])
        rows.append((f"{path:5} whole order", _fmt(seconds, queries, len(seconds))))
    whole = {path: scenario.orders[path] for path in PATHS}
    mean = {p: sum(s for s, _q in whole[p]) / len(whole[p]) for p in PATHS}
    mean_q = {p: sum(q for _s, q in whole[p]) / len(whole[p]) for p in PATHS}
    ratios["whole order"] = (mean["ours"] / mean["peer"], mean_q["ours"] / mean_q["peer"])
    for name, (time_ratio, query_ratio) in ratios.items():
        verdict = "met" if time_ratio <= 1.0 and query_ratio <= 1.0 else "MISSED"
        rows.append((f"ours/peer {name}", f"{time_ratio:5.2f}x time  {query_ratio:5.2f}x queries  (target <= 1.0: {verdict})"))
    def phase_mean(path, name):
        samples = scenario.phases[(path, name)].samples
        return sum(samples) / len(samples)

    overhead = (phase_mean("ours", "request") + phase_mean("ours", "confirm")) / phase_mean("plain", "confirm")
    rows.append(("ours (request + confirm) / plain confirm", f"{overhead:5.2f}x  (target <= 2x)"))
    for path in ("ours", "peer"):
        rows.append((f"{path:5} decisions writing a shared row",
                     f"{scenario.shared_row_writes[path]} of {scenario.decisions[path]} (customer's partner, company)"))
    report(f"{scenario.reviewers} reviewer(s), {len(whole['ours'])} quotations per path x {args.lines} lines", rows)
    return ratios


@contextlib.contextmanager
def _peer_environment(args, env):
    """The peer's side: in the benchmark database, or in ``--peer-database`` (rolled back too)."""
    if not args.peer_database:
        yield env
        return
    registry = Registry(args.peer_database)
    with registry.cursor() as cr:
        peer_env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(env.context))
        try:
            yield peer_env
        finally:
            cr.rollback()


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    with environment(args) as env, _peer_environment(args, env) as peer_env:
        assert "tier.definition" in peer_env, "the peer (sale_tier_validation) is not installed in its database"
        apart = peer_env is not env
        if apart:
            assert "tier.definition" not in env, "the peer is installed in our database: not apart"
            assert "crr.review.line" not in peer_env, "the addon is installed in the peer's database: not apart"
            ours = Side(env, args, ours=True, peer=False)
            peer = Side(peer_env, args, ours=False, peer=True)
        else:
            ours = peer = Side(env, args, ours=True, peer=True)
        sides = {"ours": ours, "peer": peer, "plain": ours}
        if args.history:
            for side in set(sides.values()):
                written = _history(side, args.history)
            print(f"history: {written} past reviews in each database, 8 per confirmed order")
        print(f"databases: ours and plain in {env.cr.dbname}, the peer in {peer_env.cr.dbname}; the peer "
              f"{'posts' if args.peer_notify else 'does not post'} a message on acceptance")
        all_ratios = {}
        for run in range(args.runs + 1):  # run 0 warms up (registry caches, templates): not reported
            for count in _scenarios(args):
                n = args.orders if run else min(args.orders, 10)
                local = argparse_copy(args, orders=n)
                ids = {path: _quotations(sides[path], _quotation_count(local)) for path in PATHS}
                for side in set(sides.values()):
                    side.env.cr.flush()
                    side.env.invalidate_all()
                    _analyze(side, everything=True)
                scenario = Scenario(count)
                _run(local, scenario, ids, sides)
                if run:
                    print(f"\n#### run {run}")
                    all_ratios.setdefault(count, []).append(_report(local, scenario))
        summary = []
        for count, runs in all_ratios.items():
            for name in ("decide", "whole order"):
                times = ", ".join(f"{r[name][0]:.2f}" for r in runs)
                queries = ", ".join(f"{r[name][1]:.2f}" for r in runs)
                summary.append((f"{count} reviewer(s) {name}", f"time ours/peer {times}; queries {queries}"))
        summary.append(("max RSS", f"{max_rss_mib():.0f} MiB"))
        report("Summary over the runs (ratios ours/peer, target <= 1.0)", summary)


def argparse_copy(args, **changes):
    copy = type(args)(**vars(args))
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


if __name__ == "__main__":
    main()
