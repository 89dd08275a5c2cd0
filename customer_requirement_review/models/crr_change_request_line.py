from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_compare

from .crr_guard_mixin import CRR_MAX_NUMBER, CRR_MAX_QUANTITY


class CrrChangeRequestLine(models.Model):
    _name = "crr.change.request.line"
    _description = "Order Change Request Line"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    # the sign is checked by _crr_check_values (whose message says how to remove a line)
    _crr_number_bounds = {
        "new_product_uom_qty": (-CRR_MAX_QUANTITY, CRR_MAX_QUANTITY),
        "new_price_unit": (-CRR_MAX_NUMBER, CRR_MAX_NUMBER),
    }
    _order = "change_request_id, sequence, id"
    _check_company_auto = True

    change_request_id = fields.Many2one(
        "crr.change.request", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="change_request_id.company_id", store=True, index=True, precompute=True)
    order_id = fields.Many2one(related="change_request_id.order_id", string="Order")
    currency_id = fields.Many2one(related="change_request_id.currency_id")
    order_line_id = fields.Many2one(
        "sale.order.line", index="btree_not_null", ondelete="set null", check_company=True,
        domain="[('order_id', '=', order_id), ('display_type', '=', False)]",
        help="The order line changed or removed; empty for a new line.",
    )
    old_product_id = fields.Many2one(
        "product.product", string="Current Product", compute="_compute_old_values", store=True, readonly=True
    )
    old_product_uom_qty = fields.Float(
        string="Current Quantity", digits="Product Unit", compute="_compute_old_values", store=True, readonly=True
    )
    old_price_unit = fields.Float(
        string="Current Unit Price", digits="Product Price", compute="_compute_old_values", store=True, readonly=True
    )
    new_product_id = fields.Many2one(
        "product.product", check_company=True, domain="[('sale_ok', '=', True)]",
        help="The product of a new line.",
    )
    new_product_uom_qty = fields.Float(
        string="New Quantity", digits="Product Unit", compute="_compute_new_product_uom_qty", store=True, readonly=False
    )
    new_price_unit = fields.Float(
        string="New Unit Price", digits="Product Price", compute="_compute_new_price_unit", store=True, readonly=False
    )
    remove = fields.Boolean(string="Remove Line", help="Remove this line from the order (quantity set to 0 on a "
                            "confirmed order).")
    kinds = fields.Char(compute="_compute_kinds", store=True, string="Kinds of Change")

    @api.depends("order_line_id")
    def _compute_old_values(self):
        """Snapshot of the order line when it is chosen (depends on the line only, not on its values).

        Kept when the order line is deleted later (e.g. removed from a quotation by the request itself).
        """
        for line in self:
            order_line = line.order_line_id
            if not order_line and line.old_product_id and line.change_request_id.state not in (False, "draft"):
                continue
            line.old_product_id = order_line.product_id
            line.old_product_uom_qty = order_line.product_uom_qty
            line.old_price_unit = order_line.price_unit

    @api.depends("order_line_id", "new_product_id")
    def _compute_new_product_uom_qty(self):
        for line in self:
            if line.order_line_id:
                line.new_product_uom_qty = line.order_line_id.product_uom_qty
            else:
                line.new_product_uom_qty = line.new_product_uom_qty or (1.0 if line.new_product_id else 0.0)

    @api.depends("order_line_id", "new_product_id")
    def _compute_new_price_unit(self):
        for line in self:
            if line.order_line_id:
                line.new_price_unit = line.order_line_id.price_unit
            elif line.new_product_id:
                line.new_price_unit = line.new_product_id.lst_price
            else:
                line.new_price_unit = line.new_price_unit or 0.0

    @api.depends("order_line_id", "new_product_id", "new_product_uom_qty", "new_price_unit", "remove",
                 "old_product_uom_qty", "old_price_unit")
    def _compute_kinds(self):
        for line in self:
            kinds = set()
            if line._crr_is_new_line():
                if line.new_product_id:
                    kinds |= {"quantity", "price"}
            elif line.remove:
                kinds.add("quantity")
            else:
                digits = line._crr_qty_rounding()
                if float_compare(line.new_product_uom_qty, line.old_product_uom_qty, precision_rounding=digits):
                    kinds.add("quantity")
                if float_compare(line.new_price_unit, line.old_price_unit,
                                 precision_digits=self.env["decimal.precision"].precision_get("Product Price")):
                    kinds.add("price")
            line.kinds = ",".join(sorted(kinds))

    def _crr_is_new_line(self):
        self.ensure_one()
        return not self.order_line_id and not self.old_product_id

    def _crr_qty_rounding(self):
        return (self.order_line_id.product_uom_id or self.new_product_id.uom_id).rounding or 0.01

    @api.constrains("new_product_uom_qty", "new_price_unit", "remove", "order_line_id", "new_product_id")
    def _crr_constrain_values(self):
        self._crr_check_values()

    def _crr_check_values(self):
        for line in self:
            what = line.order_line_id.display_name or line.new_product_id.display_name or self.env._("new line")
            if line._crr_is_new_line() and not line.new_product_id:
                raise ValidationError(self.env._("A new line of a change request needs a product."))
            if line.order_line_id and line.order_line_id.order_id != line.change_request_id.order_id:
                raise ValidationError(
                    self.env._(
                        "The order line %(line)s does not belong to %(order)s, the order of the change request.",
                        line=what,
                        order=line.change_request_id.order_id.name,
                    )
                )
            if line.order_line_id and line.order_line_id.display_type:
                raise ValidationError(self.env._("Sections and notes cannot be changed by a change request."))
            if not line.remove and line.new_product_uom_qty <= 0:
                raise ValidationError(
                    self.env._(
                        "The new quantity of %(line)s must be a positive number (got %(qty)s). To remove a line, "
                        "tick Remove Line.",
                        line=what,
                        qty=line.new_product_uom_qty,
                    )
                )
            if line.new_product_uom_qty > CRR_MAX_QUANTITY or line.new_price_unit > CRR_MAX_NUMBER:
                raise ValidationError(
                    self.env._(
                        "The new quantity or unit price of %(line)s is out of range (at most %(qty)s units and a "
                        "unit price of %(price)s): check the figures.",
                        line=what,
                        qty=f"{CRR_MAX_QUANTITY:g}",
                        price=f"{CRR_MAX_NUMBER:g}",
                    )
                )
            if line.new_price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "The new unit price of %(line)s cannot be negative (got %(price)s).",
                        line=what,
                        price=line.new_price_unit,
                    )
                )
            if line.remove and not line.order_line_id:
                raise ValidationError(self.env._("Only existing order lines can be removed."))

    def _crr_check_numbers(self, vals):
        """Quantities and prices come from integrations too: refuse anything that is not a number
        with a message, instead of a conversion error."""
        labels = {"new_product_uom_qty": self.env._("new quantity"), "new_price_unit": self.env._("new unit price")}
        for name, label in labels.items():
            value = vals.get(name)
            if value is None or value is False or (isinstance(value, int | float) and not isinstance(value, bool)):
                continue
            try:
                float(value)
            except (TypeError, ValueError):
                raise ValidationError(
                    self.env._("The %(field)s of a change request line must be a number (got %(value)s).",
                               field=label, value=repr(value))
                ) from None

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            self._crr_check_numbers(vals)
        requests = self.env["crr.change.request"].browse(
            [vals["change_request_id"] for vals in vals_list if vals.get("change_request_id")]
        )
        requests._crr_check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self._crr_check_numbers(vals)
        self.change_request_id._crr_check_lines_editable()
        return super().write(vals)

    def _crr_kept_message(self):
        submitted = self.change_request_id.filtered(lambda r: r.state != "draft" or r.review_line_ids)
        if submitted:
            return self.env._(
                "The lines of the change request %(request)s are kept with it: it was submitted. Cancel the change "
                "request instead.",
                request=submitted[0].name,
            )
        return None

    def _crr_label(self):
        self.ensure_one()
        product = self.order_line_id.product_id or self.old_product_id or self.new_product_id
        return product.display_name or self.order_line_id.name or ""

    def _crr_check_applicable(self):
        """Refuse when the order line moved since the snapshot or a quantity drops below delivered/invoiced."""
        request = self.change_request_id
        rows = []
        for line in self:
            order_line = line.order_line_id
            label = line._crr_label()
            if line._crr_is_new_line():
                rows.extend(line._crr_rows())
                continue
            if not order_line.exists():
                raise UserError(
                    self.env._("%(request)s cannot be applied: the order line %(line)s was deleted.",
                               request=request.name, line=label)
                )
            qty_field = order_line._fields["product_uom_qty"]
            price_field = order_line._fields["price_unit"]
            rounding = line._crr_qty_rounding()
            price_digits = self.env["decimal.precision"].precision_get("Product Price")
            if order_line.product_id != line.old_product_id:
                raise request._crr_changed_since_error(
                    self.env._("the product of line %(line)s", line=label),
                    line.old_product_id.display_name, order_line.product_id.display_name,
                )
            if float_compare(order_line.product_uom_qty, line.old_product_uom_qty, precision_rounding=rounding):
                raise request._crr_changed_since_error(
                    self.env._("%(field)s of line %(line)s", field=qty_field._description_string(self.env), line=label),
                    f"{line.old_product_uom_qty:g}", f"{order_line.product_uom_qty:g}",
                )
            if float_compare(order_line.price_unit, line.old_price_unit, precision_digits=price_digits):
                raise request._crr_changed_since_error(
                    self.env._("%(field)s of line %(line)s", field=price_field._description_string(self.env),
                               line=label),
                    f"{line.old_price_unit:g}", f"{order_line.price_unit:g}",
                )
            new_qty = 0.0 if line.remove else line.new_product_uom_qty
            for done_field in ("qty_delivered", "qty_invoiced"):
                done = order_line[done_field]
                if float_compare(new_qty, done, precision_rounding=rounding) < 0:
                    raise UserError(
                        self.env._(
                            "%(request)s cannot be applied: the new quantity of %(line)s (%(new)s) would be below "
                            "the %(what)s quantity (%(done)s). The current quantity is %(old)s.",
                            request=request.name,
                            line=label,
                            new=f"{new_qty:g}",
                            what=self.env._("delivered") if done_field == "qty_delivered"
                            else self.env._("invoiced"),
                            done=f"{done:g}",
                            old=f"{order_line.product_uom_qty:g}",
                        )
                    )
            if order_line.order_id.state == "sale" and line.remove and order_line.qty_invoiced:
                raise UserError(
                    self.env._("%(request)s cannot be applied: the line %(line)s is invoiced and cannot be removed.",
                               request=request.name, line=label)
                )
            rows.extend(line._crr_rows())
        return rows

    def _crr_rows(self):
        """(what, before, after) of this line for the before/after table and the change notice."""
        self.ensure_one()
        label = self._crr_label()
        none = self.env._("(none)")
        if self.remove:
            return [(
                self.env._("Line removed: %(product)s", product=label),
                self.env._("%(qty)s x %(price)s", qty=f"{self.old_product_uom_qty:g}", price=f"{self.old_price_unit:g}"),
                self.env._("(removed)"),
            )]
        if self._crr_is_new_line():
            return [(
                self.env._("New line: %(product)s", product=label),
                none,
                self.env._("%(qty)s x %(price)s", qty=f"{self.new_product_uom_qty:g}", price=f"{self.new_price_unit:g}"),
            )]
        rows = []
        kinds = set((self.kinds or "").split(","))
        if "quantity" in kinds:
            rows.append((self.env._("Quantity: %(product)s", product=label),
                         f"{self.old_product_uom_qty:g}", f"{self.new_product_uom_qty:g}"))
        if "price" in kinds:
            rows.append((self.env._("Unit price: %(product)s", product=label),
                         f"{self.old_price_unit:g}", f"{self.new_price_unit:g}"))
        return rows

    def _crr_order_line_commands(self):
        self.ensure_one()
        order_line = self.order_line_id
        if not order_line:
            return [Command.create({
                "product_id": self.new_product_id.id,
                "product_uom_qty": self.new_product_uom_qty,
                "price_unit": self.new_price_unit,
            })]
        if self.remove:
            if order_line.order_id.state == "sale":
                return [Command.update(order_line.id, {"product_uom_qty": 0.0})]
            return [Command.delete(order_line.id)]
        vals = {}
        kinds = set((self.kinds or "").split(","))
        if "quantity" in kinds:
            vals["product_uom_qty"] = self.new_product_uom_qty
        if "price" in kinds:
            vals["price_unit"] = self.new_price_unit
        return [Command.update(order_line.id, vals)] if vals else []
