from odoo import api, models
from odoo.exceptions import UserError


class CrrActionOnlyMixin(models.AbstractModel):
    """Status, decision and audit fields that only their action methods may set.

    A model lists them in ``_crr_action_only_fields()`` as ``{field name: action label}``. A direct
    ``create`` (with a value other than the default) or ``write`` of one of them by any user, over any
    route, is refused with a ``UserError`` naming the action to use. The action methods check access
    and state first, then write through ``sudo()``: the guard lets the superuser environment
    (``env.su``) through, which a client cannot obtain over RPC.
    """

    _name = "crr.action.only.mixin"
    _description = "Fields Set Only Through Their Actions"

    def _crr_action_only_fields(self):
        """{field name: translated label of the action(s) that set the field}"""
        return {}

    def _crr_refuse_action_only(self, field_names):
        guarded = self._crr_action_only_fields()
        field_name = sorted(field_names)[0]
        raise UserError(
            self.env._(
                "%(field)s of a %(model)s is set only by its action: use %(action)s.",
                field=self._fields[field_name]._description_string(self.env),
                model=self._description,
                action=guarded[field_name],
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            guarded = self._crr_action_only_fields()
            defaults = None
            for vals in vals_list:
                keys = vals.keys() & guarded.keys()
                if not keys:
                    continue
                if defaults is None:
                    defaults = self.default_get(list(guarded))
                forged = {key for key in keys if vals[key] and vals[key] != defaults.get(key)}
                if forged:
                    self._crr_refuse_action_only(forged)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            forged = vals.keys() & self._crr_action_only_fields().keys()
            if forged:
                self._crr_refuse_action_only(forged)
        return super().write(vals)
