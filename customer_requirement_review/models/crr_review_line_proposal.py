from odoo import fields, models

from .crr_review_line import REQUEST_ACTIONS

# the class loaded just before this one (models/__init__.py): its subjects and action-only fields are kept
from .crr_review_line_sample import CrrReviewLine as CrrReviewLineBase


class CrrReviewLine(models.Model):
    """Review lines of the project proposals of tenders (立项建议书), approved by the general manager."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    _crr_subject_fields = ("project_proposal_id", *CrrReviewLineBase._crr_subject_fields)
    _crr_action_fields = {
        **CrrReviewLineBase._crr_action_fields,
        "project_proposal_id": REQUEST_ACTIONS,
    }

    # ondelete restrict: a review line is a record of the review, never deleted with its subject
    project_proposal_id = fields.Many2one(
        "crr.project.proposal", index="btree_not_null", ondelete="restrict",
        readonly=True,
    )

    def action_crr_open_project_proposal(self):
        """The project proposal of the line (the general manager approves it there, naming the project manager)."""
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "crr.project.proposal",
            "res_id": self.project_proposal_id.id,
            "view_mode": "form",
        }
