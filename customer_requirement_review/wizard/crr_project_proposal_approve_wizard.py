from odoo import fields, models


class CrrProjectProposalApproveWizard(models.TransientModel):
    _name = "crr.project.proposal.approve.wizard"
    _description = "Approve a Project Proposal"

    proposal_id = fields.Many2one("crr.project.proposal", required=True)
    company_id = fields.Many2one(related="proposal_id.company_id")
    project_manager_id = fields.Many2one(
        "res.users", required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    opinion = fields.Text()

    def action_confirm(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return self.proposal_id.action_approve(project_manager_id=self.project_manager_id.id, opinion=self.opinion or None)
