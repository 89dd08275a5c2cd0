from odoo import api, fields, models
from odoo.exceptions import UserError


class CrrChecklistItem(models.Model):
    """What a department checks in a review (the procedures' per-department checklists): each open review line
    of an order gets one answer line per active item of its department (``crr.review.line.check``)."""

    _name = "crr.checklist.item"
    _description = "Review Checklist Item"
    _inherit = ["mail.thread", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "department_id, sequence, id"
    _check_company_auto = True

    department_id = fields.Many2one(
        "crr.department", required=True, index=True, ondelete="cascade", check_company=True, tracking=True
    )
    company_id = fields.Many2one(related="department_id.company_id", store=True, index=True, precompute=True)
    name = fields.Char(string="Question", required=True, translate=True, tracking=True)
    description = fields.Text(translate=True, help="What the reviewer looks at to answer (shown on the review line).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        used = self.env["crr.review.line.check"].sudo().search_count([("item_id", "in", self.ids)], limit=1)
        if used:
            raise UserError(
                self.env._(
                    "This checklist item was answered in reviews: the answers are kept, archive the item instead."
                )
            )

    @api.model
    def _crr_items_by_department(self, departments):
        """``{department id: active items}`` of ``departments``, in one query."""
        items = self.sudo().search([("department_id", "in", departments.ids)])
        return items.grouped(lambda item: item.department_id.id)
