"""The SQL queries of one order through our review (request, each decision, confirmation), each with the
frames of this repository's addons (and the last Odoo frame) that ran it: where the queries of a decision come
from. Not run by ``make bench`` (no figures); run it on the peer's benchmark database:

    BENCH=bench/trace_review_queries.py CRR_BENCH_WITH=peer make bench
    BENCH=bench/trace_review_queries.py CRR_BENCH_WITH=peer BENCH_ARGS="--reviewers 8 --phase decide" make bench
"""

import traceback

from bench_vs_tier_validation import Side, _codes, _quotations
from benchlib import environment, parse_args

import odoo.sql_db


def _extra(parser):
    parser.add_argument("--reviewers", type=int, default=1, help="reviewers of the order (1 or 8; default 1)")
    parser.add_argument("--lines", type=int, default=3, help="order lines per quotation (default 3)")
    parser.add_argument("--orders", type=int, default=1, help="unused (the bench's setup reads it)")
    parser.add_argument("--phase", default="", help="only this phase: request, decide, decide_<department code> or confirm")
    parser.add_argument("--stack", type=int, default=4, help="frames shown per query (default 4)")
    parser.add_argument("--first", action="store_true", help="trace the first order too (cold caches)")
    parser.add_argument("--peer", action="store_true",
                        help="trace the peer's path (request_validation, validate_tier) instead of ours")
    parser.add_argument("--peer-database", help="the peer's own database: traced with --peer")
    parser.add_argument("--peer-notify", action="store_true", help="the peer posts a message on acceptance")
    parser.add_argument("--inbox", action="store_true",
                        help="the salesperson handles notifications in Odoo (no e-mail for the final note)")


def _shorten(text):
    """The query's start and end (where a lock clause or a RETURNING shows)."""
    return text if len(text) <= 200 else f"{text[:140]} ... {text[-50:]}"


def _frames(depth):
    frames = []
    for frame in reversed(traceback.extract_stack()[:-3]):
        name = frame.filename
        if "/customer_requirement_review" in name or "/addons/" in name or "/odoo/orm/" in name:
            short = name.split("/customer_requirement_review/")[-1].split("/addons/")[-1].split("/odoo/")[-1]
            frames.append(f"{short}:{frame.lineno} {frame.name}")
        if len(frames) >= depth:
            break
    return " < ".join(frames)


class Tracer:
    def __init__(self, depth):
        self.depth = depth
        self.active = False
        self.queries = []
        self.original = odoo.sql_db.Cursor.execute

    def install(self):
        tracer = self

        def execute(cursor, query, params=None, log_exceptions=True):
            if tracer.active:
                text = query.code if hasattr(query, "code") else str(query)
                tracer.queries.append((_shorten(" ".join(text.split())), _frames(tracer.depth)))
            return tracer.original(cursor, query, params, log_exceptions)

        odoo.sql_db.Cursor.execute = execute

    def run(self, env, label, func, wanted):
        env.invalidate_all()
        self.queries = []
        self.active = not wanted or label.replace(" ", "_").startswith(wanted)
        func()
        env.cr.flush()
        self.active = False
        if self.queries:
            print(f"\n==== {label}: {len(self.queries)} queries")
            for i, (query, frames) in enumerate(self.queries, 1):
                print(f"{i:3}. {query}\n       {frames}")


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    args.reviewers = str(args.reviewers)
    if args.peer and args.peer_database:
        args.database = args.peer_database
    tracer = Tracer(args.stack)
    tracer.install()
    with environment(args) as env:
        side = Side(env, args, ours="crr.review.line" in env, peer="tier.definition" in env)
        salesperson, reviewers = side.salesperson, side.reviewers
        if args.inbox:
            salesperson.notification_type = "inbox"
        count = int(args.reviewers)
        side.mode("peer" if args.peer else "ours", count)
        # a first order warms the caches up (registry, templates), the second is traced
        for traced in (False, True):
            order = env["sale.order"].browse(_quotations(side, 1))
            env.flush_all()
            wanted = args.phase if traced or args.first else "nothing"
            if args.peer:
                tracer.run(env, "request", lambda o=order: o.with_user(salesperson).request_validation(), wanted)
                for code in _codes(count):
                    tracer.run(env, f"decide {code}",
                               lambda o=order, user=reviewers[code]: o.with_user(user).validate_tier(), wanted)
                tracer.run(env, "confirm", lambda o=order: o.with_user(salesperson).action_confirm(), wanted)
                continue
            tracer.run(env, "request", lambda o=order: o.with_user(salesperson).action_request_review(), wanted)
            for code in _codes(count):
                env.invalidate_all()
                line = order.review_line_ids.filtered(
                    lambda rl, c=code: rl.state == "pending" and rl.department_id.code == c
                )
                tracer.run(env, f"decide {code}",
                           lambda line=line, user=reviewers[code]: line.with_user(user).action_approve(), wanted)
            tracer.run(env, "confirm", lambda o=order: o.with_user(salesperson).action_confirm(), wanted)


if __name__ == "__main__":
    main()
