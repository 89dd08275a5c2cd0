from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crr_change_kinds import format_kinds, requirement_kind


class CrrChangeRequestRequirement(models.Model):
    """A change of the order's requirement list (the specification, the transport mode, the packaging...)
    asked by a change request: a new requirement, a changed one, or one withdrawn. Applied with the request,
    it lands in the order's requirement list (crr.requirement), never in its terms-and-conditions note."""

    _name = "crr.change.request.requirement"
    _description = "Order Change Request: Requirement Change"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "change_request_id, sequence, id"
    _check_company_auto = True

    change_request_id = fields.Many2one("crr.change.request", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="change_request_id.company_id", store=True, index=True, precompute=True)
    order_id = fields.Many2one(related="change_request_id.order_id", string="Order")
    requirement_id = fields.Many2one(
        "crr.requirement", string="Requirement Changed", index="btree_not_null", ondelete="set null",
        check_company=True, domain="[('order_id', '=', order_id)]",
        help="The requirement of the order changed or withdrawn; empty for a new requirement.",
    )
    old_category = fields.Selection(
        lambda self: self.env["crr.requirement"]._fields["category"]._description_selection(self.env),
        string="Current Category", compute="_compute_old_values", store=True, readonly=True,
    )
    old_name = fields.Char(string="Current Requirement", compute="_compute_old_values", store=True, readonly=True)
    old_description = fields.Text(string="Current Clause Text", compute="_compute_old_values", store=True,
                                  readonly=True)
    category = fields.Selection(
        lambda self: self.env["crr.requirement"]._fields["category"]._description_selection(self.env),
        string="New Category", compute="_compute_new_values", store=True, readonly=False, required=True,
        precompute=True,
    )
    name = fields.Char(string="New Requirement", compute="_compute_new_values", store=True, readonly=False,
                       precompute=True)
    description = fields.Text(string="New Clause Text", compute="_compute_new_values", store=True, readonly=False,
                              precompute=True)
    department_id = fields.Many2one(
        "crr.department", string="Responsible Department", compute="_compute_new_values", store=True,
        readonly=False, precompute=True, check_company=True,
    )
    withdraw = fields.Boolean(
        string="Withdraw Requirement", help="The requirement no longer applies: it is kept in the list, marked "
        "not applicable.",
    )
    kinds = fields.Char(compute="_compute_kinds", store=True, string="Kinds of Change")

    @api.depends("requirement_id")
    def _compute_old_values(self):
        """Snapshot of the requirement when it is chosen (depends on the requirement only)."""
        for line in self:
            requirement = line.requirement_id
            if not requirement and line.old_name and line.change_request_id.state not in (False, "draft"):
                continue
            line.old_category = requirement.category
            line.old_name = requirement.name
            line.old_description = requirement.description

    @api.depends("requirement_id")
    def _compute_new_values(self):
        for line in self:
            requirement = line.requirement_id
            if requirement:
                line.category = requirement.category
                line.name = requirement.name
                line.description = requirement.description
                line.department_id = requirement.department_id
            else:
                line.category = line.category or "specification"

    @api.depends("requirement_id", "category", "name", "description", "department_id", "withdraw", "old_category",
                 "old_name", "old_description")
    def _compute_kinds(self):
        for line in self:
            kinds = set()
            if line._crr_is_new():
                kinds.add(requirement_kind(line.category))
            elif line.withdraw:
                kinds.add(requirement_kind(line.old_category))
            elif line._crr_changed():
                kinds |= {requirement_kind(line.old_category), requirement_kind(line.category)}
            line.kinds = format_kinds(kinds)

    def _crr_is_new(self):
        self.ensure_one()
        return not self.requirement_id and not self.old_name

    def _crr_changed(self):
        self.ensure_one()
        return (
            (self.category, (self.name or "").strip(), (self.description or "").strip())
            != (self.old_category, (self.old_name or "").strip(), (self.old_description or "").strip())
            or (self.requirement_id and self.department_id != self.requirement_id.department_id)
        )

    @api.constrains("requirement_id", "name", "withdraw")
    def _crr_constrain_values(self):
        for line in self:
            if line.requirement_id and line.requirement_id.order_id != line.change_request_id.order_id:
                raise ValidationError(
                    self.env._(
                        "The requirement %(requirement)s is not one of %(order)s, the order of the change request.",
                        requirement=line.requirement_id.name,
                        order=line.change_request_id.order_id.name,
                    )
                )
            if not (line.name or "").strip():
                raise ValidationError(self.env._("A requirement change needs the requirement."))
            if line.withdraw and not line.requirement_id:
                raise ValidationError(self.env._("Only existing requirements can be withdrawn."))

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        self.env["crr.change.request"].browse(
            [vals["change_request_id"] for vals in vals_list if vals.get("change_request_id")]
        )._crr_check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.change_request_id._crr_check_lines_editable()
        return super().write(vals)

    def _crr_kept_message(self):
        submitted = self.change_request_id.filtered(lambda r: r.state != "draft" or r.review_line_ids)
        if submitted:
            return self.env._(
                "The requirement changes of the change request %(request)s are kept with it: it was submitted. "
                "Cancel the change request instead.",
                request=submitted[0].name,
            )
        return None

    # -- apply -------------------------------------------------------------------------------------------
    def _crr_category_label(self, category):
        return dict(self._fields["category"]._description_selection(self.env)).get(category, "")

    def _crr_check_applicable(self):
        """Refuse when a changed requirement moved since the snapshot; the (what, before, after) rows."""
        request = self.change_request_id[:1]
        for line in self.filtered(lambda line: not line._crr_is_new()):
            requirement = line.requirement_id
            if not requirement.exists():
                raise UserError(
                    self.env._("%(request)s cannot be applied: the requirement %(name)s was deleted.",
                               request=request.name, name=line.old_name)
                )
            if (requirement.category, requirement.name, requirement.description or False) != (
                line.old_category, line.old_name, line.old_description or False
            ):
                raise request._crr_changed_since_error(
                    self.env._("the requirement %(name)s", name=line.old_name), line.old_name, requirement.name
                )
        return [row for line in self for row in line._crr_rows()]

    def _crr_rows(self):
        """(what, before, after) of this change for the before/after table and the change notice."""
        self.ensure_one()
        none = self.env._("(none)")

        def text(category, name, description):
            label = f"[{self._crr_category_label(category)}] {name or ''}"
            return f"{label}: {description}" if description else label

        old = text(self.old_category, self.old_name, self.old_description)
        new = text(self.category, self.name, self.description)
        if self._crr_is_new():
            return [(self.env._("New requirement"), none, new)]
        if self.withdraw:
            return [(self.env._("Requirement withdrawn"), old, self.env._("(not applicable)"))]
        if not self._crr_changed():
            return []
        return [(self.env._("Requirement changed"), old, new)]

    def _crr_apply(self):
        """Write the changes to the order's requirement list (inside the request's apply)."""
        Requirement = self.env["crr.requirement"].sudo()
        new_vals = []
        for line in self:
            vals = {
                "category": line.category,
                "name": line.name,
                "description": line.description,
                "department_id": line.department_id.id,
            }
            note = self.env._("Changed by %(request)s.", request=line.change_request_id.name)
            if line._crr_is_new():
                new_vals.append({**vals, "order_id": line.change_request_id.order_id.id, "source": "stated",
                                 "response_note": note})
            elif line.withdraw:
                line.requirement_id.sudo().write({"response": "not_applicable", "response_note": self.env._(
                    "Withdrawn by %(request)s.", request=line.change_request_id.name)})
            elif line._crr_changed():
                line.requirement_id.sudo().write({**vals, "response_note": note})
        if new_vals:
            Requirement.create(new_vals)

