"""Sales history of the review rules for a customer with a long history.

The rule fields "new product for the customer" and "customer's first order" read what the customer
bought on confirmed orders. A regular customer of a manufacturer has thousands of confirmed order lines;
requesting a review must not read them all.

Generates, with SQL (INSERT ... SELECT generate_series), N confirmed order lines (default 200,000, over
``--products`` products) for one customer, runs ANALYZE, then times for a quotation of 3 products (two
bought before, one new):

- ``sale.order._crr_sales_history()``: one EXISTS per (customer, product) of the quotation, each stopping
  at the first confirmed line found through the partial index ``sale_order_line_crr_partner_product_sold_idx``;
- for comparison, the earlier queries: grouping the customer's confirmed lines of these products
  (``_read_group``, grows with what the customer bought of them), and grouping the whole history;
- ``sale.order._crr_update_rule_fields()`` as a whole;

and prints EXPLAIN (ANALYZE) of the history query with the indexes it uses.

    BENCH=bench/bench_sales_history.py make bench
    BENCH=bench/bench_sales_history.py BENCH_ARGS="--lines 50000" make bench
"""

import re

from benchlib import Timer, copy_rows, environment, parse_args, report

from odoo.fields import Command
from odoo.tools import SQL

LINES_PER_ORDER = 10
ROUNDS = 20


def _extra(parser):
    parser.add_argument("--lines", type=int, default=200_000, help="confirmed order lines (default 200000)")
    parser.add_argument("--products", type=int, default=2_000, help="products bought (default 2000)")


def generate(env, n_lines, n_products):
    """A customer with ``n_lines`` confirmed order lines over ``n_products`` products."""
    company = env.company
    company.crr_review_mode = "off"
    customer = env["res.partner"].create({"name": "Bench Long-Standing Customer", "is_company": True})
    products = env["product.product"].create(
        [{"name": f"Bench History Part {i}", "type": "consu", "list_price": 10.0, "standard_price": 4.0}
         for i in range(n_products)]
    )
    template = env["sale.order"].create(
        {"partner_id": customer.id, "order_line": [Command.create({"product_id": products[0].id})]}
    )
    template.action_confirm()
    env.flush_all()
    cr = env.cr
    order_ids = copy_rows(
        cr, "sale_order", {"name": "'HIST/' || lpad(g::text, 7, '0')"}, template.id, n_lines // LINES_PER_ORDER
    )
    line_ids = copy_rows(
        cr,
        "sale_order_line",
        {
            "order_id": f"(%(orders)s::int[])[(g - 1) / {LINES_PER_ORDER} + 1]",
            "product_id": "(%(products)s::int[])[(g - 1) %% %(n)s + 1]",
            "sequence": f"(g - 1) %% {LINES_PER_ORDER}",
        },
        template.order_line.id,
        len(order_ids) * LINES_PER_ORDER,
        {"orders": order_ids, "products": products.ids, "n": n_products},
    )
    inserted = len(line_ids)
    for table in ("sale_order", "sale_order_line", "res_partner"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    company.crr_review_mode = "all"
    return customer, products, inserted


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    with environment(args) as env:
        with Timer("generate") as gen:
            customer, products, inserted = generate(env, args.lines, args.products)
        new_product = env["product.product"].create({"name": "Bench Never Sold", "type": "consu", "list_price": 10})
        quotation = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                    for product in (products[0], products[len(products) // 2], new_product)
                ],
            }
        )
        env.flush_all()
        quoted = quotation.order_line.product_id
        SaleLine = env["sale.order.line"]
        restricted_domain = [
            ("order_partner_id.commercial_partner_id", "in", customer.ids),
            ("product_id", "in", quoted.ids),
            ("state", "=", "sale"),
            ("order_id", "not in", quotation.ids),
        ]
        whole_domain = [d for d in restricted_domain if d[0] != "product_id"]
        group_by = ["order_partner_id", "product_id"]

        def timed(label, func):
            timer = Timer(label)
            best = None
            for _round in range(ROUNDS):
                env.invalidate_all()
                with timer:
                    result = func()
                best = timer.seconds if best is None else min(best, timer.seconds)
            return best, result

        t_history, (sold, returning) = timed("history", quotation._crr_sales_history)
        t_grouped, _groups = timed("grouped", lambda: SaleLine._read_group(restricted_domain, group_by))
        t_whole, groups = timed("whole", lambda: SaleLine._read_group(whole_domain, group_by))
        t_fields, _result = timed("fields", quotation._crr_update_rule_fields)
        report(
            f"Sales history of one customer: {inserted} confirmed order lines over {len(products)} products",
            [
                ("generate (SQL, then ANALYZE)", f"{gen.seconds:8.1f} s"),
                ("_crr_sales_history (3 products of the quotation)",
                 f"{t_history * 1000:8.2f} ms  (best of {ROUNDS}; bought before: {len(sold[quotation.id])})"),
                ("grouping these products' confirmed lines", f"{t_grouped * 1000:8.2f} ms"),
                ("grouping the whole history", f"{t_whole * 1000:8.2f} ms  ({len(groups)} groups)"),
                ("_crr_update_rule_fields (all rule fields)", f"{t_fields * 1000:8.2f} ms"),
                ("new product for the customer / first order",
                 f"{quotation.crr_has_new_product} / {quotation.crr_is_first_order}"),
            ],
        )
        env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) %s", quotation._crr_sales_history_query()))
        plan = "\n".join(row[0] for row in env.cr.fetchall())
        print("\n== EXPLAIN ANALYZE: the history query of the quotation's products")
        for line in plan.splitlines():
            print(f"   | {line}")
        indexes = sorted(set(re.findall(r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)", plan)))
        print(f"   indexes used: {', '.join(indexes) or 'NONE'}")


if __name__ == "__main__":
    main()
