"""19.0.3.0.0, change requests: the specification is changed in the order's requirement list.

- The departments that review the new kinds of change: transport mode (Logistics) and packaging (Technical,
  Quality), by their codes, in the companies where no department reviews that kind yet.
- Open change requests (draft, in review, approved) whose "new specification / terms" note would have replaced
  the order's terms-and-conditions note get that text as a requirement change (a new specification
  requirement), which lands in the requirement list when the request is applied; their note is emptied. The
  applied, rejected and cancelled requests keep their note as the record of what they changed.
"""

from odoo import SUPERUSER_ID, api
from odoo.addons.customer_requirement_review.models.crr_guard_mixin import CRR_MAX_CHAR
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.tools import html2plaintext, is_html_empty

FLAG_CODES = {"review_transport": ("logistics",), "review_packaging": ("technical", "quality")}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Department = env["crr.department"].with_context(active_test=False)
    for company in env["res.company"].with_context(active_test=False).search([]):
        for flag, codes in FLAG_CODES.items():
            if not Department.search_count([("company_id", "=", company.id), (flag, "=", True)]):
                Department.search([("company_id", "=", company.id), ("code", "in", codes)]).write({flag: True})
    requests = env["crr.change.request"].search([("state", "in", ("draft", "to_review", "approved"))])
    with crr_scope():
        for request in requests:
            if is_html_empty(request.new_note) or not request._crr_note_changed():
                continue
            text = html2plaintext(request.new_note).strip()
            summary = text.splitlines()[0][:CRR_MAX_CHAR] if text else text
            env["crr.change.request.requirement"].create(
                {
                    "change_request_id": request.id,
                    "category": "specification",
                    "name": summary,
                    "description": text if text != summary else False,
                }
            )
            request.write({"new_note": False})
