from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_scope


class CrrComplaintAction(models.Model):
    _name = "crr.complaint.action"
    _description = "Complaint Corrective / Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "complaint_id, deadline, id"
    _check_company_auto = True
    _crr_action_fields = {
        "state": "action_done / action_verify / action_reopen",
        "done_date": "action_done",
        "verified_by_id": "action_verify",
        "verified_date": "action_verify",
    }

    complaint_id = fields.Many2one(
        "crr.complaint", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    action_type = fields.Selection(
        [("containment", "Containment"), ("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
    )
    name = fields.Char(string="Action", required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        check_company=True,
        domain=[("share", "=", False)],
        index="btree_not_null",
    )
    deadline = fields.Date(tracking=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("verified", "Verified")],
        string="Status",
        required=True,
        default="open",
        tracking=True,
        copy=False,
        index=True,
        readonly=True,
    )
    done_date = fields.Date(string="Done On", readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    verified_date = fields.Date(string="Verified On", readonly=True, copy=False, tracking=True)
    verification_note = fields.Text(tracking=True)
    is_late = fields.Boolean(compute="_compute_is_late", string="Late")
    complaint_state = fields.Selection(related="complaint_id.state", string="Complaint Status", tracking=False)
    partner_id = fields.Many2one(related="complaint_id.partner_id", string="Customer", tracking=False)

    @api.depends("deadline", "state")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_late = action.state == "open" and bool(action.deadline) and action.deadline < today

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions._crr_schedule_owner_activity()
        return actions

    def write(self, vals):
        res = super().write(vals)
        if "user_id" in vals or "deadline" in vals:
            self._crr_schedule_owner_activity()
        return res

    def _crr_schedule_owner_activity(self):
        """One activity per open action, for its responsible, due on its deadline: rescheduled when the
        responsible or the deadline changes, marked done when the action is done."""
        activity_type = self.env.ref("customer_requirement_review.mail_activity_crr_capa", raise_if_not_found=False)
        if not activity_type:
            return
        actions = self.sudo()
        actions.activity_unlink(["customer_requirement_review.mail_activity_crr_capa"])
        types = dict(self._fields["action_type"]._description_selection(self.env))
        model = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # one creation for the batch (activity_schedule creates one activity per call)
        self.env["mail.activity"].sudo().create([
            {
                "res_model_id": model,
                "res_id": action.id,
                "activity_type_id": activity_type.id,
                "automated": True,
                "summary": self.env._("%(type)s action of complaint %(complaint)s",
                                      type=types[action.action_type], complaint=action.complaint_id.name),
                "note": action.name,
                "user_id": action.user_id.id,
                "date_deadline": action.deadline or today,
            }
            for action in actions.filtered(lambda a: a.state == "open" and a.user_id)
        ])

    def _crr_kept_message(self):
        kept = self.filtered(lambda a: a.state in ("done", "verified") or a.complaint_id.state == "closed")
        if kept:
            return self.env._(
                "Done or verified actions and actions of closed complaints cannot be deleted: %(names)s.",
                names=", ".join(kept.mapped("name")),
            )
        return None

    def _crr_check_complaint_open(self):
        for action in self:
            if action.complaint_id.state in ("closed", "rejected", "cancelled"):
                raise UserError(
                    self.env._(
                        "Action %(action)s belongs to complaint %(complaint)s, which is no longer open.",
                        action=action.name,
                        complaint=action.complaint_id.name,
                    )
                )

    def action_done(self):
        """The responsible (or a reviewer) reports the action as carried out."""
        # the responsible may be an employee with read-only access: read access and company checked here
        self._crr_check_access("read")
        is_reviewer = self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")
        for action in self:
            if not is_reviewer and action.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only the responsible of action %(action)s or a reviewer may mark it as done.",
                        action=action.name,
                    )
                )
            if action.state != "open":
                raise UserError(
                    self.env._("Action %(action)s is not open: it cannot be marked as done.", action=action.name)
                )
        self._crr_check_complaint_open()
        # the responsible may be an employee with read-only access to the actions
        with crr_scope():
            self.sudo().write({"state": "done", "done_date": fields.Date.context_today(self)})
        self.sudo().activity_feedback(["customer_requirement_review.mail_activity_crr_capa"])
        return True

    def action_verify(self):
        """A reviewer checks that a done action is effective (records who and when)."""
        self._crr_check_ids(self)
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")):
            raise AccessError(self.env._("Only reviewers and review managers may verify corrective actions."))
        is_manager = self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_manager")
        for action in self:
            if action.state != "done":
                raise UserError(
                    self.env._(
                        "Action %(action)s must be done before it is verified (it is %(state)s).",
                        action=action.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[action.state],
                    )
                )
            if not is_manager and action.user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You are responsible for action %(action)s: another reviewer must verify it.",
                        action=action.name,
                    )
                )
        self._crr_check_access("write")
        self._crr_check_complaint_open()
        with crr_scope():
            self.write(
                {
                    "state": "verified",
                    "verified_by_id": self.env.uid,
                    "verified_date": fields.Date.context_today(self),
                }
            )
        return True

    def action_reopen(self):
        """Send a done or verified action back to open (not effective)."""
        self._crr_check_ids(self)
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")):
            raise AccessError(self.env._("Only reviewers and review managers may reopen corrective actions."))
        self._crr_check_access("write")
        self._crr_check_complaint_open()
        with crr_scope():
            self.write({"state": "open", "done_date": False, "verified_by_id": False, "verified_date": False})
        self._crr_schedule_owner_activity()
        return True
