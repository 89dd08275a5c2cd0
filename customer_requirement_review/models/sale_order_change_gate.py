from odoo import models
from odoo.exceptions import UserError


# split from sale_order.py by concern on purpose (one concern per file)
class SaleOrder(models.Model):
    """Which orders accept change requests, and opening one."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # -- change requests ---------------------------------------------------------------------------
    def _crr_change_allowed(self):
        """Changes are requested on orders whose review is approved (or not required) or that are confirmed."""
        self.ensure_one()
        if self.state == "cancel":
            return False
        return self.state == "sale" or self.review_state == "approved"

    def _crr_check_change_allowed(self):
        for order in self:
            if order.state == "cancel":
                raise UserError(
                    self.env._("%(order)s is cancelled: no change can be requested.", order=order.name)
                )
            if not order._crr_change_allowed():
                raise UserError(
                    self.env._(
                        "Changes are requested on confirmed orders or on quotations whose review is approved: "
                        "%(order)s is neither. Edit the quotation directly.",
                        order=order.name,
                    )
                )

    def action_request_change(self):
        """Open a new draft change request of the order (refused while another one is open)."""
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        self._crr_check_change_allowed()
        open_request = self.env["crr.change.request"].search(
            [("order_id", "=", self.id), ("state", "in", ("draft", "to_review", "approved"))], limit=1
        )
        if open_request:
            raise UserError(self.env["crr.change.request"]._crr_open_request_message(open_request))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Change"),
            "res_model": "crr.change.request",
            "view_mode": "form",
            "target": "current",
            "context": {"default_order_id": self.id},
        }

    def action_view_change_requests(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_change_request")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

