from odoo import models
from odoo.exceptions import UserError


class CrrStockStateMixin(models.AbstractModel):
    """The state check of the bridge's actions (delay countermeasures, customer property, returns): an
    action runs only on records in the states it allows, else a ``UserError`` names the record, its state
    and the states allowed. Action-only fields and kept records are the main addon's
    ``crr.record.guard.mixin``; access, company and groups its ``crr.guard.mixin``."""

    _name = "crr.stock.state.mixin"
    _description = "State Check of the Inventory Quality Records' Actions"

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
