from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crr_sample_required = fields.Boolean(
        string="New Products Wait for an Approved Sample",
        help="A quotation with a product this customer never bought cannot be confirmed before the customer "
        "approved a sample of it (sample request approved by the customer).",
    )
    crr_first_batch_review = fields.Boolean(
        # off at install, like the review itself: a company turns it on once its quality reviewers are named
        string="First-Batch Supply Review", default=False,
        help="Open a first-batch supply review (新开发改型新顾客首批供货评审) for the first delivery of a new or "
        "modified product, or to a new customer.",
    )
