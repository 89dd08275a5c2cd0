from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_record_guard_mixin import crr_scope

CONTACT_TYPES = [
    ("visit", "Customer Visit"),
    ("phone", "Phone Call"),
    ("factory_visit", "Factory Visit by the Customer"),
    ("audit", "Customer Audit"),
    ("meeting", "Meeting"),
    ("letter", "Letter / E-mail"),
]


class CrrCustomerContact(models.Model):
    """A communication record of the customer file (顾客拜访记录): visit, phone call, the customer's
    visit of the factory, a customer audit, with its attendees, topics, the issues raised and the
    follow-up (a scheduled activity)."""

    _name = "crr.customer.contact"
    _description = "Customer Communication Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.record.guard.mixin"]
    # the record's own follow-up activity, which the scheduling moves as superuser: never pointed elsewhere
    _crr_action_fields = {"follow_up_activity_id": "Schedule Follow-up (set Follow-up By and Follow-up Due)"}
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "subject"

    subject = fields.Char(required=True, tracking=True)
    contact_type = fields.Selection(CONTACT_TYPES, string="Type", required=True, default="visit", tracking=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True)
    duration = fields.Float(string="Duration (hours)", default=1.0)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        domain=[("is_company", "=", True)],
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, index=True,
        domain=[("share", "=", False)],
    )
    customer_attendee_ids = fields.Many2many(
        "res.partner", "crr_customer_contact_partner_rel", "contact_id", "partner_id",
        string="Customer Attendees", domain="[('id', 'child_of', partner_id)]",
    )
    attendee_ids = fields.Many2many(
        "res.users", "crr_customer_contact_user_rel", "contact_id", "user_id", string="Our Attendees",
        domain=[("share", "=", False)],
    )
    location = fields.Char()
    topics = fields.Text(help="What was discussed: the customer's needs, requirements, market information.")
    issues = fields.Text(string="Issues Raised", help="Problems, complaints or requests the customer raised.")
    follow_up = fields.Text(string="Follow-up Actions", help="What is to be done, by whom, and feedback to departments.")
    follow_up_user_id = fields.Many2one(
        "res.users", string="Follow-up By", domain=[("share", "=", False)],
        help="Receives the follow-up activity when the record is saved.",
    )
    follow_up_date = fields.Date(string="Follow-up Due")
    follow_up_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False, index="btree_not_null")
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._crr_schedule_follow_up()
        return records

    def write(self, vals):
        result = super().write(vals)
        if {"follow_up_user_id", "follow_up_date", "follow_up"} & vals.keys():
            self._crr_schedule_follow_up()
        return result

    def _crr_schedule_follow_up(self):
        """One follow-up activity per record, for the follow-up user by the follow-up date (moved when they
        change)."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for record in self.filtered(lambda r: r.follow_up_user_id and r.follow_up_date):
            # only the record's own activity is moved (as superuser: the follow-up user may be another one)
            activity = record.follow_up_activity_id.exists().filtered(
                lambda act, record=record: act.res_model == record._name and act.res_id == record.id
            )
            summary = self.env._("Follow up: %(subject)s", subject=record.subject)
            if activity:
                activity.sudo().write(
                    {"user_id": record.follow_up_user_id.id, "date_deadline": record.follow_up_date, "note": record.follow_up}
                )
                continue
            activity = record.activity_schedule(
                activity_type_id=todo.id if todo else False,
                summary=summary,
                note=record.follow_up or "",
                date_deadline=record.follow_up_date,
                user_id=record.follow_up_user_id.id,
            )
            with crr_scope():
                record.sudo().follow_up_activity_id = activity

    def action_schedule_follow_up(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        for record in self:
            if not (record.follow_up_user_id and record.follow_up_date):
                raise UserError(
                    self.env._("Set who follows up and by when on %(record)s first.", record=record.subject)
                )
        self._crr_schedule_follow_up()
        return True
