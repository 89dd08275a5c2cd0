"""The management representative (管理者代表) as a reviewer of the review engine: a department of each company."""

from odoo import fields

MANAGEMENT_REP_CODE = "management_rep"


def management_rep_departments(env, companies):
    """{company: its management representative's review department}, created from the shipped one when a
    company has none yet (the review engine asks departments; the management representative is one)."""
    Department = env["crr.department"].sudo().with_context(active_test=False)
    found = {
        department.company_id: department
        for department in Department.search([("code", "=", MANAGEMENT_REP_CODE), ("company_id", "in", companies.ids)])
    }
    template = env.ref("customer_requirement_review.crr_department_management_rep", raise_if_not_found=False)
    for company in companies - env["res.company"].browse([c.id for c in found]):
        if template:
            found[company] = template.copy({"company_id": company.id, "user_ids": [fields.Command.clear()]})
    return found
