from odoo.tests import tagged

from .common import CrrStockCommon


def card(data, key):
    return next((c for section in data["sections"] for c in section["cards"] if c["key"] == key), None)


@tagged("post_install", "-at_install")
class TestOverviewInventory(CrrStockCommon):
    """The overview's Inventory section (crr.overview._crr_overview_inventory of the bridge): on-time
    delivery rate of the period against the company's target, open delay countermeasures by owner."""

    def test_inventory_figures(self):
        Overview = self.env["crr.overview"].with_user(self.manager)
        before = Overview.get_overview(30)
        on_time = self._order(days=5)
        late = self._order(days=-3, partner=self.other_customer)
        self._deliver(on_time)
        self._deliver(late)
        self.env.flush_all()
        after = Overview.get_overview(30)
        rate = card(after, "on_time_rate")
        self.assertEqual(rate["target"], self.company.crr_on_time_target)
        [total] = self.env["sale.order.line"].with_user(self.manager)._crr_on_time_rate(
            [("crr_delivery_date", ">=", after["date_from"]), ("crr_delivery_date", "<=", after["date_to"])])
        self.assertEqual(rate["value"], total["rate"])
        late_row = lambda data: card(data, "on_time_rate")["rows"][0]["value"]  # noqa: E731
        self.assertEqual(late_row(after) - late_row(before), 1)
        self.assertIn(late.order_line, self.env["sale.order.line"].search(
            card(after, "on_time_rate")["rows"][0]["action"]["domain"]))
        # the late delivery opened a countermeasure, owned by the logistics reviewer
        measures = card(after, "countermeasures_open")
        self.assertEqual(measures["value"] - card(before, "countermeasures_open")["value"], 1)
        self.assertIn(self.logistician.display_name, [row["label"] for row in measures["rows"]])
        # the trend of the period and the management review's decisions read the same figures
        self.assertIn("on_time_rate", [row["key"] for row in after["trend"]])
        if rate["value"] < rate["target"]:
            decisions = self.env["crr.overview"].with_user(self.manager)._crr_decisions_needed(after)
            self.assertTrue(any("on-time delivery rate" in decision for decision in decisions))
