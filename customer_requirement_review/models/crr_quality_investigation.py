from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_record_guard_mixin import crr_flag, crr_scope

INVESTIGATION_STATES = [("open", "In Progress"), ("done", "Concluded"), ("cancelled", "Cancelled")]


class CrrQualityInvestigation(models.Model):
    """Quality investigation (品质调查表): opened for every major or critical complaint, as the procedures
    require for a major quality anomaly; it drives the cause analysis and its conclusion."""

    _name = "crr.quality.investigation"
    _description = "Quality Investigation"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _crr_create_only_fields = frozenset({"name", "complaint_id", "date_start"})
    _crr_action_fields = {
        "state": "action_done / action_cancel",
        "done_date": "action_done",
        "done_by_id": "action_done",
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    complaint_id = fields.Many2one(
        "crr.complaint", required=True, ondelete="restrict", index=True, check_company=True, readonly=True,
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", string="Customer", tracking=False)
    product_id = fields.Many2one(related="complaint_id.product_id")
    severity = fields.Selection(related="complaint_id.severity", tracking=False)
    department_id = fields.Many2one(
        "crr.department", string="Investigating Department", check_company=True, tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Investigator", tracking=True, check_company=True, domain=[("share", "=", False)],
        index="btree_not_null",
    )
    date_start = fields.Datetime(string="Opened On", default=fields.Datetime.now, required=True, readonly=True)
    scope = fields.Text(
        help="What the investigation covers: lots, quantities, other customers and products possibly concerned.",
    )
    findings = fields.Text(tracking=True, help="Facts established: inspection results, tests, records checked.")
    conclusion = fields.Text(tracking=True, help="Cause found and what must be improved so that it does not recur.")
    state = fields.Selection(
        INVESTIGATION_STATES, string="Status", required=True, default="open", tracking=True, index=True, copy=False,
    )
    done_date = fields.Datetime(string="Concluded On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Concluded By", readonly=True, copy=False)

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "A quality investigation reference must be unique per company."
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("crr.quality.investigation") or "/"
        return super().create(vals_list)

    def _crr_kept_message(self):
        decided = self.filtered(lambda i: i.state != "open")
        if decided:
            return self.env._(
                "Concluded or cancelled quality investigations are quality records and cannot be deleted "
                "(%(names)s).", names=", ".join(decided.mapped("name")),
            )
        if not crr_flag("action"):
            return self.env._("A quality investigation cannot be deleted: cancel it instead.")
        return None

    def _crr_check_handler(self):
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")):
            raise AccessError(self.env._("Only reviewers and review managers may conclude or cancel quality investigations."))
        self.check_access("write")

    def action_done(self):
        """Conclude the investigation: its findings and conclusion are required."""
        self._crr_check_ids(self)
        self._crr_check_handler()
        for investigation in self:
            if investigation.state != "open":
                raise UserError(
                    self.env._("Quality investigation %(name)s is not in progress.", name=investigation.name)
                )
            missing = [
                label for label, value in (
                    (self.env._("the findings"), investigation.findings),
                    (self.env._("the conclusion"), investigation.conclusion),
                ) if not (value or "").strip()
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Quality investigation %(name)s cannot be concluded, missing: %(missing)s.",
                        name=investigation.name, missing="; ".join(missing),
                    )
                )
        with crr_scope():
            self.sudo().write({"state": "done", "done_date": fields.Datetime.now(), "done_by_id": self.env.uid})
        return True

    def action_cancel(self):
        self._crr_check_ids(self)
        self._crr_check_handler()
        if any(investigation.state != "open" for investigation in self):
            raise UserError(self.env._("Only a quality investigation in progress can be cancelled."))
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        return True
