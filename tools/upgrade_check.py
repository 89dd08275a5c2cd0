"""Snapshot and comparison of the upgrade test (tools/upgrade_test.sh).

    upgrade_check.py snapshot --dsn DSN --out before.json
    upgrade_check.py compare before.json after.json [--mapping tools/upgrade_mapping.json]

The snapshot reads the database with plain SQL (no Odoo): counts of the records a customer cannot lose
(orders, review lines per state, decisions, change requests, complaints and their actions, satisfaction
answers and criterion scores) and a checksum of the decisions (line id, state, reviewer, decision date,
opinion). The comparison prints one table and exits 1 when a figure differs.

A migration that deliberately maps values (a state renamed, an opinion moved to another column) declares
it in the mapping file, so that the comparison expects the mapped figure instead of the old one:

    {
      "value_maps": {"review_line_state": {"waiting": "pending"}},
      "after_queries": {"decisions": "SELECT id, state, reviewer_id, decision_date, note FROM crr_review_line
                                      WHERE decision_date IS NOT NULL ORDER BY id"}
    }

``value_maps`` maps old values of a grouped figure (its name as printed in the table, before the dot)
to their new values: the "before" figures are translated before the comparison, and the decisions'
state is translated with ``review_line_state``. ``after_queries`` replaces the SQL of a figure on the
upgraded database (same columns, in the same order). Nothing else is tolerated.
"""

import argparse
import hashlib
import json
import sys

# name -> SQL. Grouped figures return (key, count) rows; "decisions" returns the decided lines.
QUERIES = {
    "orders": "SELECT 'all', count(*) FROM sale_order",
    "order_review_state": "SELECT coalesce(review_state, '-'), count(*) FROM sale_order GROUP BY 1",
    "review_line_state": "SELECT state, count(*) FROM crr_review_line GROUP BY 1",
    "requirements": "SELECT 'all', count(*) FROM crr_requirement",
    "change_request_state": "SELECT state, count(*) FROM crr_change_request GROUP BY 1",
    "change_request_lines": "SELECT 'all', count(*) FROM crr_change_request_line",
    "complaint_state": "SELECT state, count(*) FROM crr_complaint GROUP BY 1",
    "complaint_action_state": "SELECT state, count(*) FROM crr_complaint_action GROUP BY 1",
    "campaigns": "SELECT state, count(*) FROM crr_satisfaction_campaign GROUP BY 1",
    "survey_answers": "SELECT state, count(*) FROM survey_user_input WHERE crr_campaign_id IS NOT NULL GROUP BY 1",
    "survey_answer_band": "SELECT coalesce(crr_band, '-'), count(*) FROM survey_user_input"
                          " WHERE crr_campaign_id IS NOT NULL GROUP BY 1",
    "criterion_scores": "SELECT 'count', count(*) FROM crr_satisfaction_score"
                        " UNION ALL SELECT 'sum', coalesce(round(sum(score)::numeric, 2), 0) FROM crr_satisfaction_score",
    "answer_scores": "SELECT 'sum', coalesce(round(sum(crr_score)::numeric, 2), 0) FROM survey_user_input"
                     " WHERE crr_campaign_id IS NOT NULL",
    "decisions": "SELECT id, state, reviewer_id, decision_date, opinion FROM crr_review_line"
                 " WHERE decision_date IS NOT NULL ORDER BY id",
}


def _normalize(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, int | str):
        return value
    return str(value)


def snapshot(dsn, queries):
    import psycopg2  # the project's virtualenv has it (Odoo needs it)

    result = {}
    with psycopg2.connect(dsn) as conn, conn.cursor() as cr:
        for name, sql in queries.items():
            cr.execute(sql)
            rows = [[_normalize(value) for value in row] for row in cr.fetchall()]
            if name == "decisions":
                result[name] = rows
            else:
                result[name] = {str(key): _normalize(count) for key, count in rows}
    return result


def decisions_digest(rows, state_map=None):
    state_map = state_map or {}
    digest = hashlib.sha1()
    for line_id, state, reviewer_id, decision_date, opinion in rows:
        digest.update(json.dumps([line_id, state_map.get(state, state), reviewer_id, decision_date, opinion],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def compare(before, after, mapping):
    value_maps = mapping.get("value_maps", {})
    table = []
    ok = True
    for name in QUERIES:
        if name == "decisions":
            continue
        old = dict(before.get(name, {}))
        translate = value_maps.get(name, {})
        expected = {}
        for key, count in old.items():
            new_key = translate.get(key, key)
            expected[new_key] = _add(expected.get(new_key), count)
        new = after.get(name, {})
        for key in sorted(set(expected) | set(new)):
            good = str(expected.get(key, 0)) == str(new.get(key, 0))
            ok &= good
            shown = key if key == "all" else f"{name}.{key}"
            table.append((name if key == "all" else shown, expected.get(key, 0), new.get(key, 0), good))
    state_map = value_maps.get("review_line_state", {})
    old_rows, new_rows = before.get("decisions", []), after.get("decisions", [])
    good = len(old_rows) == len(new_rows)
    ok &= good
    table.append(("decisions (count)", len(old_rows), len(new_rows), good))
    old_digest, new_digest = decisions_digest(old_rows, state_map), decisions_digest(new_rows)
    good = old_digest == new_digest
    ok &= good
    table.append(("decisions (checksum)", old_digest, new_digest, good))
    if not good:
        new_by_id = {row[0]: row for row in new_rows}
        for row in old_rows:
            mapped = [row[0], state_map.get(row[1], row[1]), *row[2:]]
            if new_by_id.get(row[0]) != mapped:
                table.append((f"  line {row[0]}", json.dumps(mapped[1:], ensure_ascii=False)[:60],
                              json.dumps(new_by_id.get(row[0], ["missing"])[1:], ensure_ascii=False)[:60], False))
    return ok, table


def _add(a, b):
    """Counts of two old values mapped to one new value add up."""
    if a is None:
        return b
    return a + b if isinstance(a, int) and isinstance(b, int) else b


def print_table(table):
    widths = [max(len(str(row[i])) for row in [("figure", "before", "after", ""), *table]) for i in range(3)]
    header = ("figure", "before", "after", "ok")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, [*widths, 2], strict=True)))
    print("  ".join("-" * w for w in [*widths, 2]))
    for name, old, new, good in table:
        print("  ".join([str(name).ljust(widths[0]), str(old).ljust(widths[1]), str(new).ljust(widths[2]),
                         "ok" if good else "DIFF"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("--dsn", required=True)
    snap.add_argument("--out", required=True)
    snap.add_argument("--mapping", help="apply the mapping's after_queries (the upgraded database)")
    comp = sub.add_parser("compare")
    comp.add_argument("before")
    comp.add_argument("after")
    comp.add_argument("--mapping")
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        queries = dict(QUERIES)
        if args.mapping:
            queries.update(_load(args.mapping).get("after_queries", {}))
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(snapshot(args.dsn, queries), out, ensure_ascii=False, indent=1)
        return 0
    before, after = _load(args.before), _load(args.after)
    ok, table = compare(before, after, _load(args.mapping) if args.mapping else {})
    print_table(table)
    return 0 if ok else 1


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


if __name__ == "__main__":
    sys.exit(main())
