"""The check every action method of the documents before the order (sample requests, trial use, first-batch
reviews) makes before it writes through ``sudo()``."""

from odoo.exceptions import AccessError, UserError


def crr_check_step(records, states):
    """Refuse unless the ids are record ids, the user may write ``records``, works in their company and they
    are in ``states``."""
    env = records.env
    env["crr.guard.mixin"]._crr_check_ids(records)  # ['abc'] would reach the access query
    records.check_access("write")
    for record in records:
        if record.company_id not in env.companies:
            raise AccessError(env._("%(name)s belongs to another company.", name=record.display_name))
        if record.state not in states:
            raise UserError(
                env._(
                    "%(name)s is %(state)s: this step is not possible now.",
                    name=record.display_name,
                    state=dict(record._fields["state"]._description_selection(env))[record.state],
                )
            )
