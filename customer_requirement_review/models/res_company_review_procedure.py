from odoo import fields, models


class ResCompany(models.Model):
    """Settings of the review as the procedures write it: department checklists, special requirements."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crr_review_checklist = fields.Boolean(
        string="Department Checklists",
        # off at install and in new companies, as the review itself: the company adapts the shipped checklists
        # to its departments first
        default=False,
        help="Each department's review line of an order opens with the department's checklist (what the "
        "procedures have it check); the department answers every item (yes, no, N/A) before approving, and "
        "explains a \"no\" in its opinion.",
    )
    crr_block_unverified_special = fields.Boolean(
        string="Special Requirements Verified Before Confirmation",
        default=False,
        help="A quotation is not confirmed while one of the customer's special requirements on it (顾客特殊要求一览表) "
        "is not approved by the management representative and its fulfilment verified by quality.",
    )
