from odoo import api, models
from odoo.exceptions import UserError


class CrrActionGuardMixin(models.AbstractModel):
    """Status, decision and audit fields that change only through their action methods.

    A model lists them in ``_crr_action_fields`` (field name -> name of the action to use). A direct
    ``create``/``write`` of one of them by any user, through any route, is refused with a ``UserError``
    naming the action; on creation only the field's default (or an empty value) is accepted. The
    action methods check access and company, then write through ``sudo()`` (``env.su``), which no
    client can switch on: no context key is read.
    """

    _name = "crr.action.guard.mixin"
    _description = "Action-Only Fields"

    _crr_action_fields = {}

    def _crr_refuse_action_fields(self, vals, creating=False):
        if self.env.su:
            return
        defaults = self.default_get([name for name in self._crr_action_fields if name in vals]) if creating else {}
        for name, action in self._crr_action_fields.items():
            if name not in vals:
                continue
            if creating and (not vals[name] or vals[name] == defaults.get(name)):
                continue
            raise UserError(
                self.env._(
                    "%(field)s of %(model)s is set by the action %(action)s only; use that action instead of "
                    "editing the field.",
                    field=self._fields[name]._description_string(self.env),
                    model=self._description,
                    action=action,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crr_refuse_action_fields(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._crr_refuse_action_fields(vals)
        return super().write(vals)
