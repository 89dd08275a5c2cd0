from odoo import fields, models
from odoo.exceptions import UserError


class CrrLegalRequirement(models.Model):
    """The company's register of legal and regulatory requirements (laws, standards, regulations) that apply
    to its products, reviewed every quarter by its responsible."""

    _name = "crr.legal.requirement"
    _description = "Legal Requirement"
    _inherit = ["crr.periodic.review.mixin"]
    _order = "next_review_date, id"
    _check_company_auto = True
    _crr_review_months = 3
    _crr_review_date_field = "last_review_date"

    name = fields.Char(string="Legal Requirement", required=True, tracking=True)
    reference = fields.Char(tracking=True, help="Number of the law, regulation or standard.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    responsible_id = fields.Many2one(
        "res.users", required=True, index=True, tracking=True, check_company=True,
        default=lambda self: self.env.user, domain=[("share", "=", False)],
    )
    last_review_date = fields.Date(
        string="Last Reviewed On", required=True, default=fields.Date.context_today, tracking=True
    )
    note = fields.Text(string="Applies To")

    def _crr_review_user(self):
        return self.responsible_id

    def action_mark_reviewed(self):
        """The responsible (or a review manager) records today's review: the next one is due in a quarter."""
        self._crr_check_access("read")
        user = self.env.user
        if not user.has_group("customer_requirement_review.group_crr_manager"):
            others = self.sudo().filtered(lambda r: r.responsible_id != user)
            if others:
                raise UserError(
                    self.env._("Only %(user)s (responsible) or a review manager records the review of %(entry)s.",
                               user=others[0].responsible_id.name, entry=others[0].display_name)
                )
        self.sudo().write({"last_review_date": fields.Date.context_today(self)})
        return True
