from odoo import fields, models

from .crr_review_line import REQUEST_ACTIONS

# the class loaded just before this one (models/__init__.py): its subjects and action-only fields are kept
from .crr_review_line_capa import CrrReviewLine as CrrReviewLineBase


class CrrReviewLine(models.Model):
    """Review lines of the approvals before the order: sample requests (department manager, then the
    general manager), trial use (the general manager) and first-batch supply reviews."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    _crr_subject_fields = (
        "sample_request_id", "trial_request_id", "first_batch_review_id", *CrrReviewLineBase._crr_subject_fields
    )
    _crr_action_fields = {
        **CrrReviewLineBase._crr_action_fields,
        "sample_request_id": REQUEST_ACTIONS,
        "trial_request_id": REQUEST_ACTIONS,
        "first_batch_review_id": REQUEST_ACTIONS,
    }

    # ondelete restrict: a review line is a record of the review, never deleted with its subject
    sample_request_id = fields.Many2one(
        "crr.sample.request", index="btree_not_null", ondelete="restrict", readonly=True
    )
    trial_request_id = fields.Many2one("crr.trial.request", index="btree_not_null", ondelete="restrict", readonly=True)
    first_batch_review_id = fields.Many2one(
        "crr.first.batch.review", index="btree_not_null", ondelete="restrict", readonly=True
    )
