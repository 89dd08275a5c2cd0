from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list

from .crr_record_guard_mixin import crr_scope


class CrrReviewLine(models.Model):
    """The department's checklist on its review line of an order (the procedures' per-department checks).

    The answer lines are created with the round's review lines, in one batch; approving needs every item
    answered, and a "no" needs the department's opinion (checked for all the lines decided at once in one
    query). Carried-over approvals keep the answers of the line they come from.
    """

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    check_ids = fields.One2many("crr.review.line.check", "line_id", string="Checklist")
    check_count = fields.Integer(string="Checklist Items", compute="_compute_check_progress")
    check_unanswered_count = fields.Integer(string="Unanswered Items", compute="_compute_check_progress")

    @api.depends("check_ids.answer")
    def _compute_check_progress(self):
        for line in self:
            line.check_count = len(line.check_ids)
            line.check_unanswered_count = len(line.check_ids.filtered(lambda check: not check.answer))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._crr_create_checks()
        return lines

    def _crr_checklist_lines(self):
        """The lines of ``self`` that have a checklist: the reviews of an order (not of its change requests nor
        of other subjects) in a company that uses department checklists."""
        return self.filtered(
            lambda line: line.company_id._crr_review_setting("crr_review_checklist") and line._crr_subject()._name == "sale.order"
        )

    def _crr_create_checks(self):
        """The answer lines of new review lines: one per active item of their department (one search of the
        items, one batch create); a carried-over approval copies the answers of the line it comes from."""
        lines = self._crr_checklist_lines()
        if not lines:
            return
        items = self.env["crr.checklist.item"]._crr_items_by_department(lines.department_id)
        carried = lines.carried_from_line_id
        previous = {}
        if carried:
            for check in self.env["crr.review.line.check"].sudo().search([("line_id", "in", carried.ids)]):
                previous[check.line_id.id, check.item_id.id] = check
        vals_list = []
        for line in lines:
            for item in items.get(line.department_id.id, ()):
                old = previous.get((line.carried_from_line_id.id, item.id))
                vals_list.append(
                    {
                        "line_id": line.id,
                        "item_id": item.id,
                        "answer": old.answer if old else False,
                        "note": old.note if old else False,
                        "answered_by_id": old.answered_by_id.id if old else False,
                        "answered_date": old.answered_date if old else False,
                    }
                )
        if vals_list:
            with crr_scope():
                self.env["crr.review.line.check"].sudo().create(vals_list)

    def _crr_check_decision(self, decision, opinion=None, conditions=None):
        behalf = super()._crr_check_decision(decision, opinion=opinion, conditions=conditions)
        if decision != "rejected":
            self._crr_check_checklist_answered(opinion=opinion)
        return behalf

    def _crr_check_checklist_answered(self, opinion=None):
        """Refuse the approval of lines with unanswered checklist items, or with a "no" and no opinion: one
        query for all the lines, none where the company does not use the department checklists (the setting
        switched off during a round releases the lines' checklists too)."""
        lines = self.filtered(lambda line: line.company_id._crr_review_setting("crr_review_checklist"))
        if lines:
            lines._crr_check_checklist_lines(opinion=opinion)

    def _crr_check_checklist_lines(self, opinion=None):
        counts = self.env["crr.review.line.check"].sudo()._read_group(
            [("line_id", "in", self.ids), ("answer", "in", (False, "no"))], ["line_id", "answer"], ["__count"]
        )
        unanswered = {line for line, answer, _count in counts if not answer}
        answered_no = {line for line, answer, _count in counts if answer == "no"}
        for line in self:
            if line in unanswered:
                names = line.check_ids.filtered(lambda check: not check.answer).mapped("name")
                raise UserError(
                    self.env._(
                        "Answer every item of the checklist of %(line)s before approving (yes, no or N/A): "
                        "%(items)s.",
                        line=line.display_name,
                        items=format_list(self.env, names),
                    )
                )
            opinion_text = (opinion if opinion is not None else line.opinion) or ""
            if line in answered_no and not opinion_text.strip():
                names = line.check_ids.filtered(lambda check: check.answer == "no").mapped("name")
                raise UserError(
                    self.env._(
                        "The checklist of %(line)s answers \"no\" to %(items)s: write the department's opinion "
                        "(what is missing and how it is handled) before approving.",
                        line=line.display_name,
                        items=format_list(self.env, names),
                    )
                )
