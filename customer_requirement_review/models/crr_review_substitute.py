from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

REVIEWER_GROUP = "customer_requirement_review.group_crr_reviewer"
MANAGER_GROUP = "customer_requirement_review.group_crr_manager"


class CrrReviewSubstitute(models.Model):
    _name = "crr.review.substitute"
    _description = "Review Substitute"
    _inherit = ["mail.thread", "crr.guard.mixin", "crr.config.cache.mixin"]
    # what _crr_last_day reads: a change of a substitution's note or departments keeps it cached (a reviewer may
    # edit their own absences)
    _crr_config_cache_fields = ("date_to", "active")
    _order = "date_from desc, id desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Absent Reviewer",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        help="The reviewer who is away; the substitute decides on their behalf.",
    )
    substitute_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        domain=[("share", "=", False)],
        tracking=True,
        help="Internal user who may decide the absent reviewer's department lines during the period.",
    )
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    department_ids = fields.Many2many(
        "crr.department",
        "crr_review_substitute_department_rel",
        "substitute_id",
        "department_id",
        string="Departments",
        check_company=True,
        help="Departments covered by the substitution; empty means every department of the absent reviewer.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    note = fields.Text()

    @api.depends("user_id", "substitute_id", "date_from", "date_to")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(substitute)s for %(user)s (%(date_from)s - %(date_to)s)",
                substitute=record.substitute_id.name or "",
                user=record.user_id.name or "",
                date_from=record.date_from or "",
                date_to=record.date_to or "",
            )

    @api.constrains("user_id", "substitute_id", "date_from", "date_to")
    def _check_dates_users(self):
        for record in self:
            if record.date_from and record.date_to and record.date_from > record.date_to:
                raise ValidationError(
                    self.env._("A substitution must end on or after its start date (%(name)s).",
                               name=record.display_name)
                )
            if record.user_id == record.substitute_id:
                raise ValidationError(self.env._("A reviewer cannot be their own substitute."))

    @api.constrains("user_id", "substitute_id", "company_id")
    def _check_reviewers(self):
        """The absent reviewer and the substitute are internal reviewers of the substitution's company."""
        for record in self.sudo():
            for user in (record.user_id, record.substitute_id):
                if user.share or not user._has_group(REVIEWER_GROUP):
                    raise ValidationError(
                        self.env._(
                            "%(user)s is not a reviewer: a substitution is between internal users of the Reviewer "
                            "group (Requirement Review). Choose a reviewer of %(company)s.",
                            user=user.name,
                            company=record.company_id.name,
                        )
                    )
                if record.company_id not in user.company_ids:
                    raise ValidationError(
                        self.env._(
                            "%(user)s does not work in %(company)s: the substitute must be a reviewer of the "
                            "substitution's company.",
                            user=user.name,
                            company=record.company_id.name,
                        )
                    )

    def _crr_check_substitution_rights(self, vals=None):
        """Review managers manage every substitution; a reviewer only their own absences (as the absent
        reviewer). Checked on the records and on the absent reviewer written."""
        if self.env.su or self.env.user._has_group(MANAGER_GROUP):
            return
        user = self.env.user
        others = self.filtered(lambda record: record.user_id != user)
        if others or (vals and "user_id" in vals and vals["user_id"] != user.id):
            raise AccessError(
                self.env._(
                    "Only review managers, or the absent reviewer for their own absence, may create, change or "
                    "delete a substitution."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("user_id", self.env.uid)
            self.browse()._crr_check_substitution_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._crr_check_ids(self)
        self._crr_check_substitution_rights(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_crr_check_rights(self):
        self._crr_check_substitution_rights()

    @api.model
    @tools.ormcache()
    def _crr_last_day(self):
        """The last day of the active substitutions (of every company), ``None`` without any. Cached: every
        review request and the reviewers' screens ask who substitutes whom today, while substitutions are rare
        and short; cleared by any creation or deletion of a substitution, and by a change of its last day or of
        its activity (``crr.config.cache.mixin``). The cached day cannot hide a substitution in force:
        a day after it stays after it as days pass."""
        self.flush_model(["date_to", "active"])
        self.env.cr.execute("SELECT MAX(date_to) FROM crr_review_substitute WHERE active")
        return self.env.cr.fetchone()[0]

    @api.model
    def _crr_none_in_force(self, date):
        """Whether no substitution is in force on ``date`` or later (no query once the last day is cached)."""
        last = self._crr_last_day()
        return last is None or last < date

    @api.model
    def _crr_active_substitutions(self, substitutes, date=None):
        """``[(substitution, departments)]`` in force on ``date`` for the given substitute users: the
        departments of the absent reviewer, limited to the substitution's departments when it names some.
        The departments are read once for all substitutions."""
        date = date or fields.Date.context_today(self)
        if self._crr_none_in_force(date):
            return []
        substitutions = self.sudo().search(
            [("substitute_id", "in", substitutes.ids), ("date_from", "<=", date), ("date_to", ">=", date)]
        )
        # only internal reviewers ever decide, whatever a substitution says
        substitutions = substitutions.filtered(
            lambda s: not s.substitute_id.share and s.substitute_id._has_group(REVIEWER_GROUP)
            and s.company_id in s.substitute_id.company_ids
        )
        reviewed = self.env["crr.department"].sudo().search([("user_ids", "in", substitutions.user_id.ids)])
        result = []
        for substitution in substitutions:
            departments = reviewed.filtered(lambda d, absent=substitution.user_id: absent in d.user_ids)
            if substitution.department_ids:
                departments &= substitution.department_ids
            result.append((substitution, departments))
        return result

    @api.model
    def _crr_departments_substituted(self, user, date=None):
        """``{department: absent reviewer}`` the given user may decide for on ``date`` as a substitute."""
        result = {}
        for substitution, departments in self._crr_active_substitutions(user, date):
            for department in departments:
                result.setdefault(department, substitution.user_id)
        return result
