from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .crr_record_guard_mixin import crr_scope


class CrrPeriodicReviewMixin(models.AbstractModel):
    """A register entry reviewed periodically: the next review date follows the date of the last review (or
    receipt) by ``_crr_review_months``; the daily check flags the entries past it (stored, indexed) and gives
    their responsible one to-do, removed when the entry is reviewed again. Entries are archived, never deleted."""

    _name = "crr.periodic.review.mixin"
    _description = "Periodically Reviewed Register Entry"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]

    _crr_review_months = 12
    _crr_review_date_field = "received_date"
    _crr_action_fields = {"is_overdue": "the daily overdue check", "overdue_activity_id": "the daily overdue check"}

    next_review_date = fields.Date(
        compute="_compute_next_review_date", store=True, index=True, readonly=True, tracking=True,
    )
    is_overdue = fields.Boolean(string="Overdue", default=False, readonly=True, index=True, copy=False)
    overdue_activity_id = fields.Many2one(
        "mail.activity", string="Overdue To-do", readonly=True, copy=False, ondelete="set null",
    )
    active = fields.Boolean(default=True, tracking=True)

    @api.depends(lambda self: (self._crr_review_date_field,))
    def _compute_next_review_date(self):
        for record in self:
            date = record[self._crr_review_date_field]
            record.next_review_date = date and date + relativedelta(months=self._crr_review_months)

    def _crr_kept_message(self):
        return self.env._("%(register)s entries are kept: archive them instead.", register=self._description) \
            if self else None

    def _crr_review_user(self):
        """Who is told when the entry is overdue (override)."""
        return self.env["res.users"]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._crr_flag_overdue()
        return records

    def write(self, vals):
        result = super().write(vals)
        if {self._crr_review_date_field, "active"} & vals.keys():
            self._crr_flag_overdue()
        return result

    def _crr_flag_overdue(self):
        """Flag the entries past their next review date (a to-do for their responsible), unflag the others."""
        today = fields.Date.context_today(self)
        records = self.sudo()
        late = records.filtered(lambda r: r.active and r.next_review_date and r.next_review_date < today)
        flag, unflag = late.filtered(lambda r: not r.is_overdue), (records - late).filtered("is_overdue")
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        told = flag.filtered(lambda r: r._crr_review_user())
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([
            {
                "res_model_id": model_id,
                "res_id": record.id,
                "activity_type_id": todo.id if todo else False,
                "user_id": record._crr_review_user().id,
                "summary": self.env._("Review overdue: %(entry)s", entry=record.display_name),
                "date_deadline": today,
            }
            for record in told
        ])
        old = unflag.overdue_activity_id
        with crr_scope():
            (flag - told).write({"is_overdue": True})
            for record, activity in zip(told, activities, strict=True):
                record.write({"is_overdue": True, "overdue_activity_id": activity.id})
            unflag.write({"is_overdue": False, "overdue_activity_id": False})
        old.unlink()

    @api.model
    def _cron_crr_check_overdue(self):
        """Daily: flag the entries whose review is overdue, unflag those reviewed meanwhile."""
        today = fields.Date.context_today(self)
        self.sudo().with_context(active_test=False).search([
            "|", "&", ("next_review_date", "<", today), ("is_overdue", "=", False),
            "&", ("is_overdue", "=", True), "|", ("next_review_date", ">=", today), ("active", "=", False),
        ])._crr_flag_overdue()
