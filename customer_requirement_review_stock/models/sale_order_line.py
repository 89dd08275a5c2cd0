from datetime import timedelta

from odoo import api, fields, models

DELIVERY_STATES = [("open", "To Deliver"), ("on_time", "On Time"), ("late", "Late"), ("short", "Short")]
# lines whose delivery is settled: they count in the on-time delivery rate
SETTLED_STATES = ("on_time", "late", "short")


class SaleOrderLine(models.Model):
    """The order execution summary (销售订单执行情况汇总表): per order line, the promised date, what was
    delivered and when, the days late and whether the delivery was on time.

    Stored and indexed, computed from the line's stock moves (prefetched for the whole batch: no query per
    line), so that the on-time delivery rate (交货及时率) is a ``_read_group`` by customer, product,
    salesperson or month.
    """

    _name = "sale.order.line"
    # the guard refuses a direct write of the delivery figures computed here (an on-time rate is a record)
    _inherit = ["sale.order.line", "crr.record.guard.mixin"]

    crr_promised_date = fields.Date(
        string="Promised Date",
        compute="_compute_crr_promised_date",
        store=True,
        index="btree_not_null",
        help="The order's delivery date (commitment date) or, without it, the order date plus the line's lead "
        "time, in the company's time zone.",
    )
    crr_delivery_date = fields.Date(
        string="Delivered On",
        compute="_compute_crr_delivery",
        store=True,
        index="btree_not_null",
        help="Date of the done delivery that completed the ordered quantity; for a line closed short, of its "
        "last delivery.",
    )
    crr_days_late = fields.Integer(
        string="Days Late",
        compute="_compute_crr_delivery",
        store=True,
        aggregator="avg",
        help="Days between the promised date and the delivery date (0 when on time).",
    )
    crr_delivery_state = fields.Selection(
        DELIVERY_STATES,
        string="Delivery",
        compute="_compute_crr_delivery",
        store=True,
        index="btree_not_null",
        help="To Deliver: not fully delivered yet. On Time: fully delivered by the promised date. Late: fully "
        "delivered after it. Short: closed with less than the ordered quantity (no delivery left).",
    )
    crr_on_time = fields.Boolean(string="On Time", compute="_compute_crr_delivery", store=True)
    crr_on_time_rate = fields.Float(
        string="On-Time Rate (%)",
        compute="_compute_crr_delivery",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 for a line delivered on time, 0 for a late or short one: its mean over settled lines is the "
        "on-time delivery rate.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # the guard first: the sales line's own create computes from the values before the mixin's check
        self._crr_guard_create(vals_list)
        return super().create(vals_list)

    @api.depends("order_id.commitment_date", "order_id.date_order", "customer_lead", "order_id.company_id")
    def _compute_crr_promised_date(self):
        for line in self:
            order = line.order_id
            moment = order.commitment_date or (
                order.date_order and order.date_order + timedelta(days=line.customer_lead or 0.0)
            )
            line.crr_promised_date = order.company_id._crr_local_date(moment) if moment else False

    @api.depends(
        "move_ids.state", "move_ids.date", "move_ids.quantity", "move_ids.product_uom", "move_ids.location_dest_usage",
        "product_uom_qty", "product_uom_id", "crr_promised_date", "state", "qty_delivered_method",
    )
    def _compute_crr_delivery(self):
        # one read of the moves (and their locations) of the whole batch
        moves = self.move_ids
        moves.fetch(["state", "date", "quantity", "product_uom", "location_dest_id", "origin_returned_move_id",
                     "to_refund", "product_id"])
        moves.location_dest_id.fetch(["usage"])
        for line in self:
            vals = {"crr_delivery_state": False, "crr_delivery_date": False, "crr_days_late": 0,
                    "crr_on_time": False, "crr_on_time_rate": 0.0}
            if line.display_type or line.state != "sale" or line.qty_delivered_method != "stock_move" \
                    or line.product_uom_qty <= 0:
                line.update(vals)
                continue
            # deliveries to the customer (as sale_stock counts them), a re-delivery of returned goods included
            outgoing = [
                move for move in line.move_ids
                if move.state != "cancel" and move.product_id == line.product_id
                and move.location_dest_id.usage == "customer"
                and (not move.origin_returned_move_id or move.to_refund)
            ]
            done = sorted((move for move in outgoing if move.state == "done"), key=lambda move: (move.date, move.id))
            delivered = 0.0
            completed_on = False
            for move in done:
                delivered += move.product_uom._compute_quantity(
                    move.quantity, line.product_uom_id, rounding_method="HALF-UP"
                )
                if line.product_uom_id.compare(delivered, line.product_uom_qty) >= 0:
                    completed_on = move.date
                    break
            company = line.order_id.company_id
            promised = line.crr_promised_date
            if completed_on:
                day = company._crr_local_date(completed_on)
                late = max((day - promised).days, 0) if promised else 0
                vals.update(crr_delivery_state="late" if late else "on_time", crr_delivery_date=day, crr_days_late=late)
            elif done and all(move.state in ("done", "cancel") for move in outgoing):
                day = company._crr_local_date(done[-1].date)
                late = max((day - promised).days, 0) if promised else 0
                vals.update(crr_delivery_state="short", crr_delivery_date=day, crr_days_late=late)
            else:
                vals["crr_delivery_state"] = "open"
            vals["crr_on_time"] = vals["crr_delivery_state"] == "on_time"
            vals["crr_on_time_rate"] = 100.0 if vals["crr_on_time"] else 0.0
            line.update(vals)

    # -- on-time delivery rate -----------------------------------------------------------------------
    @api.model
    def _crr_on_time_rate(self, domain=None, groupby=None):
        """On-time delivery rate of the settled lines of ``domain``, by ``groupby`` (a field of the line,
        e.g. ``order_partner_id``, ``product_id``, ``salesman_id`` or ``crr_delivery_date:month``; none:
        one row). One ``_read_group``. Returns ``[{'key', 'label', 'lines', 'on_time', 'rate', 'target',
        'gap'}]`` with the rate and the company's target in percent, the gap being rate - target."""
        domain = [*(domain or []), ("crr_delivery_state", "in", SETTLED_STATES)]
        groupby = [groupby] if groupby else []
        target = self.env.company.crr_on_time_target
        rows = []
        for *keys, count, rate in self._read_group(domain, groupby, ["__count", "crr_on_time_rate:avg"]):
            key = keys[0] if keys else False
            if isinstance(key, models.BaseModel):
                label = key.display_name or self.env._("None")
            elif key and hasattr(key, "strftime"):
                label = key.strftime("%Y-%m")
            else:
                label = key or self.env._("Total")
            rate = round(rate or 0.0, 2)
            rows.append({
                "key": key.id if isinstance(key, models.BaseModel) else key,
                "label": label,
                "lines": count,
                "on_time": round(count * rate / 100.0),
                "rate": rate,
                "target": target,
                "gap": round(rate - target, 2),
            })
        return rows

    # -- XLSX: order execution summary and on-time delivery statistics ------------------------------
    def _crr_xlsx_filename(self):
        return self.env._("Order execution summary.xlsx")

    def _crr_xlsx_execution_rows(self, batch_size=5000):
        labels = dict(self._fields["crr_delivery_state"]._description_selection(self.env))
        names = ["order_id", "order_partner_id", "salesman_id", "product_id", "product_uom_qty", "qty_delivered",
                 "product_uom_id", "crr_promised_date", "crr_delivery_date", "crr_days_late", "crr_delivery_state",
                 "crr_on_time"]
        for start in range(0, len(self.ids), batch_size):
            batch = self.browse(self.ids[start:start + batch_size])
            batch.fetch(names)
            for line in batch:
                yield [
                    line.order_id.name,
                    line.order_partner_id.commercial_partner_id.display_name,
                    line.salesman_id.name,
                    line.product_id.display_name,
                    line.product_uom_qty,
                    line.qty_delivered,
                    line.product_uom_id.name,
                    line.crr_promised_date,
                    line.crr_delivery_date,
                    line.crr_days_late,
                    labels.get(line.crr_delivery_state, ""),
                    line.crr_on_time if line.crr_delivery_state in SETTLED_STATES else None,
                ]
            self.env.invalidate_all()

    def _crr_xlsx_rate_rows(self, batch_size=10000):
        """By customer, product, salesperson and month: settled lines, on time, rate, target and gap, each
        computed with _read_group over batches of ids (no query holding 100,000 ids)."""
        sections = {
            "order_partner_id": self.env._("Customer"),
            "product_id": self.env._("Product"),
            "salesman_id": self.env._("Salesperson"),
            "crr_delivery_date:month": self.env._("Month"),
            "": self.env._("Total"),
        }
        target = self.env.company.crr_on_time_target
        for groupby, title in sections.items():
            totals = {}
            for start in range(0, len(self.ids), batch_size):
                domain = [("id", "in", list(self.ids[start:start + batch_size]))]
                for row in self._crr_on_time_rate(domain, groupby or None):
                    lines, on_time = totals.get(row["label"], (0, 0))
                    totals[row["label"]] = (lines + row["lines"], on_time + row["on_time"])
            for label in sorted(totals, key=str):
                lines, on_time = totals[label]
                rate = on_time / lines if lines else 0.0
                yield [title, label, lines, on_time, rate, target / 100.0, rate - target / 100.0]

    def _crr_xlsx_sheets(self):
        return [
            {
                "name": self.env._("Order Execution Summary"),
                "columns": [
                    {"header": self.env._("Order"), "type": "char", "width": 14},
                    {"header": self.env._("Customer"), "type": "char", "width": 28},
                    {"header": self.env._("Salesperson"), "type": "char", "width": 20},
                    {"header": self.env._("Product"), "type": "char", "width": 28},
                    {"header": self.env._("Ordered"), "type": "float"},
                    {"header": self.env._("Delivered"), "type": "float"},
                    {"header": self.env._("Unit"), "type": "char", "width": 8},
                    {"header": self.env._("Promised Date"), "type": "date"},
                    {"header": self.env._("Delivered On"), "type": "date"},
                    {"header": self.env._("Days Late"), "type": "integer"},
                    {"header": self.env._("Delivery"), "type": "char", "width": 12},
                    {"header": self.env._("On Time"), "type": "boolean"},
                ],
                "rows": self._crr_xlsx_execution_rows(),
            },
            {
                "name": self.env._("On-Time Delivery Rate"),
                "columns": [
                    {"header": self.env._("By"), "type": "char", "width": 14},
                    {"header": self.env._("Value"), "type": "char", "width": 28},
                    {"header": self.env._("Settled Lines"), "type": "integer"},
                    {"header": self.env._("On Time"), "type": "integer"},
                    {"header": self.env._("On-Time Rate"), "type": "percent"},
                    {"header": self.env._("Target"), "type": "percent"},
                    {"header": self.env._("Gap"), "type": "percent"},
                ],
                "rows": self._crr_xlsx_rate_rows(),
            },
        ]
