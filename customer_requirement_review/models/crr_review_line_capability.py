from odoo import fields, models

# the class that last set the subjects and the action-only fields (models/__init__.py): both are kept
from .crr_review_line_proposal import CrrReviewLine as CrrReviewLineBase


class CrrReviewLine(models.Model):
    """Review lines of the capability commitment (初始评审报告): the departments countersign, the general manager
    approves."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    _crr_subject_fields = ("capability_commitment_id", *CrrReviewLineBase._crr_subject_fields)
    _crr_action_fields = {
        **CrrReviewLineBase._crr_action_fields,
        "capability_commitment_id": "action_submit",
    }

    # ondelete restrict: a review line is a record of the review, never deleted with its subject
    capability_commitment_id = fields.Many2one(
        "crr.capability.commitment", index="btree_not_null", ondelete="restrict",
        readonly=True,
    )
