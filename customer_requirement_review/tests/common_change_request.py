from odoo.fields import Command

from .common_review import CrrReviewCommon


class CrrChangeRequestCommon(CrrReviewCommon):
    """Confirmed orders and change request helpers on top of the review fixtures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.term_30 = cls.env["account.payment.term"].create(
            {"name": "30 days", "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})]}
        )

    @classmethod
    def _confirmed_order(cls, products=None, qty=10, **vals):
        """A confirmed order (review mode off while confirming, as for an order confirmed before review)."""
        order = cls._order(products=products or [cls.good, cls.service], qty=qty, **vals)
        mode = cls.company.crr_review_mode
        cls.company.crr_review_mode = "off"
        order.with_user(cls.salesperson).action_confirm()
        cls.company.crr_review_mode = mode
        return order

    def _change(self, order, user=None, **vals):
        Request = self.env["crr.change.request"].with_user(user or self.salesperson)
        return Request.create({"order_id": order.id, "reason": "Customer asks for more", **vals})

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _codes(self, request, states=None):
        lines = request.review_line_ids
        if states:
            lines = lines.filtered(lambda line: line.state in states)
        return set(lines.department_id.mapped("code"))

    def _approve_request(self, request):
        """Approve every line (non-final first, then the final approval when it opens)."""
        for _i in range(2):
            request.invalidate_recordset()
            for line in request.review_line_ids.filtered(lambda line: line.state == "pending"):
                line.with_user(self.reviewers[line.department_id.code]).action_approve()
        request.invalidate_recordset()
