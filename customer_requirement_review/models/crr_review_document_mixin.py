from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_flag


class CrrReviewDocumentMixin(models.AbstractModel):
    """What the standalone documents of the review engine (project proposal, capability commitment, sample
    request, trial use, first-batch review) do alike: a reference from their ``ir.sequence`` per company,
    their content fixed once submitted, the submitter (where recorded) as the requester of the review round.

    Listed first in the documents' ``_inherit`` (before ``crr.review.mixin``); a document sets:

      ``_crr_sequence_code``             the code of the ``ir.sequence`` naming new records ("New")
      ``_crr_content_fields``            the fields fixed once the document left ``_crr_content_editable_states``
      ``_crr_content_locked_message()``  the document's own message refusing such a change (on the record)
    """

    _name = "crr.review.document.mixin"
    _description = "Reviewed Document"

    _crr_sequence_code = None
    # the reference, from the sequence (crr.record.guard.mixin)
    _crr_create_only_fields = frozenset({"name"})
    _crr_content_fields = frozenset()
    _crr_content_editable_states = ("draft",)

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        if self._crr_sequence_code:
            Sequence = self.env["ir.sequence"].sudo()
            for vals in vals_list:
                if vals.get("name", self.env._("New")) == self.env._("New"):
                    company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                    vals["name"] = Sequence.with_company(company).next_by_code(self._crr_sequence_code) \
                        or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if not crr_flag("action") and self._crr_content_fields & vals.keys():
            self._crr_check_content_editable()
        return super().write(vals)

    def _crr_check_content_editable(self):
        """Refuse to change the content of a submitted document (what its reviewers decide on)."""
        locked = self.filtered(lambda record: record.state not in record._crr_content_editable_states)
        if locked:
            raise UserError(locked[0]._crr_content_locked_message())

    def _crr_content_locked_message(self):
        """The document's own (translated) message refusing to change the content of this submitted record."""
        raise NotImplementedError(f"{self._name} lists content fields: it defines _crr_content_locked_message()")

    def _crr_review_requester(self):
        self.ensure_one()
        if "submitted_by_id" in self._fields and self.submitted_by_id:
            return self.submitted_by_id
        return super()._crr_review_requester()
