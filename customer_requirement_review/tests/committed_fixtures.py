"""Helpers for tests whose fixtures are committed (concurrency tests: other transactions see only
committed data) and must be removed afterwards."""

from odoo.tools import mute_logger


def remove_or_archive(env, created):
    """Delete the test's users, product and customer; archive those something still refers to.

    ``created`` holds ``users`` (ids), ``product`` and ``partner`` (ids), any of them optional.
    """
    cr = env.cr
    for model, ids in (
        ("res.users", created.get("users", [])),
        ("product.product", [created["product"]] if created.get("product") else []),
        ("res.partner", [created["partner"]] if created.get("partner") else []),
    ):
        records = env[model].browse(ids).exists()
        try:
            with mute_logger("odoo.sql_db"), cr.savepoint():
                records.unlink()
                env.flush_all()
        except Exception:  # still referenced (messages, orders): archive instead
            env.invalidate_all()
            records.exists().write({"active": False})
