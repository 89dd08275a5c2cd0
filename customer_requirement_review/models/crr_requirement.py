from odoo import api, fields, models
from odoo.exceptions import UserError

from .crr_change_kinds import REQUIREMENT_ANSWER_FIELDS, REQUIREMENT_KIND, REQUIREMENT_TERM_FIELDS
from .crr_record_guard_mixin import crr_scope

REQUIREMENT_CATEGORIES = [
    ("specification", "Specification"),
    ("quality", "Quality / Inspection"),
    ("environmental", "Environmental / Regulatory"),
    ("delivery", "Delivery"),
    ("packaging", "Packaging"),
    ("after_sales", "After-Sales / Warranty"),
    ("price_payment", "Price / Payment"),
    ("implied_use", "Implied Use"),
    ("statutory", "Statutory"),
    ("internal", "Internal"),
    ("customer_property", "Customer Property"),
    ("other", "Other"),
]
REQUIREMENT_SOURCES = [
    ("stated", "Stated by the Customer"),
    ("implied", "Implied (Intended Use)"),
    ("statutory", "Statutory / Regulatory"),
    ("internal", "Added by the Company"),
]


class CrrRequirement(models.Model):
    _name = "crr.requirement"
    _description = "Customer Requirement (Requirement Response List)"
    _inherit = ["mail.thread", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "order_id, sequence, id"
    _check_company_auto = True
    _crr_action_fields = {
        "deficiency_closed": "action_close_deficiency",
        "deficiency_closed_by_id": "action_close_deficiency",
        "deficiency_closed_date": "action_close_deficiency",
    }

    sequence = fields.Integer(default=10)
    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True, precompute=True)
    category = fields.Selection(REQUIREMENT_CATEGORIES, required=True, default="specification", tracking=True)
    source = fields.Selection(REQUIREMENT_SOURCES, required=True, default="stated", tracking=True)
    name = fields.Char(string="Requirement", required=True, tracking=True)
    department_id = fields.Many2one(
        "crr.department",
        string="Responsible Department",
        index=True,
        check_company=True,
        tracking=True,
        help="Department that answers this requirement; it cannot approve its review line while the "
        "requirement is unanswered or its deficiency is open.",
    )
    response = fields.Selection(
        [
            ("pending", "Pending"),
            ("comply", "Comply"),
            ("deviation", "Deviation"),
            ("not_applicable", "Not Applicable"),
        ],
        required=True,
        default="pending",
        tracking=True,
        help="Deviation: the company cannot meet the requirement as stated; it is a deficiency to be "
        "resolved (negotiated with the customer, corrected) and closed before approval.",
    )
    response_note = fields.Text()
    resolution = fields.Text(string="Deficiency Resolution", tracking=True)
    deficiency_closed = fields.Boolean(tracking=True, copy=False, readonly=True)
    deficiency_closed_by_id = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)
    deficiency_closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    is_deficiency_open = fields.Boolean(
        string="Open Deficiency", compute="_compute_is_deficiency_open", store=True, index=True
    )
    template_id = fields.Many2one("crr.requirement.template", string="From Template", readonly=True, index=True)

    @api.depends("response", "deficiency_closed")
    def _compute_is_deficiency_open(self):
        for requirement in self:
            requirement.is_deficiency_open = requirement.response == "deviation" and not requirement.deficiency_closed

    def action_close_deficiency(self):
        self._crr_check_access("write")
        for requirement in self:
            if requirement.response != "deviation":
                raise UserError(
                    self.env._("Requirement %(name)s has no deviation: there is no deficiency to close.",
                               name=requirement.name)
                )
            if not (requirement.resolution or "").strip():
                raise UserError(
                    self.env._("Write how the deficiency of requirement %(name)s was resolved before closing it.",
                               name=requirement.name)
                )
        self.check_access("write")
        with crr_scope():
            self.write(
                {
                    "deficiency_closed": True,
                    "deficiency_closed_by_id": self.env.uid,
                    "deficiency_closed_date": fields.Datetime.now(),
                }
            )
        return True

    def _crr_answered_by(self, departments):
        """The requirements among ``self`` that ``departments`` answer (sales answers those without
        department)."""
        return self.filtered(
            lambda r: r.department_id in departments
            or (not r.department_id and any(d.code == "sales" for d in departments))
        )

    def action_open_resolve_wizard(self):
        """Resolve the deviation in a dialog (the resolution, then the deficiency closed)."""
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve the Deviation"),
            "res_model": "crr.requirement.resolve.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_requirement_id": self.id, "default_resolution": self.resolution or False},
        }

    def action_crr_resolve(self, resolution):
        """Write the resolution of the deviations and close their deficiencies, for the reviewers of the
        department that answers them (and its substitutes), review managers and whoever may edit the order
        (its salesperson): a production reviewer resolves his department's deviation without the right to
        edit the order, and nobody else's."""
        self._crr_check_ids(self)
        resolution = self._crr_text_arg(resolution, self.env._("resolution"), required=True)
        self._crr_check_access("read")
        user = self.env.user
        if not (self.env.su or user.has_group("customer_requirement_review.group_crr_manager")):
            substituted = self.env["crr.review.substitute"]._crr_departments_substituted(user)
            departments = self.env["crr.department"].sudo().search([("user_ids", "in", user.ids)])
            departments |= self.env["crr.department"].browse([d.id for d in substituted])
            own = self.sudo()._crr_answered_by(departments)
            editable = self.order_id._filtered_access("write")
            for requirement in self.sudo() - own:
                if requirement.order_id not in editable:
                    raise UserError(
                        self.env._(
                            "Only the reviewers of the %(department)s department, its substitutes, review managers "
                            "or the order's salesperson may resolve the deviation %(name)s.",
                            department=requirement.department_id.name or self.env._("Sales"),
                            name=requirement.name,
                        )
                    )
        for requirement in self.sudo():
            if requirement.response != "deviation":
                raise UserError(
                    self.env._("Requirement %(name)s has no deviation: there is no deficiency to close.",
                               name=requirement.name)
                )
            if requirement.deficiency_closed:
                raise UserError(
                    self.env._("The deficiency of requirement %(name)s is already closed.", name=requirement.name)
                )
        # rights checked above; sudo keeps the user (uid) for the tracking and the closing user
        requirements = self.sudo()
        requirements.write({"resolution": resolution})
        requirements.action_close_deficiency()
        return True

    # -- re-review when the requirement list of a reviewed quotation changes --------------------------
    def _crr_list_changed(self, answers_only=False):
        self.order_id._crr_reviewed_fields_changed(
            {REQUIREMENT_KIND}, [self.env._("Requirement list")], answers_only=answers_only
        )

    def _crr_check_confirmed_list(self, orders):
        """The requirement list of an order confirmed after its review changes through a change request (whose
        application writes it with the re-review off)."""
        locked = orders._crr_terms_locked()
        if locked:
            locked[0]._crr_refuse_confirmed_change([self.env._("Requirement list")])

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)
        self._crr_check_confirmed_list(self.env["sale.order"].browse(list({
            vals["order_id"] for vals in vals_list if isinstance(vals.get("order_id"), int)
        })))
        requirements = super().create(vals_list)
        requirements._crr_list_changed()
        return requirements

    def write(self, vals):
        terms = REQUIREMENT_TERM_FIELDS & vals.keys()
        answers = (REQUIREMENT_ANSWER_FIELDS | {"deficiency_closed"}) & vals.keys()
        reviewed = terms | (REQUIREMENT_ANSWER_FIELDS & vals.keys())
        locked = self.order_id._crr_terms_locked() if reviewed else self.order_id.browse()
        if locked:
            # only a change is refused (a client may send a value again as it is)
            self._crr_check_confirmed_list(self.filtered(
                lambda r: r.order_id in locked
                and any(r._fields[f].convert_to_write(r[f], r) != vals[f] for f in reviewed)
            ).order_id)
        result = super().write(vals)
        if terms or answers:
            self._crr_list_changed(answers_only=not terms)
        return result

    def unlink(self):
        orders = self.order_id
        self._crr_check_confirmed_list(orders)
        result = super().unlink()
        orders.exists()._crr_reviewed_fields_changed({REQUIREMENT_KIND}, [self.env._("Requirement list")])
        return result
