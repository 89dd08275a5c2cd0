from odoo import fields, models


class CrrDepartment(models.Model):
    """The department's checklist: copied with the department (a new company's departments get theirs)."""

    _inherit = "crr.department"  # pylint: disable=consider-merging-classes-inherited

    checklist_item_ids = fields.One2many(
        "crr.checklist.item", "department_id", string="Checklist", copy=True,
        help="What the department checks in a review; each of its review lines of an order opens with these items "
        "to answer (when the company uses department checklists).",
    )
