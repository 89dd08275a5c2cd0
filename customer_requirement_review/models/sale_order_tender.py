from odoo import api, fields, models


class SaleOrder(models.Model):
    """Tenders (order source "tender"): the response lists of the commercial and technical clauses and the
    project proposals (立项建议书) of the order."""

    _inherit = "sale.order"

    crr_project_proposal_ids = fields.One2many(
        "crr.project.proposal", "order_id", string="Project Proposals", copy=False
    )
    crr_project_proposal_count = fields.Integer(compute="_compute_crr_project_proposal_count")

    @api.depends("crr_project_proposal_ids")
    def _compute_crr_project_proposal_count(self):
        counts = dict(
            self.env["crr.project.proposal"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        ) if self.ids else {}
        for order in self:
            order.crr_project_proposal_count = counts.get(order._origin, 0)

    def _crr_classify_steps(self, lines=None):
        """A tender's review asks the departments of its clauses too (the commercial clauses' Sales, the
        technical clauses' Technical department), in the first step when no rule places them."""
        result = super()._crr_classify_steps(lines)
        tenders = self.filtered(lambda order: order.order_source == "tender")
        for order in tenders:
            departments, contract_type, steps = result[order]
            clause_departments = order.sudo().requirement_ids.filtered("clause_type").department_id
            missing = clause_departments.with_env(departments.env) - departments
            if missing:
                result[order] = (
                    (departments | missing).sorted(lambda d: (d.sequence, d.id)), contract_type, steps
                )
        return result

    def _crr_clause_requirements(self, clause_type):
        """The requirements of the order that are clauses of ``clause_type`` (the response list)."""
        self.ensure_one()
        return self.requirement_ids.filtered(lambda requirement: requirement.clause_type == clause_type)

    def action_print_commercial_response_list(self):
        self._crr_door("read")
        return self.env.ref("customer_requirement_review.action_report_crr_response_commercial").report_action(self)

    def action_print_technical_response_list(self):
        self._crr_door("read")
        return self.env.ref("customer_requirement_review.action_report_crr_response_technical").report_action(self)

    def action_crr_new_project_proposal(self):
        """A new project proposal of the tender (opened as a form, filled from the order)."""
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Project Proposal"),
            "res_model": "crr.project.proposal",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_order_id": self.id,
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_estimated_amount": self.amount_untaxed,
                "default_title": self.name,
                "default_company_id": self.company_id.id,
            },
        }

    def action_crr_view_project_proposals(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        self._crr_door("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_requirement_review.action_crr_project_proposal")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "default_partner_id": self.partner_id.commercial_partner_id.id}
        return action
