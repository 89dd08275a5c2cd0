from odoo import fields, models

from .crr_requirement import REQUIREMENT_CATEGORIES, REQUIREMENT_SOURCES


class CrrRequirementTemplateLine(models.Model):
    _name = "crr.requirement.template.line"
    _description = "Customer Requirement Template Line"
    _inherit = ["crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "template_id, sequence, id"
    _check_company_auto = True

    template_id = fields.Many2one("crr.requirement.template", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True, precompute=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(REQUIREMENT_CATEGORIES, required=True, default="specification")
    source = fields.Selection(REQUIREMENT_SOURCES, required=True, default="stated")
    name = fields.Char(string="Requirement", required=True, translate=True)
    department_id = fields.Many2one("crr.department", string="Responsible Department", check_company=True)
