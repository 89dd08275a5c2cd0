from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_flag, crr_scope

VERDICTS = [
    ("pending", "Waiting for the Customer"),
    ("approved", "Approved"),
    ("rework", "Rework: New Sample"),
    ("rejected", "Rejected"),
]


class CrrSampleRound(models.Model):
    """One sample sent to the customer and the customer's verdict on it (样品承认书)."""

    _name = "crr.sample.round"
    _description = "Sample Round"
    _inherit = ["crr.record.guard.mixin"]
    _order = "request_id, sequence, id"
    _check_company_auto = True

    _crr_action_fields = {
        "verdict": "Customer Approved / Rework / Rejected (or the customer's signature on the portal)",
        "verdict_date": "Customer Approved / Rework / Rejected",
        "verdict_by_id": "Customer Approved / Rework / Rejected",
        "signed_by": "the customer's signature on the portal",
        "signed_on": "the customer's signature on the portal",
        "signature": "the customer's signature on the portal",
    }

    request_id = fields.Many2one(
        "crr.sample.request", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(related="request_id.partner_id")
    sequence = fields.Integer(string="Round", default=1)
    sent_date = fields.Date(string="Sent On")
    carrier = fields.Char(help="Carrier or courier, e.g. SF Express, DHL.")
    tracking_ref = fields.Char(string="Tracking Number")
    quantity = fields.Float(digits="Product Unit")
    verdict = fields.Selection(VERDICTS, default="pending", required=True, readonly=True, copy=False, index=True)
    comments = fields.Text(string="Customer's Comments")
    verdict_date = fields.Datetime(readonly=True, copy=False)
    verdict_by_id = fields.Many2one("res.users", string="Recorded By", readonly=True, copy=False)
    signed_by = fields.Char(readonly=True, copy=False)
    signed_on = fields.Datetime(readonly=True, copy=False)
    signature = fields.Image(max_width=1024, max_height=1024, readonly=True, copy=False, attachment=True)

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        Request = self.env["crr.sample.request"]
        for vals in vals_list:
            request = Request.browse(vals.get("request_id"))
            if not request.exists():
                raise UserError(self.env._("A sample round belongs to a sample request."))
            if request.state != "approved":
                raise UserError(
                    self.env._(
                        "Sample request %(name)s is not approved by the department manager and the general "
                        "manager (or is already closed): no sample can be sent.",
                        name=request.name,
                    )
                )
            if request.round_ids.filtered(lambda r: r.verdict == "pending"):
                raise UserError(
                    self.env._(
                        "The last sample of %(name)s still waits for the customer's verdict.", name=request.name
                    )
                )
            vals.setdefault("sequence", len(request.round_ids) + 1)
        return super().create(vals_list)

    def write(self, vals):
        if not crr_flag("action") and self.filtered(lambda r: r.verdict != "pending"):
            raise UserError(self.env._("The customer's verdict on this sample is recorded: the round is kept as it is."))
        return super().write(vals)

    def _crr_kept_message(self):
        if self.filtered(lambda r: r.verdict != "pending" or r.sent_date):
            return self.env._("Sample rounds sent to the customer are kept.")
        return None

    # -- verdict ----------------------------------------------------------------------------------
    def _crr_check_verdict_allowed(self):
        self.check_access("write")
        for sample_round in self:
            if sample_round.company_id not in self.env.companies:
                raise AccessError(self.env._("This sample belongs to another company."))
            if sample_round.verdict != "pending":
                raise UserError(self.env._("The customer's verdict on round %(round)s is already recorded.",
                                           round=sample_round.sequence))
            if not sample_round.sent_date:
                raise UserError(self.env._("Record when the sample was sent before the customer's verdict."))
            if sample_round.request_id.state != "approved":
                raise UserError(self.env._("Sample request %(name)s is closed.", name=sample_round.request_id.name))

    def _crr_set_verdict(self, verdict, comments=None, signed_by=None, signature=None, author=None):
        """Record the verdict (internal: after the access checks of the caller)."""
        self.ensure_one()
        vals = {"verdict": verdict, "verdict_date": fields.Datetime.now(), "verdict_by_id": self.env.uid}
        if comments:
            vals["comments"] = comments
        if signature:
            vals.update(signed_by=signed_by, signed_on=fields.Datetime.now(), signature=signature)
        with crr_scope():
            self.sudo().write(vals)
        request = self.request_id.sudo()
        labels = dict(VERDICTS)
        request.message_post(
            body=self.env._(
                "Sample round %(round)s: %(verdict)s. %(comments)s",
                round=self.sequence, verdict=labels[verdict], comments=comments or self.comments or "",
            ),
            author_id=author.id if author else None,
            subtype_xmlid="mail.mt_comment",
        )
        request._crr_round_decided(self)

    def action_customer_approve(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        self._crr_check_verdict_allowed()
        for sample_round in self:
            sample_round._crr_set_verdict("approved")
        return True

    def action_customer_rework(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        self._crr_check_verdict_allowed()
        for sample_round in self:
            sample_round._crr_set_verdict("rework")
        return True

    def action_customer_reject(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        self._crr_check_verdict_allowed()
        for sample_round in self:
            sample_round._crr_set_verdict("rejected")
        return True
