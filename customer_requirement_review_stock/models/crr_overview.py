from odoo import api, fields, models


class CrrOverview(models.AbstractModel):
    """The overview's "with Inventory" section: on-time delivery rate against the company's target and the
    open delay countermeasures (by owner, the late ones), read as the current user."""

    _inherit = "crr.overview"

    @api.model
    def _crr_on_time_domain(self, date_from, date_to):
        return [("crr_delivery_date", ">=", fields.Date.to_string(date_from)),
                ("crr_delivery_date", "<=", fields.Date.to_string(date_to))]

    @api.model
    def _crr_overview_inventory(self, date_from, date_to):
        cards = []
        if self._crr_can_read("sale.order.line"):
            Line = self.env["sale.order.line"]
            domain = self._crr_on_time_domain(date_from, date_to)
            [total] = Line._crr_on_time_rate(domain)
            settled = [*domain, ("crr_delivery_state", "in", ("on_time", "late", "short"))]
            late = [*domain, ("crr_delivery_state", "in", ("late", "short"))]
            cards.append(self._crr_card(
                "on_time_rate", self.env._("On-time delivery rate"), total["rate"] if total["lines"] else None,
                self._crr_act("sale.order.line", settled, self.env._("Delivered order lines")),
                unit="%", kind="percent", target=total["target"],
                note=self.env._("target %(target)s%%, %(lines)s lines delivered in the period",
                       target=total["target"], lines=total["lines"]),
                rows=[self._crr_row(self.env._("Late or short"), total["lines"] - total["on_time"],
                                    self._crr_act("sale.order.line", late, self.env._("Late or short deliveries")))]))
        if self._crr_can_read("crr.delivery.countermeasure"):
            Measure = self.env["crr.delivery.countermeasure"]
            open_domain = [("state", "in", ("draft", "open"))]
            rows = [
                self._crr_row(owner.display_name or self.env._("No owner"), count,
                              self._crr_act("crr.delivery.countermeasure", [*open_domain, ("user_id", "=", owner.id)],
                                            self.env._("Open delay countermeasures")))
                for owner, count in Measure._read_group(open_domain, ["user_id"], ["__count"], order="__count desc")
            ]
            cards.append(self._crr_card(
                "countermeasures_open", self.env._("Open delay countermeasures"), sum(row["value"] for row in rows),
                self._crr_act("crr.delivery.countermeasure", open_domain, self.env._("Open delay countermeasures")),
                note=self.env._("by owner"), rows=rows[:8]))
        return {"key": "inventory", "title": self.env._("Inventory"), "cards": cards}

    @api.model
    def _crr_period_figures_inventory(self, date_from, date_to):
        figures = super()._crr_period_figures_inventory(date_from, date_to)
        if self._crr_can_read("sale.order.line"):
            [total] = self.env["sale.order.line"]._crr_on_time_rate(self._crr_on_time_domain(date_from, date_to))
            figures["on_time_rate"] = total["rate"] if total["lines"] else None
        return figures
