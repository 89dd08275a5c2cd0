from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_flag, crr_scope


class CrrFieldService(models.Model):
    """Field service report (现场服务报告): someone on site within the on-site deadline when the phone
    cannot solve a critical complaint; who went, when they arrived, what they found and did."""

    _name = "crr.field.service"
    _description = "Field Service Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "deadline, id desc"
    _check_company_auto = True
    _crr_create_only_fields = frozenset({"name", "complaint_id"})
    _crr_action_fields = {
        "state": "action_done / action_cancel",
        "done_date": "action_done",
        "done_by_id": "action_done",
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    complaint_id = fields.Many2one(
        "crr.complaint", required=True, ondelete="restrict", index=True, check_company=True, readonly=True,
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", string="Customer", tracking=False)
    product_id = fields.Many2one(related="complaint_id.product_id")
    deadline = fields.Datetime(
        string="On Site By", related="complaint_id.onsite_deadline", store=True, index=True,
    )
    user_ids = fields.Many2many(
        "res.users", "crr_field_service_user_rel", "service_id", "user_id", string="Sent On Site",
        domain=[("share", "=", False)], check_company=True,
    )
    arrival_date = fields.Datetime(string="Arrived On", tracking=True)
    findings = fields.Text(tracking=True)
    actions_taken = fields.Text(tracking=True)
    customer_signature = fields.Image(max_width=1024, max_height=512, copy=False)
    signed_by = fields.Char(copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        string="Status", required=True, default="planned", tracking=True, index=True, copy=False,
    )
    done_date = fields.Datetime(string="Reported On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Reported By", readonly=True, copy=False)
    is_late = fields.Boolean(string="Late", compute="_compute_is_late")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "A field service reference must be unique per company."
    )

    @api.depends("deadline", "arrival_date", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for service in self:
            reached = service.arrival_date or (now if service.state == "planned" else False)
            service.is_late = bool(service.deadline and reached and reached > service.deadline)

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("crr.field.service") or "/"
        return super().create(vals_list)

    def _crr_kept_message(self):
        decided = self.filtered(lambda s: s.state != "planned")
        if decided:
            return self.env._(
                "Reported or cancelled field services are quality records and cannot be deleted (%(names)s).",
                names=", ".join(decided.mapped("name")),
            )
        if not crr_flag("action"):
            return self.env._("A field service cannot be deleted: cancel it instead.")
        return None

    def _crr_check_handler(self):
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")):
            raise AccessError(self.env._("Only reviewers and review managers may report or cancel field services."))
        self.check_access("write")

    def action_done(self):
        """Report the visit: who went, when they arrived, what they found and did."""
        self._crr_check_ids(self)
        self._crr_check_handler()
        for service in self:
            if service.state != "planned":
                raise UserError(self.env._("Field service %(name)s is not planned.", name=service.name))
            findings, actions_taken = (service.findings or "").strip(), (service.actions_taken or "").strip()
            missing = [
                label for label, value in (
                    (self.env._("who went on site"), service.user_ids),
                    (self.env._("the arrival time"), service.arrival_date),
                    (self.env._("the findings"), findings),
                    (self.env._("the actions taken"), actions_taken),
                ) if not value
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Field service %(name)s cannot be reported, missing: %(missing)s.",
                        name=service.name, missing="; ".join(missing),
                    )
                )
        with crr_scope():
            self.sudo().write({"state": "done", "done_date": fields.Datetime.now(), "done_by_id": self.env.uid})
        return True

    def action_cancel(self):
        self._crr_check_ids(self)
        self._crr_check_handler()
        if any(service.state != "planned" for service in self):
            raise UserError(self.env._("Only a planned field service can be cancelled."))
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        return True
