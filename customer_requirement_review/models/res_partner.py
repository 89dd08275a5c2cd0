from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- complaints (smart button) --
    crr_complaint_count = fields.Integer(
        string="Complaint Count", compute="_compute_crr_complaint_count", groups="base.group_user"
    )

    def _compute_crr_complaint_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["crr.complaint"]._read_group(
                [("partner_id", "child_of", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crr_complaint_count = sum(
                count
                for complaint_partner, count in counts.items()
                if complaint_partner.commercial_partner_id == partner.commercial_partner_id
            )

    def action_view_crr_complaints(self):
        self.ensure_one()
        commercial = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_complaint")
        action["domain"] = [("partner_id", "child_of", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id}
        return action
