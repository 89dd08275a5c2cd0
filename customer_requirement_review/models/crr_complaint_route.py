from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crr_complaint import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS


class CrrComplaintRoute(models.Model):
    """Who handles a new complaint: the responsible department and owner per channel and category.

    The most specific active route of the complaint's company wins (channel and category, then
    category only, then channel only, then a route with neither); without any route the company's
    quality department handles it (the procedures: quality investigates).
    """

    _name = "crr.complaint.route"
    _description = "Complaint Routing"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    channel = fields.Selection(COMPLAINT_CHANNELS, help="Empty: any channel.")
    category = fields.Selection(COMPLAINT_CATEGORIES, help="Empty: any category.")
    department_id = fields.Many2one(
        "crr.department", string="Responsible Department", required=True, check_company=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        check_company=True,
        domain=[("share", "=", False)],
        help="Owner of the complaints routed here. Empty: the first reviewer of the department.",
    )

    _channel_category_company_uniq = models.UniqueIndex(
        "(company_id, COALESCE(channel, ''), COALESCE(category, '')) WHERE active",
        "There is already an active route for this channel and category.",
    )

    @api.constrains("user_id")
    def _check_user_internal(self):
        for route in self:
            if route.user_id.share:
                raise ValidationError(
                    self.env._("The owner of a complaint route must be an internal user (%(user)s is not).",
                               user=route.user_id.name)
                )

    @api.model
    def _crr_route(self, company, channel, category):
        """``(department, owner)`` for a new complaint of ``company``; either may be empty."""
        routes = self.sudo().search([("company_id", "=", company.id)])
        matching = routes.filtered(
            lambda r: r.channel in (False, channel) and r.category in (False, category)
        ).sorted(lambda r: (not (r.channel and r.category), not r.category, not r.channel, r.sequence, r.id))
        if matching:
            route = matching[0]
            return route.department_id, route.user_id or route.department_id.user_ids.sorted("id")[:1]
        department = self.env["crr.department"].sudo().search(
            [("company_id", "=", company.id), ("code", "=", "quality")], limit=1
        )
        return department, department.user_ids.sorted("id")[:1]
