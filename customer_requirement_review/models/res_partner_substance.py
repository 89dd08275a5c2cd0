from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer's restricted-substance standards in the customer file."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crr_substance_declaration_ids = fields.One2many(
        "crr.substance.declaration", "partner_id", string="Restricted Substance Standards"
    )
    crr_substance_declaration_count = fields.Integer(
        string="Substance Standards", compute="_compute_crr_substance_declaration_count"
    )

    @api.depends("crr_substance_declaration_ids")
    def _compute_crr_substance_declaration_count(self):
        counts = dict(self.env["crr.substance.declaration"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.crr_substance_declaration_count = counts.get(partner._origin, 0)

    def action_view_crr_substance_declarations(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self.env["crr.guard.mixin"]._crr_check_records(self, "read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_requirement_review.action_crr_substance_declaration"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
