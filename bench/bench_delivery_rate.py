"""On-time delivery rate (交货及时率) over 100,000 delivered order lines, with Inventory and the bridge addon
``customer_requirement_review_stock`` installed (``CRR_BENCH_WITH=stock``).

One real order is confirmed and delivered (its line's execution register fields computed from its stock
moves), then its order and line rows are copied with SQL (INSERT ... SELECT generate_series) into 10,000
orders and 100,000 settled lines over 200 customers, 100 products, 5 salespeople and 24 months of delivery
dates (92% on time, 6% late, 2% short). Times, as the administrator (record rules applied):

- ``sale.order.line._crr_on_time_rate()``: the total, and by customer, product, salesperson and month
  (each one ``_read_group``), against the target of the company (< 1 s each is the target);
- the pivot's own query (``formatted_read_group`` by customer x month, the rate's mean);

and prints EXPLAIN (ANALYZE) of the grouping by customer.

    CRR_BENCH_WITH=stock BENCH=bench/bench_delivery_rate.py make bench
    CRR_BENCH_WITH=stock BENCH=bench/bench_delivery_rate.py BENCH_ARGS="--lines 20000" make bench
"""

from datetime import timedelta

from benchlib import Timer, copy_rows, environment, parse_args, report

from odoo import fields
from odoo.fields import Command
from odoo.tools import SQL

SETTLED = ("on_time", "late", "short")


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="delivered order lines (default 100000)")


def _generate(env, n_lines):
    if "crr_delivery_state" not in env["sale.order.line"]._fields:
        raise SystemExit("the bridge addon is not installed: run with CRR_BENCH_WITH=stock")
    env.company.crr_review_mode = "off"
    customers = env["res.partner"].create([{"name": f"Bench Delivery Customer {i}", "is_company": True}
                                           for i in range(200)])
    products = env["product.product"].create([{"name": f"Bench Part {i}", "type": "consu", "list_price": 10.0}
                                             for i in range(100)])
    users = env["res.users"].create([{"name": f"Bench Seller {i}", "login": f"bench_seller_{i}",
                                      "group_ids": [Command.link(env.ref("sales_team.group_sale_salesman").id)]}
                                     for i in range(5)])
    order = env["sale.order"].create({
        "partner_id": customers[0].id,
        "user_id": users[0].id,
        "commitment_date": fields.Datetime.now() + timedelta(days=3),
        "order_line": [Command.create({"product_id": products[0].id, "product_uom_qty": 5})],
    })
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.write({"quantity": 5, "picked": True})
    picking._action_done()
    line = order.order_line
    assert line.crr_delivery_state == "on_time", line.crr_delivery_state
    env.flush_all()
    n_orders = max(n_lines // 10, 1)
    params = {"customers": customers.ids, "products": products.ids, "users": users.ids}
    order_ids = copy_rows(env.cr, "sale_order", {
        "name": "'BENCH/DLV/' || lpad(g::text, 6, '0')",
        "partner_id": "(%(customers)s::int[])[1 + g %% 200]",
        "partner_invoice_id": "(%(customers)s::int[])[1 + g %% 200]",
        "partner_shipping_id": "(%(customers)s::int[])[1 + g %% 200]",
        "user_id": "(%(users)s::int[])[1 + g %% 5]",
    }, order.id, n_orders, params)
    params["orders"] = order_ids
    params["n_orders"] = len(order_ids)
    # delivery dates over 24 months; 92% on time, 6% late (1 to 10 days), 2% short
    copy_rows(env.cr, "sale_order_line", {
        "order_id": "(%(orders)s::int[])[1 + g %% %(n_orders)s]",
        "order_partner_id": "(%(customers)s::int[])[1 + (g %% %(n_orders)s) %% 200]",
        "salesman_id": "(%(users)s::int[])[1 + (g %% %(n_orders)s) %% 5]",
        "product_id": "(%(products)s::int[])[1 + g %% 100]",
        "crr_delivery_date": "current_date - (g %% 730)",
        "crr_promised_date": "current_date - (g %% 730) + CASE WHEN g %% 100 BETWEEN 92 AND 97 "
                             "THEN -(1 + g %% 10) ELSE 2 END",
        "crr_delivery_state": "CASE WHEN g %% 100 < 92 THEN 'on_time' WHEN g %% 100 < 98 THEN 'late' "
                              "ELSE 'short' END",
        "crr_on_time": "g %% 100 < 92",
        "crr_on_time_rate": "CASE WHEN g %% 100 < 92 THEN 100.0 ELSE 0.0 END",
        "crr_days_late": "CASE WHEN g %% 100 BETWEEN 92 AND 97 THEN 1 + g %% 10 ELSE 0 END",
    }, line.id, n_lines, params)
    env.cr.execute("ANALYZE sale_order_line")
    env.cr.execute("ANALYZE sale_order")
    env.invalidate_all()


def main():
    args = parse_args(__doc__, _extra)
    with environment(args) as env:
        with Timer("generate") as generate:
            _generate(env, args.lines)
        admin = env.ref("base.user_admin")
        Line = env["sale.order.line"].with_user(admin)
        env.cr.execute("SELECT count(*) FROM sale_order_line WHERE crr_delivery_state IN %s", [SETTLED])
        settled = env.cr.fetchone()[0]
        rows = [("generation (orders, SQL INSERT ... SELECT)", f"{generate.seconds:8.2f} s")]
        for groupby, label in ((None, "total"), ("order_partner_id", "by customer"), ("product_id", "by product"),
                               ("salesman_id", "by salesperson"), ("crr_delivery_date:month", "by month")):
            env.invalidate_all()
            with Timer(label) as timer:
                result = Line._crr_on_time_rate([], groupby)
            figure = f"{timer.seconds * 1000:8.1f} ms  ({len(result)} groups)"
            if groupby is None and result:
                figure += f"  rate {result[0]['rate']:.2f}%, target {result[0]['target']:.0f}%"
            rows.append((f"_crr_on_time_rate {label}", figure))
        env.invalidate_all()
        with Timer("pivot") as pivot:
            groups = Line.formatted_read_group(
                [("crr_delivery_state", "in", SETTLED)], ["order_partner_id", "crr_delivery_date:month"],
                ["crr_on_time_rate:avg", "__count"],
            )
        rows.append(("pivot: formatted_read_group customer x month", f"{pivot.seconds * 1000:8.1f} ms  "
                     f"({len(groups)} groups)"))
        report(f"On-time delivery rate over {settled} settled order lines (as the administrator)", rows)

        query = Line._search([("crr_delivery_state", "in", SETTLED)])
        env.cr.execute(SQL(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT %s, avg(%s), count(*) FROM %s WHERE %s GROUP BY 1",
            SQL.identifier("sale_order_line", "order_partner_id"),
            SQL.identifier("sale_order_line", "crr_on_time_rate"),
            query.from_clause, query.where_clause or SQL("TRUE"),
        ))
        print("\n== EXPLAIN ANALYZE: rate by customer")
        for (line,) in env.cr.fetchall():
            print("  " + line)


if __name__ == "__main__":
    main()
