from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import OPEN_LINE_STATES

CHECK_ANSWERS = [("yes", "Yes"), ("no", "No"), ("na", "N/A")]
OPENED_BY = "the review request of the order (action_request_review)"


class CrrReviewLineCheck(models.Model):
    """One department's answer to one checklist item on its review line of an order.

    Created with the review line (the round's lines and their answer lines in one batch); answered on the line
    form by whoever may decide the line while it is open; frozen once the line is decided or closed, and kept.
    """

    _name = "crr.review.line.check"
    _description = "Review Checklist Answer"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "line_id, sequence, id"
    _check_company_auto = True
    _crr_action_fields = {
        "line_id": OPENED_BY,
        "item_id": OPENED_BY,
        "answered_by_id": "the answer itself (answer / note on the open review line)",
        "answered_date": "the answer itself (answer / note on the open review line)",
    }

    line_id = fields.Many2one("crr.review.line", required=True, index=True, ondelete="restrict", readonly=True)
    item_id = fields.Many2one(
        "crr.checklist.item", string="Checklist Item", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True, precompute=True)
    department_id = fields.Many2one(related="line_id.department_id")
    line_state = fields.Selection(related="line_id.state", string="Review Line Status")
    name = fields.Char(related="item_id.name", string="Question")
    description = fields.Text(related="item_id.description")
    sequence = fields.Integer(related="item_id.sequence", store=True, precompute=True)
    answer = fields.Selection(CHECK_ANSWERS, string="Check Result", index=True, help="No: the department's opinion on the line is required.")
    note = fields.Text()
    answered_by_id = fields.Many2one("res.users", readonly=True)
    answered_date = fields.Datetime(string="Answered On", readonly=True)

    _line_item_uniq = models.UniqueIndex("(line_id, item_id)", "A checklist item is answered once per review line.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self._crr_guard_open():
            self.check_access("create")
            raise UserError(
                self.env._(
                    "Checklist answers are created with their review line by %(action)s.", action=OPENED_BY
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        self._crr_check_write(vals)
        if not self._crr_guard_open():
            self._crr_check_answerable()
        result = super().write(vals)
        if {"answer", "note"} & vals.keys() and "answered_by_id" not in vals:
            with crr_scope():
                super().write({"answered_by_id": self.env.uid, "answered_date": fields.Datetime.now()})
        return result

    def _crr_check_answerable(self):
        """Answers change only on open lines, by whoever may decide them (frozen once decided)."""
        self.check_access("write")
        lines = self.line_id
        closed = lines.filtered(lambda line: line.state not in OPEN_LINE_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "The checklist of %(line)s is frozen: the review line is decided or closed (a review manager "
                    "may reopen a decided line of the current round with a reason).",
                    line=closed[0].display_name,
                )
            )
        cannot = lines.filtered(lambda line: not line.can_decide)
        if cannot:
            raise UserError(
                self.env._(
                    "Only the reviewers who may decide %(line)s answer its checklist (the line must be pending, "
                    "and four-eyes applies).",
                    line=cannot[0].display_name,
                )
            )

    def _crr_kept_message(self):
        if self:
            return self.env._(
                "Checklist answers are kept as the record of the review and cannot be deleted."
            )
        return None

    def action_answer(self, answer, note=None):
        """Answer the checklist items (``answer``: yes, no or na; an optional ``note``)."""
        self._crr_check_access("write")
        self._crr_selection_arg(answer, self._fields["answer"])
        self._crr_text_arg(note, self.env._("note"))
        vals = {"answer": answer}
        if note is not None:
            vals["note"] = note
        self.write(vals)
        return True
