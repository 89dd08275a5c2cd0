from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # -- complaints (smart button) --
    crr_complaint_ids = fields.One2many("crr.complaint", "order_id", string="Complaints")
    crr_complaint_count = fields.Integer(string="Complaint Count", compute="_compute_crr_complaint_count")

    def _compute_crr_complaint_count(self):
        counts = dict(
            self.env["crr.complaint"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.crr_complaint_count = counts.get(order, 0)

    def action_view_crr_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_complaint")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_contact_id": self.partner_id.id,
        }
        return action
