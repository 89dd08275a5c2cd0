"""The door of the actions decided by a role rather than by the access to the record (the general manager, the
management representative, quality need not see the salesperson's order): valid ids of existing records of the
user's companies; the action then checks the role and runs as sudo."""

from odoo.exceptions import AccessError, UserError


def crr_role_door(records):
    env = records.env
    env["crr.guard.mixin"]._crr_check_ids(records)
    existing = records.sudo().exists()
    if len(existing) != len(records):
        raise UserError(env._("A record does not exist or has been deleted."))
    foreign = existing.filtered(lambda record: record.company_id not in env.companies)
    if foreign and not env.su:
        raise AccessError(
            env._(
                "%(record)s belongs to the company %(company)s, which is not one of the companies you work in.",
                record=foreign[0].display_name,
                company=foreign[0].company_id.name,
            )
        )
    return existing
