from odoo import api, fields, models

from .crr_change_kinds import REQUIREMENT_KIND, requirement_kind
from .crr_record_guard_mixin import crr_flag

# clause type of a tender's requirement -> code of the department that reviews it (顾客要求响应一览表:
# the commercial clauses by sales, the technical clauses by the technical department)
CLAUSE_DEPARTMENT_CODES = {"commercial": "sales", "technical": "technical"}


class CrrRequirement(models.Model):
    """Tenders: each requirement of a tender is a commercial or a technical clause, answered on its own
    response list (顾客要求响应一览表（商务条款/技术条款）); the requirement list also records the transport
    mode the customer asks for (a kind of change of its own)."""

    _inherit = "crr.requirement"

    clause_type = fields.Selection(
        [("commercial", "Commercial Clause"), ("technical", "Technical Clause")],
        index="btree_not_null",
        tracking=True,
        help="Tenders: commercial clauses are reviewed by Sales, technical clauses by the Technical department, "
        "each on its own response list.",
    )
    description = fields.Text(
        string="Clause Text", help="The full text of the requirement or of the tender's clause, when the name "
        "is a summary.",
    )
    category = fields.Selection(
        selection_add=[("transport", "Transport Mode")], ondelete={"transport": "set default"}
    )

    @api.model
    def _crr_clause_departments(self, company):
        """``{clause type: crr.department}`` of ``company``."""
        departments = self.env["crr.department"].sudo().search(
            [("company_id", "=", company.id), ("code", "in", list(CLAUSE_DEPARTMENT_CODES.values()))]
        )
        by_code = {department.code: department for department in departments}
        return {
            clause: by_code.get(code, self.env["crr.department"]) for clause, code in CLAUSE_DEPARTMENT_CODES.items()
        }

    @api.onchange("clause_type")
    def _onchange_clause_type(self):
        for requirement in self.filtered("clause_type"):
            company = requirement.order_id.company_id or self.env.company
            requirement.department_id = self._crr_clause_departments(company)[requirement.clause_type].id or \
                requirement.department_id

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        # a clause without a responsible department goes to the clause type's department
        missing = [vals for vals in vals_list if vals.get("clause_type") and not vals.get("department_id")]
        if missing:
            orders = self.env["sale.order"].browse([vals.get("order_id") for vals in missing if vals.get("order_id")])
            companies = {order.id: order.company_id for order in orders.sudo()}
            cache = {}
            for vals in missing:
                company = companies.get(vals.get("order_id")) or self.env.company
                if company not in cache:
                    cache[company] = self._crr_clause_departments(company)
                department = cache[company].get(vals["clause_type"])
                if department:
                    vals["department_id"] = department.id
        return super().create(vals_list)

    def _crr_list_changed(self, answers_only=False):
        # an approved change request writes the requirement list: its review is the review of the change
        if crr_flag("no_rereview"):
            return
        kinds = {requirement_kind(category) for category in self.mapped("category")} or {REQUIREMENT_KIND}
        self.order_id._crr_reviewed_fields_changed(
            kinds, [self.env._("Requirement list")], answers_only=answers_only
        )
