from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope


class CrrChangeAcknowledgement(models.Model):
    """A notice to a department concerned, acknowledged by one of its members (who, when), one per department:
    the change notice of an applied change request (通知相关部门), or the distribution of a confirmed reviewed
    order and its requirements to the departments (no change request)."""

    _name = "crr.change.acknowledgement"
    _description = "Change Notice Acknowledgement"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "change_request_id desc, department_id"
    _check_company_auto = True
    _crr_action_fields = {
        "change_request_id": "action_apply of the change request",
        "department_id": "action_apply of the change request or the confirmation of the order",
        "notice_type": "action_apply of the change request or the confirmation of the order",
        "order_id": "action_apply of the change request or the confirmation of the order",
        "activity_id": "the confirmation of the order",
        "state": "action_acknowledge",
        "acknowledged_by_id": "action_acknowledge",
        "acknowledged_date": "action_acknowledge",
    }

    notice_type = fields.Selection(
        [("change", "Change Notice"), ("distribution", "Order Distribution")],
        string="Notice", required=True, default="change", readonly=True, index=True,
    )
    change_request_id = fields.Many2one("crr.change.request", index=True, ondelete="restrict", readonly=True)
    department_id = fields.Many2one(
        "crr.department", required=True, index=True, ondelete="restrict", readonly=True, check_company=True
    )
    order_id = fields.Many2one("sale.order", required=True, index=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, precompute=True, readonly=True
    )
    activity_id = fields.Many2one("mail.activity", string="To-do", readonly=True, ondelete="set null", copy=False)
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
    _distribution_department_uniq = models.UniqueIndex(
        "(order_id, department_id) WHERE notice_type = 'distribution'",
        "A department receives the distribution of an order once.",
    )
    _notice_subject = models.Constraint(
        "CHECK((notice_type = 'change') = (change_request_id IS NOT NULL))",
        "A change notice belongs to a change request; an order distribution to no change request.",
    )

    @api.depends("change_request_id", "order_id")
    def _compute_company_id(self):
        for ack in self:
            ack.company_id = (ack.change_request_id or ack.order_id).company_id

    @api.depends("change_request_id", "department_id")
    def _compute_display_name(self):
        for ack in self:
            subject = ack.change_request_id or ack.order_id
            ack.display_name = f"{subject.name or ''} / {ack.department_id.name or ''}"

    @api.depends_context("uid")
    @api.depends("state", "department_id")
    def _compute_can_acknowledge(self):
        user = self.env.user
        is_manager = user.has_group("customer_requirement_review.group_crr_manager")
        for ack in self:
            ack.can_acknowledge = ack.state == "pending" and (is_manager or user in ack.department_id.user_ids)

    def _crr_kept_message(self):
        return self.env._("Notice acknowledgements are kept as the record of the notice.") if self else None

    def action_acknowledge(self):
        """A member of the department (or a review manager) acknowledges the notice; its to-do is done."""
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
                    self.env._("Only members of %(department)s acknowledge its notice %(notice)s.",
                               department=ack.department_id.name, notice=ack.display_name)
                )
        now = fields.Datetime.now()
        activities = self.sudo().activity_id
        with crr_scope():
            self.sudo().write({"state": "acknowledged", "acknowledged_by_id": user.id, "acknowledged_date": now})
        activities.unlink()
        for subject, acks in self.sudo().grouped(lambda ack: ack.change_request_id or ack.order_id).items():
            departments = ", ".join(acks.department_id.mapped("name"))
            subject.message_post(
                body=self.env._(
                    "Change notice acknowledged by %(user)s for %(departments)s.", user=user.name,
                    departments=departments,
                ) if subject._name == "crr.change.request" else self.env._(
                    "Order distribution acknowledged by %(user)s for %(departments)s.", user=user.name,
                    departments=departments,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
