import pytz

from odoo import api, models
from odoo.exceptions import AccessError, UserError


class CrrStockGuardMixin(models.AbstractModel):
    """Status, decision and audit fields that only their action methods change.

    A model lists them in ``_crr_action_fields`` (``{field: action method}``). A direct ``write`` (or a
    ``create`` with a value other than the default) of one of them is refused with a ``UserError`` naming
    the action. The actions check the user's access first, then write through ``sudo()`` (``env.su``):
    no context key opens the guard.
    """

    _name = "crr.stock.guard.mixin"
    _description = "Fields Changed Only by Their Actions"

    _crr_action_fields = {}

    def _crr_refuse_action_fields(self, vals, creating=False):
        for name, value in vals.items():
            action = self._crr_action_fields.get(name)
            if not action:
                continue
            field = self._fields[name]
            if creating and (not value or (field.default and value == field.default(self))):
                continue
            raise UserError(
                self.env._(
                    "%(field)s of a %(model)s is set by the action %(action)s; it cannot be written directly.",
                    field=field._description_string(self.env),
                    model=self._description,
                    action=action,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._crr_refuse_action_fields(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._crr_refuse_action_fields(vals)
        return super().write(vals)

    def _crr_check_action_access(self, group=None):
        """Access of the current user to run an action on ``self`` (before the action writes as sudo):
        write access and record rules, the company, and ``group`` when given."""
        if self.env.su:
            return
        self.check_access("write")
        if group and not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "This action on %(model)s is reserved to the group %(group)s.",
                    model=self._description,
                    group=self.env.ref(group).display_name,
                )
            )
        companies = self.env.user.company_ids
        if "company_id" in self._fields and any(record.company_id not in companies for record in self):
            raise AccessError(self.env._("These records belong to a company you do not work for."))

    def _crr_check_state(self, allowed, action):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: %(action)s is possible only when it is %(allowed)s.",
                        record=record.display_name,
                        state=labels.get(record.state, record.state),
                        action=action,
                        allowed=", ".join(labels[state] for state in allowed),
                    )
                )

    @api.model
    def _crr_local_date(self, value, company=None):
        """The calendar date of the UTC datetime ``value`` in the company's time zone (its address's), so
        that a delivery is on time or late by the company's calendar whoever triggers the computation."""
        if not value:
            return False
        company = company or self.env.company
        tz_name = company.partner_id.tz or "UTC"
        try:
            zone = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            zone = pytz.utc
        return pytz.utc.localize(value).astimezone(zone).date()

    @api.ondelete(at_uninstall=False)
    def _crr_unlink_only_draft(self):
        if any(record.state != "draft" for record in self if "state" in record._fields):
            raise UserError(
                self.env._(
                    "A %(model)s that was acted upon is a quality record and cannot be deleted: cancel it instead.",
                    model=self._description,
                )
            )
