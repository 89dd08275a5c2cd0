from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crr_record_guard_mixin import crr_flag


class CrrCapabilityCommitmentLine(models.Model):
    """A line of the capability commitment: a product or a product category (with its subcategories) the company
    commits to, its specification range (a text, or the minimum and maximum of a numeric specification) and its
    monthly capacity. Lines added by a special order carried out successfully name that order."""

    _name = "crr.capability.commitment.line"
    _description = "Capability Commitment Line"
    _inherit = ["crr.record.guard.mixin"]
    _order = "commitment_id, sequence, id"
    _check_company_auto = True

    _crr_action_fields = {
        "learned_order_id": "action_learn_from_orders (Learn from Special Orders)",
        "learned_date": "action_learn_from_orders (Learn from Special Orders)",
    }

    commitment_id = fields.Many2one(
        "crr.capability.commitment", required=True, index=True, ondelete="cascade", check_company=True,
    )
    company_id = fields.Many2one(related="commitment_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", check_company=True,
        help="The product committed to; leave empty and give a category to commit to every product of it.",
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", index="btree_not_null",
        help="Every product of this category and of its subcategories.",
    )
    specification = fields.Char(
        string="Specification Range", help="The specification range committed to, e.g. 'Ø 10-50 mm, IP65'.",
    )
    spec_name = fields.Char(string="Numeric Specification", help="The numeric specification bounded, e.g. Diameter.")
    spec_min = fields.Float(string="Minimum")
    spec_max = fields.Float(string="Maximum")
    capacity_qty = fields.Float(
        string="Monthly Capacity", digits="Product Unit",
        help="The quantity the company can supply per month of the products of the line (all customers). Zero: "
        "no capacity committed, not checked.",
    )
    capacity_uom_id = fields.Many2one("uom.uom", string="Unit")
    learned_order_id = fields.Many2one(
        "sale.order", string="Learned from Order", index="btree_not_null", ondelete="restrict", readonly=True,
        copy=False, help="The special order carried out successfully that added this line.",
    )
    learned_date = fields.Datetime(string="Learned On", readonly=True, copy=False)

    @api.constrains("product_id", "categ_id")
    def _check_product_or_category(self):
        for line in self:
            if bool(line.product_id) == bool(line.categ_id):
                raise ValidationError(
                    self.env._("A capability commitment line names either a product or a product category.")
                )

    @api.constrains("spec_min", "spec_max", "capacity_qty")
    def _check_ranges(self):
        for line in self:
            if line.spec_min and line.spec_max and line.spec_min > line.spec_max:
                raise ValidationError(self.env._("The minimum of the specification is above its maximum."))
            if line.capacity_qty < 0:
                raise ValidationError(self.env._("The monthly capacity cannot be negative."))

    def _compute_display_name(self):  # pylint: disable=missing-return
        for line in self:
            line.display_name = (line.product_id or line.categ_id).display_name or ""

    # -- content fixed once submitted --------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not crr_flag("action"):
            self.check_access("create")
            # the values checked before the commitment they name is read ('abc', [1]: a clear error)
            for vals in vals_list:
                self.env["crr.guard.mixin"]._crr_validate_vals(self, vals)
            self.env["crr.capability.commitment"].browse(
                {vals.get("commitment_id") for vals in vals_list if vals.get("commitment_id")}
            )._crr_check_editable()
        return super().create(vals_list)

    def write(self, vals):
        if not crr_flag("action"):
            self.check_access("write")  # who may not change it at all is told so first
            self.env["crr.guard.mixin"]._crr_validate_vals(self, vals)
            self.commitment_id._crr_check_editable()
            if "commitment_id" in vals:
                self.env["crr.capability.commitment"].browse(vals["commitment_id"])._crr_check_editable()
        return super().write(vals)

    def _crr_kept_message(self):
        if self.commitment_id.filtered(lambda c: c.state not in ("draft", "rejected")):
            return self.env._("The lines of a submitted capability commitment are kept.")
        return None

    # -- coverage --------------------------------------------------------------------------------
    def _crr_covering(self, product):
        """The line of ``self`` that covers ``product``: its own line first, else the line of its closest
        category (or of a parent category). Reads the categories' paths, prefetched for all of ``self``."""
        for line in self:
            if line.product_id == product:
                return line
        path = product.categ_id.parent_path or ""
        best = self.browse()
        for line in self.filtered("categ_id"):
            if path.startswith(line.categ_id.parent_path or "/") and (
                not best or len(line.categ_id.parent_path) > len(best.categ_id.parent_path)
            ):
                best = line
        return best
