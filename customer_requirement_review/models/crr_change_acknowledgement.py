from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope


class CrrChangeAcknowledgement(models.Model):
    """The change notice of an applied change request, one per department concerned (通知相关部门): the
    department acknowledges that it knows the changed requirements, and who did so is recorded."""

    _name = "crr.change.acknowledgement"
    _description = "Change Notice Acknowledgement"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "change_request_id desc, department_id"
    _check_company_auto = True
    _crr_action_fields = {
        "change_request_id": "action_apply of the change request",
        "department_id": "action_apply of the change request",
        "state": "action_acknowledge",
        "acknowledged_by_id": "action_acknowledge",
        "acknowledged_date": "action_acknowledge",
    }

    change_request_id = fields.Many2one(
        "crr.change.request", required=True, index=True, ondelete="restrict", readonly=True
    )
    department_id = fields.Many2one(
        "crr.department", required=True, index=True, ondelete="restrict", readonly=True, check_company=True
    )
    company_id = fields.Many2one(related="change_request_id.company_id", store=True, index=True, precompute=True)
    order_id = fields.Many2one(related="change_request_id.order_id", store=True, index=True, string="Order")
    state = fields.Selection(
        [("pending", "To Acknowledge"), ("acknowledged", "Notice Acknowledged")],
        required=True, default="pending", readonly=True, index=True,
    )
    acknowledged_by_id = fields.Many2one("res.users", string="Notice Acknowledged By", readonly=True)
    acknowledged_date = fields.Datetime(string="Notice Acknowledged On", readonly=True)
    can_acknowledge = fields.Boolean(compute="_compute_can_acknowledge")

    _request_department_uniq = models.Constraint(
        "UNIQUE(change_request_id, department_id)", "A department is told of a change request once."
    )

    @api.depends("change_request_id", "department_id")
    def _compute_display_name(self):
        for ack in self:
            ack.display_name = f"{ack.change_request_id.name or ''} / {ack.department_id.name or ''}"

    @api.depends_context("uid")
    @api.depends("state", "department_id")
    def _compute_can_acknowledge(self):
        user = self.env.user
        is_manager = user.has_group("customer_requirement_review.group_crr_manager")
        for ack in self:
            ack.can_acknowledge = ack.state == "pending" and (is_manager or user in ack.department_id.user_ids)

    def _crr_kept_message(self):
        return self.env._("Change notice acknowledgements are kept as the record of the notice.") if self else None

    def action_acknowledge(self):
        """A member of the department (or a review manager) acknowledges the change notice."""
        self._crr_check_access("read")
        user = self.env.user
        is_manager = user.has_group("customer_requirement_review.group_crr_manager")
        for ack in self.sudo():
            if ack.state != "pending":
                raise UserError(
                    self.env._("%(notice)s was already acknowledged by %(user)s.", notice=ack.display_name,
                               user=ack.acknowledged_by_id.name)
                )
            if not (is_manager or user in ack.department_id.user_ids):
                raise UserError(
                    self.env._("Only members of %(department)s acknowledge its change notice %(notice)s.",
                               department=ack.department_id.name, notice=ack.display_name)
                )
        now = fields.Datetime.now()
        with crr_scope():
            self.sudo().write({"state": "acknowledged", "acknowledged_by_id": user.id, "acknowledged_date": now})
        for request, acks in self.sudo().grouped("change_request_id").items():
            request.message_post(
                body=self.env._(
                    "Change notice acknowledged by %(user)s for %(departments)s.",
                    user=user.name, departments=", ".join(acks.department_id.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
