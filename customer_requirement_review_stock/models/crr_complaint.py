from odoo import api, fields, models


class CrrComplaint(models.Model):
    _inherit = "crr.complaint"

    return_ids = fields.One2many("crr.complaint.return", "complaint_id", string="Returns")
    return_count = fields.Integer(string="Returns Count", compute="_compute_return_count")

    @api.depends("return_ids")
    def _compute_return_count(self):
        counts = dict(self.env["crr.complaint.return"]._read_group(
            [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
        ))
        for complaint in self:
            complaint.return_count = counts.get(complaint, 0)

    def action_new_return(self):
        """Open a new return of goods for this complaint (its order's delivery, its product and quantity)."""
        self._crr_check_single(self)
        self._crr_check_access("write")
        delivery = self.order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sorted("date_done", reverse=True)[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return"),
            "res_model": "crr.complaint.return",
            "view_mode": "form",
            "context": {
                "default_complaint_id": self.id,
                "default_product_id": self.product_id.id,
                "default_quantity": self.affected_qty or 1.0,
                "default_origin_picking_id": delivery.id,
            },
        }

    def action_view_returns(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review_stock.action_crr_complaint_return")
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_complaint_id": self.id}
        return action
