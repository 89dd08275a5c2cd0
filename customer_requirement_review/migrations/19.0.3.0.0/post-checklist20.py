"""19.0.3.0.0, department checklists (issue 20): the main company's departments get the shipped checklists from the
data file; the departments of the other companies get a copy of them, by department code, as a new company's
departments do. The checklists stay off (company setting) until the administrator turns them on."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Item = env["crr.checklist.item"].with_context(active_test=False)
    data = env["ir.model.data"].search(
        [("module", "=", "customer_requirement_review"), ("model", "=", "crr.checklist.item")]
    )
    shipped = Item.browse(data.mapped("res_id")).exists()
    by_code = shipped.grouped(lambda item: item.department_id.code)
    departments = env["crr.department"].with_context(active_test=False).search(
        [("code", "in", list(by_code)), ("id", "not in", shipped.department_id.ids)]
    )
    for department in departments.filtered(lambda d: not d.checklist_item_ids):
        for item in by_code[department.code]:
            item.copy({"department_id": department.id})
