from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_change_kinds import REQUIREMENT_TERM_FIELDS
from .crr_record_guard_mixin import crr_flag, crr_scope
from .crr_role_door import crr_role_door

SPECIAL_STATES = [("to_approve", "To Approve"), ("approved", "Approved"), ("verified", "Fulfilment Verified")]
SPECIAL_ACTIONS = "action_crr_special_approve / action_crr_special_verify"
SPECIAL_FIELDS = {
    "crr_special_state": SPECIAL_ACTIONS,
    "crr_special_approved_by_id": "action_crr_special_approve",
    "crr_special_approved_date": "action_crr_special_approve",
    "crr_special_verified_by_id": "action_crr_special_verify",
    "crr_special_verified_date": "action_crr_special_verify",
}


class CrrRequirement(models.Model):
    """The customer's special requirements list (顾客特殊要求一览表): a special requirement is approved by the
    management representative, then its fulfilment verified by quality with evidence (a note, attachments);
    optionally (company setting) the quotation is not confirmed before."""

    _inherit = "crr.requirement"  # pylint: disable=consider-merging-classes-inherited

    crr_special = fields.Boolean(
        string="Customer Special Requirement",
        compute="_compute_crr_special",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="On the customer's special requirements list (顾客特殊要求一览表): approved by the management "
        "representative, its fulfilment verified by quality. Set for the requirements loaded from a template of "
        "the customer.",
    )
    crr_special_state = fields.Selection(
        SPECIAL_STATES, string="Special Requirement Status", default="to_approve", required=True, readonly=True,
        copy=False, tracking=True, index=True,
    )
    crr_special_approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    crr_special_approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    crr_special_verified_by_id = fields.Many2one("res.users", string="Verified By", readonly=True, copy=False)
    crr_special_verified_date = fields.Datetime(string="Verified On", readonly=True, copy=False)
    crr_special_evidence = fields.Text(
        string="Verification Evidence", copy=False, tracking=True,
        help="How the fulfilment was verified (records, reports, inspection results).",
    )
    crr_special_evidence_attachment_ids = fields.Many2many(
        "ir.attachment", "crr_requirement_special_evidence_rel", "requirement_id", "attachment_id",
        string="Evidence Attachments", copy=False,
    )

    def _register_hook(self):
        cls = type(self)
        cls._crr_action_fields = {**cls._crr_action_fields, **SPECIAL_FIELDS}
        return super()._register_hook()

    @api.depends("template_id")
    def _compute_crr_special(self):
        for requirement in self:
            requirement.crr_special = bool(requirement.template_id.partner_id) or requirement.crr_special

    # -- actions --------------------------------------------------------------------------------------
    def _crr_special_door(self):
        crr_role_door(self)

    def action_crr_special_approve(self):
        """The management representative approves the special requirements."""
        self._crr_special_door()
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_management_rep")):
            raise AccessError(
                self.env._("Only the management representative approves the customer's special requirements.")
            )
        for requirement in self.sudo():
            if not requirement.crr_special:
                raise UserError(
                    self.env._("%(name)s is not a special requirement of the customer.", name=requirement.name)
                )
            if requirement.crr_special_state != "to_approve":
                raise UserError(self.env._("%(name)s is already approved.", name=requirement.name))
        with crr_scope():
            self.sudo().write(
                {
                    "crr_special_state": "approved",
                    "crr_special_approved_by_id": self.env.uid,
                    "crr_special_approved_date": fields.Datetime.now(),
                }
            )
        return True

    def _crr_check_verifier(self):
        user = self.env.user
        if self.env.su or user.has_group("customer_requirement_review.group_crr_management_rep"):
            return
        quality = self.env["crr.department"].sudo().search(
            [("company_id", "in", self.sudo().company_id.ids), ("code", "=", "quality"), ("user_ids", "in", user.ids)]
        )
        if user._has_group("customer_requirement_review.group_crr_reviewer") and \
                set(self.sudo().company_id.ids) <= set(quality.company_id.ids):
            return
        raise AccessError(
            self.env._("Only the quality department verifies the fulfilment of the customer's special requirements.")
        )

    def action_crr_special_verify(self, evidence=None):
        """Quality verifies the fulfilment of approved special requirements, with the ``evidence`` (a note) or
        evidence attachments."""
        self._crr_special_door()
        evidence = self._crr_text_arg(evidence, self.env._("evidence"))
        self._crr_check_verifier()
        for requirement in self.sudo():
            if requirement.crr_special_state != "approved":
                raise UserError(
                    self.env._(
                        "%(name)s must be approved by the management representative before its fulfilment is "
                        "verified.",
                        name=requirement.name,
                    )
                )
            if not (evidence or "").strip() and not requirement.crr_special_evidence_attachment_ids:
                raise UserError(
                    self.env._(
                        "Give the evidence of the fulfilment of %(name)s: a note, or attach the records.",
                        name=requirement.name,
                    )
                )
        vals = {
            "crr_special_state": "verified",
            "crr_special_verified_by_id": self.env.uid,
            "crr_special_verified_date": fields.Datetime.now(),
        }
        if evidence is not None:
            vals["crr_special_evidence"] = evidence
        with crr_scope():
            self.sudo().write(vals)
        return True

    # -- protection -----------------------------------------------------------------------------------
    def write(self, vals):
        if crr_flag("action"):
            return super().write(vals)
        decided = self.filtered(lambda r: r.crr_special and r.crr_special_state != "to_approve")
        if decided and "crr_special" in vals and not vals["crr_special"]:
            raise UserError(
                self.env._(
                    "%(name)s is an approved special requirement of the customer: it stays on the list.",
                    name=decided[0].name,
                )
            )
        verified = decided.filtered(lambda r: r.crr_special_state == "verified")
        if verified and {"crr_special_evidence", "crr_special_evidence_attachment_ids"} & vals.keys():
            raise UserError(
                self.env._("The evidence of %(name)s is verified and kept: it cannot change.", name=verified[0].name)
            )
        changed = decided.filtered(
            lambda r: any(
                r._fields[f].convert_to_write(r[f], r) != vals[f] for f in REQUIREMENT_TERM_FIELDS & vals.keys()
            )
        )
        result = super().write(vals)
        if changed:
            # the approval and verification stood on the former terms: approved (and verified) again
            with crr_scope():
                changed.sudo().write(
                    {
                        "crr_special_state": "to_approve",
                        "crr_special_approved_by_id": False,
                        "crr_special_approved_date": False,
                        "crr_special_verified_by_id": False,
                        "crr_special_verified_date": False,
                    }
                )
            for requirement in changed:
                requirement.message_post(
                    body=self.env._(
                        "The special requirement changed after its approval: the management representative "
                        "approves it again."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return result

    def _crr_kept_message(self):
        decided = self.filtered(lambda r: r.crr_special and r.crr_special_state != "to_approve")
        if decided:
            return self.env._(
                "%(name)s is an approved special requirement of the customer: it is kept on the list and cannot be "
                "deleted.",
                name=decided[0].name,
            )
        return super()._crr_kept_message()
