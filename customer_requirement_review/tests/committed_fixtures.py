"""Helpers for tests whose fixtures are committed (concurrency tests: other transactions see only
committed data) and must be removed afterwards."""

from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.tools import mute_logger


def remove_orders(env, order_ids):
    """Remove the test's orders with their review lines and change requests (kept records by design: the
    test's own records are removed as the module's uninstallation would)."""
    if not order_ids:
        return
    cr = env.cr
    cr.execute("DELETE FROM crr_review_line WHERE order_id = ANY(%s)", [list(order_ids)])
    # first-batch supply reviews opened when the orders were confirmed, with their review lines
    cr.execute(
        "DELETE FROM crr_review_line WHERE first_batch_review_id IN "
        "(SELECT id FROM crr_first_batch_review WHERE order_id = ANY(%s))",
        [list(order_ids)],
    )
    cr.execute("DELETE FROM crr_first_batch_review WHERE order_id = ANY(%s)", [list(order_ids)])
    # the change notices of the applied change requests
    cr.execute("DELETE FROM crr_change_acknowledgement WHERE order_id = ANY(%s)", [list(order_ids)])
    cr.execute("DELETE FROM crr_change_request WHERE order_id = ANY(%s)", [list(order_ids)])
    env.invalidate_all()
    orders = env["sale.order"].browse(order_ids).exists()
    with crr_scope("uninstall", "action"):
        orders.write({"state": "cancel"})
        orders.unlink()


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
