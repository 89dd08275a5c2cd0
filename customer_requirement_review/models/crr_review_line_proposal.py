from odoo import fields, models

from .crr_review_line import REQUEST_ACTIONS

# the class loaded just before this one (models/__init__.py): its action-only fields are kept
from .crr_review_line_sample import CrrReviewLine as CrrReviewLineBase


class CrrReviewLine(models.Model):
    """Review lines of the project proposals of tenders (立项建议书), approved by the general manager."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    _crr_action_fields = {
        **CrrReviewLineBase._crr_action_fields,
        "project_proposal_id": REQUEST_ACTIONS,
    }

    # ondelete restrict: a review line is a record of the review, never deleted with its subject
    project_proposal_id = fields.Many2one(
        "crr.project.proposal", index="btree_not_null", ondelete="restrict",
        readonly=True,
    )

    def _crr_subject(self):
        self.ensure_one()
        return self.project_proposal_id or super()._crr_subject()
