from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

TRIAL_STATES = [
    ("draft", "Draft"),
    ("to_gm", "Waiting General Manager"),
    ("approved", "Approved by the General Manager"),
    ("in_trial", "At the Customer"),
    ("returned", "Returned"),
    ("sold", "Bought by the Customer"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
TRIAL_CONTENT_FIELDS = {"partner_id", "product_id", "quantity", "date_start", "date_end", "purpose", "company_id"}


class CrrTrialRequest(models.Model):
    """Trial use (试用): a product given to a customer for trial use needs the general manager's consent
    before it leaves (若产品需给顾客试用, 必须经总经理同意后, 方可试用)."""

    _name = "crr.trial.request"
    _description = "Trial Use Request"
    _inherit = ["crr.action.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _crr_action_fields = {
        "state": "Submit / Approve / Refuse / Deliver / Returned / Bought / Cancel",
        "gm_id": "Approve (General Manager)",
        "gm_date": "Approve (General Manager)",
        "refused_by_id": "Refuse",
        "refusal_reason": "Refuse",
        "delivered_date": "Deliver for Trial",
        "delivered_by_id": "Deliver for Trial",
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        domain=[("is_company", "=", True)],
    )
    product_id = fields.Many2one("product.product", required=True, tracking=True, check_company=True)
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True, tracking=True)
    date_start = fields.Date(string="Trial From", tracking=True)
    date_end = fields.Date(string="Trial Until", tracking=True)
    purpose = fields.Text(help="Why the customer tries the product, and what the trial must show.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, tracking=True, index=True,
        domain=[("share", "=", False)],
    )
    state = fields.Selection(
        TRIAL_STATES, string="Status", default="draft", required=True, readonly=True, copy=False, index=True,
        tracking=True,
    )
    gm_id = fields.Many2one("res.users", string="Approved by General Manager", readonly=True, copy=False)
    gm_date = fields.Datetime(string="GM Approved On", readonly=True, copy=False)
    refused_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False, tracking=True)
    delivered_date = fields.Datetime(string="Left the Company On", readonly=True, copy=False)
    delivered_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    result = fields.Text(string="Trial Result", tracking=True)

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A trial request reference must be unique.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The trial quantity must be positive.")

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records.sudo():
            sequence = self.env["ir.sequence"].with_company(record.company_id).next_by_code("crr.trial.request")
            record.name = sequence or record.name
        return records

    def write(self, vals):
        if not self.env.su and TRIAL_CONTENT_FIELDS & vals.keys():
            locked = self.filtered(lambda r: r.state != "draft")
            if locked:
                raise UserError(
                    self.env._(
                        "Trial request %(name)s was submitted: what the general manager approves can no longer be "
                        "edited. Cancel it and create a new request.",
                        name=locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(self.env._("Submitted trial requests are kept: cancel them instead."))

    def _crr_check_access(self, states):
        self.check_access("write")
        for trial in self:
            if trial.company_id not in self.env.companies:
                raise AccessError(self.env._("Trial request %(name)s belongs to another company.", name=trial.name))
            if trial.state not in states:
                raise UserError(
                    self.env._(
                        "Trial request %(name)s is %(state)s: this step is not possible now.",
                        name=trial.name,
                        state=dict(TRIAL_STATES)[trial.state],
                    )
                )

    def _crr_general_managers(self):
        self.ensure_one()
        return self.company_id._crr_general_managers()

    def _crr_set_state(self, vals, body):
        for trial in self:
            trial.sudo().write(vals)
            trial.activity_unlink(["mail.mail_activity_data_todo"])
            trial.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_submit(self):
        self._crr_check_access(("draft",))
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for trial in self:
            trial._crr_set_state({"state": "to_gm"}, self.env._("Trial use submitted to the general manager."))
            for user in trial._crr_general_managers():
                trial.sudo().activity_schedule(
                    activity_type_id=todo.id if todo else False,
                    summary=self.env._("Approve trial use %(name)s", name=trial.name),
                    user_id=user.id,
                )
        return True

    def action_approve_gm(self):
        self._crr_check_access(("to_gm",))
        for trial in self:
            if not (self.env.su or self.env.user in trial._crr_general_managers()):
                raise AccessError(
                    self.env._("Only the general manager approves trial use %(name)s.", name=trial.name)
                )
            trial._crr_set_state(
                {"state": "approved", "gm_id": self.env.uid, "gm_date": fields.Datetime.now()},
                self.env._("Trial use approved by the general manager."),
            )
        return True

    def action_refuse(self, reason=None):
        self._crr_check_access(("to_gm",))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for refusing the trial use."))
        for trial in self:
            if not (self.env.su or self.env.user in trial._crr_general_managers()):
                raise AccessError(self.env._("Only the general manager refuses trial use %(name)s.", name=trial.name))
            trial._crr_set_state(
                {"state": "refused", "refused_by_id": self.env.uid, "refusal_reason": reason},
                self.env._("Trial use refused: %(reason)s", reason=reason),
            )
        return True

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Trial Use"),
            "res_model": "crr.sample.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_trial_id": self.id},
        }

    def action_deliver(self):
        """The product leaves the company for the trial: only with the general manager's approval."""
        self.check_access("write")
        for trial in self:
            if trial.state != "approved" or not trial.gm_id:
                raise UserError(
                    self.env._(
                        "%(name)s cannot leave the company: a product is given to a customer for trial use only "
                        "with the general manager's approval (submit the request and wait for it).",
                        name=trial.name,
                    )
                )
        self._crr_check_access(("approved",))
        for trial in self:
            trial._crr_set_state(
                {"state": "in_trial", "delivered_date": fields.Datetime.now(), "delivered_by_id": self.env.uid},
                self.env._("Product delivered to the customer for trial use."),
            )
        return True

    def action_returned(self):
        self._crr_check_access(("in_trial",))
        self._crr_set_state({"state": "returned"}, self.env._("Trial product returned."))
        return True

    def action_sold(self):
        self._crr_check_access(("in_trial",))
        self._crr_set_state({"state": "sold"}, self.env._("The customer buys the trial product."))
        return True

    def action_cancel(self):
        self._crr_check_access(("draft", "to_gm", "approved"))
        self._crr_set_state({"state": "cancelled"}, self.env._("Trial request cancelled."))
        return True
