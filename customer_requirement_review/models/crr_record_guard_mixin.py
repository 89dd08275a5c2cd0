"""Fields that change only through their action methods, and records that are never deleted.

Internal flows (the action methods) open a *scope* with :func:`crr_scope`: a Python ``ContextVar`` of the
running thread, which no RPC call, context key nor data import can set. Outside such a scope a direct
``create``/``write`` of an action-only field, or an ``unlink`` of a kept record, is refused with a
``UserError`` naming the action to use, for every user, the administrator included.

Data files (demo, data) are loaded by the superuser while the registry is being loaded (not ready yet):
that is the only other moment such fields may be written directly.
"""

import contextlib
import contextvars

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

# flags of the running internal flow: "action" (action-only fields may be written), "uninstall" (the
# module's records are removed with it), "no_subscribe" (reviewers' activities do not make them followers),
# "internal_complaint" (a follow-up complaint opened by the company: the customer does not follow it)
_CRR_FLAGS = contextvars.ContextVar("crr_flags", default=frozenset())


@contextlib.contextmanager
def crr_scope(*flags):
    """Run the block with the given private flags (default: ``"action"``)."""
    token = _CRR_FLAGS.set(_CRR_FLAGS.get() | frozenset(flags or ("action",)))
    try:
        yield
    finally:
        _CRR_FLAGS.reset(token)


def crr_flag(flag):
    """Whether the running internal flow set ``flag`` (never true in code an RPC call reaches directly)."""
    return flag in _CRR_FLAGS.get()


