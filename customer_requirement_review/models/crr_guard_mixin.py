"""One place that guards the module's doors: access and company of the records a public method touches,
and the shape of what a client sends (types, ranges, lengths, dates, selections, ids).

Every public method of the module calls ``_crr_check_records(records, operation)`` before it works as
superuser; the module's models inherit ``crr.guard.mixin``, whose ``create``/``write`` validate the values
before the ORM converts them, so that a bad value is answered with a ``ValidationError`` saying what to
do instead of a conversion error (a traceback for an integrator), and nothing is written.
"""

import datetime
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.orm.identifiers import NewId

# sensible maximum lengths of what users type
CRR_MAX_CHAR = 256  # names, subjects, references, codes
CRR_MAX_TEXT = 20000  # opinions, reasons, notes, root causes
CRR_MAX_HTML = 200000  # descriptions, specifications
# amounts, quantities, prices, costs: far above any real order, far below what breaks arithmetic
CRR_MAX_NUMBER = 1e12
CRR_MAX_QUANTITY = 1e9  # units of a product on one line
CRR_MAX_INTEGER = 2**31 - 1
# dates a quality record may carry
CRR_MIN_YEAR = 1900
CRR_MAX_YEAR = 2999


class CrrGuardMixin(models.AbstractModel):
    _name = "crr.guard.mixin"
    _description = "Access and Input Guard"

    # per model: {field name: (minimum, maximum)} of numbers; other number fields get +-CRR_MAX_NUMBER
    _crr_number_bounds = {}

    # -- create / write ----------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crr_validate_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        self._crr_check_ids(self)
        self._crr_validate_vals(self, vals)
        return super().write(vals)

    def _crr_check_access(self, operation="write"):
        """Shortcut of ``_crr_check_records`` for the records of a guarded model."""
        return self._crr_check_records(self, operation)

    # -- records -----------------------------------------------------------------------------------
    @api.model
    def _crr_check_ids(self, records):
        """Refuse ids that are not record ids (``['abc']``, ``1.5``, ``True``) before any query uses them."""
        bad = [
            record_id for record_id in records._ids
            if isinstance(record_id, bool) or not isinstance(record_id, int | NewId)
            or (isinstance(record_id, int) and record_id <= 0)
        ]
        if bad:
            raise ValidationError(
                self.env._(
                    "%(ids)s is not a valid id of %(model)s: give the numeric ids of existing records.",
                    ids=repr(bad[0]),
                    model=records._description,
                )
            )

    @api.model
    def _crr_check_single(self, records):
        """The ``ensure_one()`` of public methods: valid ids, one record, else a UserError (not a ValueError)."""
        self._crr_check_ids(records)
        if len(records) != 1:
            raise UserError(
                self.env._("%(model)s: this action works on one record at a time (got %(count)s).",
                           model=records._description, count=len(records))
            )
        return records

    @api.model
    def _crr_check_records(self, records, operation="write"):
        """Check, before any ``sudo()``, that the current user may ``operation`` the records and works in
        their companies; missing records are reported as such (MissingError). Returns the records."""
        self._crr_check_ids(records)
        if self.env.su or not records:
            return records
        records = records.filtered(lambda r: not isinstance(r.id, NewId))
        # a missing record is reported by the access check or the company read below (MissingError, a
        # UserError: "Record does not exist or has been deleted"), without a query of its own
        records.check_access(operation)
        if "company_id" in records._fields:
            companies = self.env.companies
            foreign = records.sudo().filtered(lambda r: r.company_id and r.company_id not in companies)
            if foreign:
                raise AccessError(
                    self.env._(
                        "%(record)s belongs to the company %(company)s, which is not one of the companies you "
                        "work in: switch to that company, or ask one of its users.",
                        record=foreign[0].display_name,
                        company=foreign[0].company_id.name,
                    )
                )
        return records

    @api.model
    def _crr_check_group(self, group_xmlid, message):
        """Refuse with ``message`` (an AccessError) when the current user is not in the group."""
        if not self.env.su and not self.env.user._has_group(group_xmlid):
            raise AccessError(message)

    # -- arguments of public methods ---------------------------------------------------------------------
    @api.model
    def _crr_text_arg(self, value, label, required=False, max_length=CRR_MAX_TEXT):
        """A text argument of a public method (opinion, reason): text of a sensible length, or None/False.

        Returns the text (or None when not given); raises a ValidationError saying what to give.
        """
        if value is None or value is False:
            if required:
                raise ValidationError(self.env._("Give the %(what)s.", what=label))
            return None
        if not isinstance(value, str):
            raise ValidationError(
                self.env._("The %(what)s must be a text (got %(value)s).", what=label, value=self._crr_short(value))
            )
        if required and not value.strip():
            raise ValidationError(self.env._("Give the %(what)s.", what=label))
        if len(value) > max_length:
            raise ValidationError(
                self.env._(
                    "The %(what)s is too long (%(length)s characters): keep it under %(max)s characters and "
                    "attach longer documents.",
                    what=label,
                    length=len(value),
                    max=max_length,
                )
            )
        return value

    @api.model
    def _crr_selection_arg(self, value, field):
        """A selection value given to a public method: one of the field's keys."""
        keys = [key for key, _label in field._description_selection(self.env)]
        if value not in keys:
            raise ValidationError(
                self.env._(
                    "%(value)s is not a valid %(field)s: use one of %(keys)s.",
                    value=self._crr_short(value),
                    field=field._description_string(self.env),
                    keys=", ".join(keys),
                )
            )
        return value

    @api.model
    def _crr_short(self, value):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."

    # -- values of create / write ----------------------------------------------------------------------
    @api.model
    def _crr_number_range(self, model, field):
        return model._crr_number_bounds.get(field.name) if hasattr(model, "_crr_number_bounds") else None

    @api.model
    def _crr_validate_vals(self, model, vals, field_names=None):
        """Validate ``vals`` for ``model`` (a recordset of any model) before the ORM converts them.

        ``field_names``: only these fields are validated (for models of other modules); unknown field names
        are refused when all fields are validated. Relational commands are validated recursively on the
        guarded comodels. Raises a ValidationError naming the field and what to give.
        """
        if self.env.su:
            # the module's own flows (data files, internal steps run as superuser) are trusted
            return
        self.env["crr.record.guard.mixin"]._crr_check_values_shape([vals], model)
        missing_ids = {}
        for name, value in vals.items():
            if field_names is not None and name not in field_names:
                continue
            field = model._fields.get(name)
            if field is None:
                raise ValidationError(
                    self.env._("%(model)s has no field %(field)s.", model=model._description,
                               field=self._crr_short(name))
                )
            self._crr_validate_value(model, field, value, missing_ids)
        if missing_ids:
            for comodel_name, ids in missing_ids.items():
                comodel = self.env[comodel_name]
                found = set(comodel.sudo().browse(ids).exists().ids)
                absent = [record_id for record_id in ids if record_id not in found]
                if absent:
                    raise ValidationError(
                        self.env._(
                            "%(model)s #%(id)s does not exist: choose an existing record.",
                            model=comodel._description,
                            id=absent[0],
                        )
                    )

    def _crr_invalid(self, model, field, message, value):
        return ValidationError(
            self.env._(
                "%(field)s of %(model)s: %(message)s (got %(value)s).",
                field=field._description_string(self.env),
                model=model._description,
                message=message,
                value=self._crr_short(value),
            )
        )

    def _crr_validate_value(self, model, field, value, missing_ids):
        if value is None or (value is False and field.type != "boolean"):
            return
        kind = field.type
        if kind in ("char", "text", "html"):
            if not isinstance(value, str):
                raise self._crr_invalid(model, field, self.env._("give a text"), value)
            limit = {"char": field.size or CRR_MAX_CHAR, "text": CRR_MAX_TEXT, "html": CRR_MAX_HTML}[kind]
            if len(value) > limit:
                raise self._crr_invalid(
                    model, field,
                    self.env._("at most %(max)s characters, this text has %(length)s", max=limit, length=len(value)),
                    value[:40],
                )
        elif kind in ("integer", "float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self._crr_invalid(model, field, self.env._("give a number"), value)
            if not math.isfinite(value):
                raise self._crr_invalid(model, field, self.env._("give a finite number"), value)
            if kind == "integer" and value != int(value):
                raise self._crr_invalid(model, field, self.env._("give a whole number"), value)
            low, high = self._crr_number_range(model, field) or (
                (-CRR_MAX_INTEGER, CRR_MAX_INTEGER) if kind == "integer" else (-CRR_MAX_NUMBER, CRR_MAX_NUMBER)
            )
            if not low <= value <= high:
                raise self._crr_invalid(
                    model, field,
                    self.env._("give a number between %(low)s and %(high)s", low=f"{low:g}", high=f"{high:g}"),
                    value,
                )
        elif kind in ("date", "datetime"):
            try:
                parsed = fields.Datetime.to_datetime(value) if kind == "datetime" else fields.Date.to_date(value)
            except (ValueError, TypeError):
                parsed = None
            if not isinstance(parsed, datetime.date) or not CRR_MIN_YEAR <= parsed.year <= CRR_MAX_YEAR:
                example = "2026-06-30 08:00:00" if kind == "datetime" else "2026-06-30"
                raise self._crr_invalid(
                    model, field,
                    self.env._("give a date such as %(example)s, between the years %(low)s and %(high)s",
                               example=example, low=CRR_MIN_YEAR, high=CRR_MAX_YEAR),
                    value,
                )
        elif kind == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            if value not in keys:
                raise self._crr_invalid(
                    model, field, self.env._("use one of %(keys)s", keys=", ".join(map(str, keys))), value
                )
        elif kind == "many2one":
            if isinstance(value, models.BaseModel) and value._name == field.comodel_name and len(value) <= 1:
                return  # a record given by server code
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise self._crr_invalid(model, field, self.env._("give the numeric id of a record"), value)
            missing_ids.setdefault(field.comodel_name, []).append(value)
        elif kind in ("one2many", "many2many"):
            self._crr_validate_commands(model, field, value, missing_ids)

    def _crr_validate_commands(self, model, field, value, missing_ids):
        if not isinstance(value, list | tuple):
            raise self._crr_invalid(model, field, self.env._("give a list of commands or ids"), value)
        comodel = self.env[field.comodel_name]
        guarded = hasattr(type(comodel), "_crr_check_access")
        for command in value:
            if isinstance(command, int) and not isinstance(command, bool) and command > 0:
                missing_ids.setdefault(field.comodel_name, []).append(command)
                continue
            if not isinstance(command, list | tuple) or not command or isinstance(command[0], bool) \
                    or command[0] not in range(7):
                raise self._crr_invalid(model, field, self.env._("give a list of commands or ids"), command)
            code = command[0]
            if code in (1, 2, 3, 4):
                record_id = command[1] if len(command) > 1 else None
                if isinstance(record_id, bool) or not isinstance(record_id, int) or record_id <= 0:
                    raise self._crr_invalid(model, field, self.env._("give the numeric id of a record"), command)
                missing_ids.setdefault(field.comodel_name, []).append(record_id)
            if code == 6:
                ids = command[2] if len(command) > 2 else None
                if not isinstance(ids, list | tuple) or any(
                    isinstance(i, bool) or not isinstance(i, int) or i <= 0 for i in ids
                ):
                    raise self._crr_invalid(model, field, self.env._("give a list of numeric ids"), command)
                missing_ids.setdefault(field.comodel_name, []).extend(ids)
            if code in (0, 1):
                vals = command[2] if len(command) > 2 else None
                if guarded or not isinstance(vals, dict):
                    # the lines of the module's documents: their values are checked as their own
                    self._crr_validate_vals(comodel, vals if vals is not None else {})
