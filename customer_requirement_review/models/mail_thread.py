from odoo import api, models
from odoo.exceptions import MissingError
from odoo.fields import Command

# pre-commit data: the models whose tracking messages are logged in one batch (see _crr_batch_tracking), and,
# while the batch is prepared, the values of the messages it logs
_BATCH_MODELS = "crr.tracking_batch.models"
_BATCH = "crr.tracking_batch"


class MailThread(models.AbstractModel):
    """Tracking messages of several models logged together.

    A decision changes the tracked fields of the review line (its history: who decided, when, on whose behalf)
    and of its subject (the review status, with the note of the result). At the end of the transaction Odoo logs
    the tracking message of each model with a ``mail.message`` creation of its own (two INSERTs each, and the
    ORM's bookkeeping of a creation: about a quarter of a decision's time). For the models named by
    ``_crr_batch_tracking``, Odoo ends the tracking as usual (bodies, authors, subtypes, tracking values, each
    model's own rules), and the messages it logs are created together, with their tracking values; a message it
    posts (a tracked change with a subtype, whose followers are notified) is posted at once, as usual. Only the
    tracked fields that changed are described (Odoo describes them all).
    """

    _inherit = "mail.thread"

    @api.model
    def _crr_batch_tracking(self, model_names):
        """Have the tracking messages of ``model_names`` logged in one batch when the transaction ends.

        Call it before the tracked writes: the batch runs before Odoo's own end of tracking of a model whose
        tracked fields are written afterwards (a model whose tracking was started earlier in the transaction
        has its messages logged by Odoo first, on their own, as usual)."""
        data = self.env.cr.precommit.data
        if _BATCH_MODELS not in data:
            data[_BATCH_MODELS] = []
            self.env.cr.precommit.add(self.env["mail.thread"]._crr_finalize_tracking_batch)
        data[_BATCH_MODELS].extend(name for name in model_names if name not in data[_BATCH_MODELS])

    @api.model
    def _crr_finalize_tracking_batch(self):
        """Pre-commit: end the tracking of the batch's models, the values of the messages they log collected
        (``_message_log_batch``), then create these messages together."""
        data = self.env.cr.precommit.data
        model_names = data.pop(_BATCH_MODELS, [])
        batch = data[_BATCH] = {"models": set(model_names), "values": [], "collecting": False}
        try:
            for model_name in model_names:
                # on the tracked records, as Odoo does (a model's own rules may look at them, e.g. the sale order's)
                initial_values = data.get(f"mail.tracking.{model_name}") or {}
                self.env[model_name].browse(list(initial_values))._track_finalize()
        finally:
            data.pop(_BATCH, None)
        if not batch["values"]:
            return
        # the tracking values of all the messages created together too (mail.message creates them after the
        # messages, message by message); other commands than creations stay with their message
        trackings = []
        for values in batch["values"]:
            commands = values.get("tracking_value_ids") or []
            created = all(
                isinstance(command, list | tuple) and len(command) == 3 and command[0] == Command.CREATE
                for command in commands
            )
            trackings.append((values.pop("tracking_value_ids", None) or []) if created else [])
        # as each model hands them to _message_create (which checks and cleans them): for all at once
        messages = self.sudo()._message_create(batch["values"])
        tracking_values = [
            dict(command[2], mail_message_id=message.id)
            for message, commands in zip(messages, trackings, strict=True)
            for command in commands
        ]
        if tracking_values:
            self.env["mail.tracking.value"].sudo().create(tracking_values)

    def _message_track(self, fields_iter, initial_values_dict):
        batch = self.env.cr.precommit.data.get(_BATCH)
        if batch and self._name in batch["models"]:
            fields_iter = self._crr_changed_tracked_fields(fields_iter, initial_values_dict)
        return super()._message_track(fields_iter, initial_values_dict)

    def _crr_changed_tracked_fields(self, fields_iter, initial_values_dict):
        """The tracked fields ``fields_iter`` whose value changed on one of the records, compared as Odoo's
        ``_mail_track`` compares them: Odoo describes every tracked field of the model (its label translated,
        field by field; about 1 ms for a sale order) before it finds the few that changed. Properties, and the
        fields of a record that no longer exists, are left to Odoo."""
        def differs(record, name):
            initial = initial_values_dict.get(record.id) or {}
            if name not in initial:
                return False
            if self._fields[name].type == "properties":
                return True
            try:
                value = record[name]
            except MissingError:
                return True
            return not (value == initial[name] or (not value and not initial[name]))

        return [name for name in fields_iter if any(differs(record, name) for record in self)]

    def _message_log_batch(self, bodies, *args, **kwargs):
        batch = self.env.cr.precommit.data.get(_BATCH)
        if not batch or self._name not in batch["models"]:
            return super()._message_log_batch(bodies, *args, **kwargs)
        # a message logged by the end of tracking of a model of the batch: collected by _message_create below
        batch["collecting"] = True
        try:
            super()._message_log_batch(bodies, *args, **kwargs)
        finally:
            batch["collecting"] = False
        return self.env["mail.message"]

    def _message_create(self, values_list):
        batch = self.env.cr.precommit.data.get(_BATCH)
        if not (batch and batch["collecting"]):
            return super()._message_create(values_list)
        batch["values"].extend(values_list)
        return self.env["mail.message"]