class CrrRecordGuardMixin(models.AbstractModel):
    """Action-only fields and kept records, declared per model.

    - ``_crr_action_fields``: ``{field name: action method(s) to use}``; such a field is written only inside
      :func:`crr_scope` (the action methods). A create may give a field its default value (or leave it
      empty), and a write may repeat the current value; anything else is refused, as is a
      ``default_<field>`` context key sent to create. ``_crr_create_only_fields`` are given at creation and
      a write that would change them is refused. The stored fields these addons compute (read-only,
      without an inverse) are refused the same way: Odoo keeps a value written to them until they are
      computed again.
    - ``_crr_kept_message()``: returns the message refusing the deletion of ``self`` (some of them are kept
      records), or ``None`` when they may be deleted. Deletions are checked in ``unlink`` itself, so that no
      context key (not even Odoo's uninstall flag) skips the check; the records that reference a kept record
      use ``ondelete="restrict"`` so that no cascade deletes it either.
    """

    _name = "crr.record.guard.mixin"
    _description = "Action-Only Fields and Kept Records"

    _crr_action_fields = {}
    # fields given when the record is created (by its flow or its author) and never changed afterwards: a
    # reference, the record a sub-record belongs to
    _crr_create_only_fields = frozenset()

    @api.model
    def _crr_guard_open(self):
        return crr_flag("action") or (self.env.su and not self.env.registry.ready)

    @api.model
    def _crr_guarded_fields(self):
        """``{field name: action or None}``: the fields a direct create or write may not set. The action-only
        fields (``_crr_action_fields``), and the stored fields these addons compute (read-only, without an
        inverse: a days-late, a deadline, the "before" values of a change, a company), which Odoo would let
        any client overwrite (None: the refusal says the field is computed). Built once per registry."""
        cls = type(self)
        guarded = cls.__dict__.get("_crr_guarded_cache")
        if guarded is None:
            guarded = {
                name: None
                for name, field in self._fields.items()
                if field.store and field.compute and not field.inverse and field.readonly
                and any(module.startswith("customer_requirement_review") for module in field._modules)
            }
            guarded.update(self._crr_action_fields)
            cls._crr_guarded_cache = guarded
        return guarded

    @api.model
    def _crr_refuse_action_field(self, field_name):
        field = self._fields[field_name]
        action = self._crr_guarded_fields()[field_name]
        if action is None:
            raise UserError(
                self.env._(
                    "%(field)s of %(model)s is computed from the record: it cannot be written directly.",
                    field=field._description_string(self.env),
                    model=self._description,
                )
            )
        raise UserError(
            self.env._(
                "%(field)s of %(model)s changes only through its action: use %(action)s.",
                field=field._description_string(self.env),
                model=self._description,
                action=action,
            )
        )

    @api.model
    def _crr_same_value(self, record, field_name, value):
        field = self._fields[field_name]
        try:
            return field.convert_to_record(field.convert_to_cache(value, record), record) == record[field_name]
        except (ValueError, TypeError):
            return False

    @api.model
    def _crr_is_default(self, field_name, value):
        """Whether ``value`` is the field's default (empty for a field without default)."""
        field = self._fields[field_name]
        default = field.default(self) if field.default else False
        try:
            return field.convert_to_cache(value, self) == field.convert_to_cache(default, self)
        except (ValueError, TypeError):
            return False

    @api.model
    def _crr_check_create_vals(self, vals_list):
        guarded = self._crr_guarded_fields()
        for key, value in self.env.context.items():
            if key.startswith("default_") and key[8:] in guarded and not self._crr_is_default(key[8:], value):
                self._crr_refuse_action_field(key[8:])
        for vals in vals_list:
            for field_name in guarded.keys() & vals.keys():
                if not self._crr_is_default(field_name, vals[field_name]):
                    self._crr_refuse_action_field(field_name)

    @api.model
    def _crr_check_values_shape(self, vals_list, model=None):
        """Refuse values that are not dictionaries of field names and values (a client sends anything): a clear
        error before any code reads them, not a traceback. ``model``: the model named (default: ``self``)."""
        if not all(isinstance(vals, dict) for vals in vals_list):
            raise ValidationError(
                self.env._(
                    "The values of %(model)s must be a dictionary of field names and values.",
                    model=(model if model is not None else self)._description,
                )
            )

    @api.model
    def _crr_guard_create(self, vals_list):
        """Refuse the guarded fields of ``vals_list`` outside the action methods (an Odoo model extended with this
        mixin calls it from its own ``create``, before Odoo's, which may read the values first)."""
        self._crr_check_values_shape(vals_list)
        if self._crr_guarded_fields() and not self._crr_guard_open():
            self._crr_check_create_vals(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_guard_create(vals_list)
        return super().create(vals_list)

    def _crr_check_write(self, vals):
        """Refuse a direct write of action-only fields (models with their own write checks call it first, so
        that the refusal names the action)."""
        self._crr_check_values_shape([vals])
        guarded = self._crr_guarded_fields()
        if (guarded or self._crr_create_only_fields) and not self._crr_guard_open():
            for field_name in guarded.keys() & vals.keys():
                if any(not self._crr_same_value(record, field_name, vals[field_name]) for record in self):
                    self._crr_refuse_action_field(field_name)
            for field_name in self._crr_create_only_fields & vals.keys():
                if any(not self._crr_same_value(record, field_name, vals[field_name]) for record in self):
                    raise UserError(
                        self.env._(
                            "%(field)s of %(model)s is set when the record is created: it cannot be changed.",
                            field=self._fields[field_name]._description_string(self.env),
                            model=self._description,
                        )
                    )

    def write(self, vals):
        self._crr_check_write(vals)
        return super().write(vals)

    def _crr_kept_message(self):
        """The message refusing the deletion of ``self``, or None (override)."""
        return None

    def unlink(self):
        # checked here, not in an @api.ondelete method: those are skipped when the context carries Odoo's
        # uninstall flag, which any RPC call can send; the real uninstallation sets crr_scope("uninstall")
        if not crr_flag("uninstall"):
            self.check_access("unlink")  # who may not delete at all is told so first
            message = self._crr_kept_message()  # pylint: disable=assignment-from-none
            if message:
                raise UserError(message)  # pylint: disable=no-raise-unlink
        return super().unlink()
