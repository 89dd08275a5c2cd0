from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext, is_html_empty, plaintext2html

from .crr_guard_mixin import CRR_MAX_NUMBER, CRR_MAX_QUANTITY
from .crr_record_guard_mixin import crr_flag, crr_scope

COMPLAINT_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("investigating", "Investigating"),
    ("action", "Actions in Progress"),
    ("verification", "Verification"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# root cause, five whys and cost are the quality roles' internal notes: reviewers and review managers
QUALITY_GROUPS = "customer_requirement_review.group_crr_reviewer"
COMPLAINT_CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("fax", "Fax"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("survey", "Satisfaction Survey"),
]
COMPLAINT_CATEGORIES = [
    ("quality", "Product Quality"),
    ("delivery", "Delivery"),
    ("quantity", "Quantity"),
    ("packaging", "Packaging"),
    ("documentation", "Documentation"),
    ("service", "Service"),
    ("price", "Price / Invoice"),
    ("satisfaction", "Satisfaction"),
    ("other", "Other"),
]
OPEN_STATES = ("new", "acknowledged", "investigating", "action", "verification")
# fields a portal (share) user may set when opening a complaint, through the portal or over RPC
PORTAL_CREATE_FIELDS = {
    "subject", "description", "order_id", "product_id", "affected_qty", "category", "partner_id",
    "contact_id", "email_from", "company_id", "channel",
}


class CrrComplaint(models.Model):
    _name = "crr.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]
    _crr_create_only_fields = frozenset({"name"})
    _crr_action_fields = {
        "state": "action_acknowledge / action_investigate / action_start_actions / action_to_verification / "
        "action_close / action_reject / action_cancel / action_reset_to_new",
        "acknowledged_date": "action_acknowledge",
        "acknowledged_by_id": "action_acknowledge",
        "closed_date": "action_close",
        "closed_by_id": "action_close",
        "days_to_close": "action_close",
        "is_overdue": "the scheduled check of overdue complaints",
    }
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"  # portal customers answer in the chatter of the complaints they can read
    _primary_email = "email_from"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram", default=lambda self: self.env._("New")
    )
    subject = fields.Char(required=True, tracking=True, help="Short summary of the complaint.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        check_company=True,
        help="The customer company that complains (left empty when an e-mail comes from an unknown address).",
    )
    contact_id = fields.Many2one(
        "res.partner", check_company=True, help="The person who raised the complaint."
    )
    email_from = fields.Char(string="E-mail", help="Address the complaint came from.")
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    product_id = fields.Many2one("product.product", check_company=True)
    affected_qty = fields.Float(string="Affected Quantity", digits="Product Unit")
    channel = fields.Selection(
        COMPLAINT_CHANNELS,
        required=True,
        default="phone",
        tracking=True,
    )
    category = fields.Selection(
        COMPLAINT_CATEGORIES,
        required=True,
        default="quality",
        tracking=True,
    )
    severity = fields.Selection(
        [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        required=True,
        default="minor",
        tracking=True,
        help="Sets the deadlines to acknowledge and to close the complaint (company settings).",
    )
    description = fields.Html(help="What the customer reports.")
    department_id = fields.Many2one(
        "crr.department",
        string="Responsible Department",
        tracking=True,
        check_company=True,
        index="btree_not_null",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        tracking=True,
        check_company=True,
        index="btree_not_null",
        domain=[("share", "=", False)],
        help="Follows the complaint until it is closed; receives the overdue reminders. Left empty, the "
        "complaint routing of the company sets it (not the person who entered the complaint).",
    )
    state = fields.Selection(
        COMPLAINT_STATES, string="Status", required=True, default="new", tracking=True, index=True, copy=False,
        readonly=True,
        group_expand="_read_group_expand_state",
    )
    date_received = fields.Datetime(
        string="Received On",
        required=True,
        index=True,  # the lists' order (date_received desc, id desc)
        default=fields.Datetime.now,
        tracking=True,
        help="When the complaint reached the company; the deadlines count from it.",
    )
    ack_deadline = fields.Datetime(
        string="Acknowledge By", compute="_compute_deadlines", store=True, index=True, readonly=True
    )
    close_deadline = fields.Datetime(
        string="Close By", compute="_compute_deadlines", store=True, index=True, readonly=True
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        index=True,
        copy=False,
        readonly=True,
        help="Set by the scheduled check when the complaint is not acknowledged or not closed in time.",
    )
    acknowledged_date = fields.Datetime(string="Acknowledged On", readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False, tracking=True)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    crr_retention_date = fields.Date(
        string="Keep Record Until",
        compute="_compute_crr_retention_date",
        help="Kept until the end of the calendar year in which the complaint is closed, plus the company's "
        "retention period for complaints.",
    )
    days_to_close = fields.Float(string="Days to Close", readonly=True, copy=False, aggregator="avg")
    # -- investigation (internal only) --
    containment_action = fields.Text(tracking=True, help="Immediate action taken to protect the customer.")
    root_cause = fields.Text(groups=QUALITY_GROUPS, tracking=True)
    cause_category = fields.Selection(
        [
            ("man", "Man"),
            ("machine", "Machine"),
            ("material", "Material"),
            ("method", "Method"),
            ("measurement", "Measurement"),
            ("environment", "Environment"),
        ],
        groups=QUALITY_GROUPS,
        tracking=True,
    )
    why_1 = fields.Char(groups=QUALITY_GROUPS)
    why_2 = fields.Char(groups=QUALITY_GROUPS)
    why_3 = fields.Char(groups=QUALITY_GROUPS)
    why_4 = fields.Char(groups=QUALITY_GROUPS)
    why_5 = fields.Char(groups=QUALITY_GROUPS)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(
        string="Complaint Cost",
        currency_field="currency_id",
        groups=QUALITY_GROUPS,
        tracking=True,
        help="Cost of the complaint for the company: replacement, rework, transport, credit notes.",
    )
    # -- actions (CAPA) --
    action_ids = fields.One2many("crr.complaint.action", "complaint_id", string="Actions")
    action_count = fields.Integer(compute="_compute_action_count")
    # -- customer reply --
    customer_reply = fields.Text(string="Reply to Customer", tracking=True)
    reply_date = fields.Date(string="Replied On", tracking=True)
    customer_acceptance = fields.Selection(
        [
            ("pending", "Waiting"),
            ("accepted", "Accepted"),
            ("refused", "Not Accepted"),
            ("no_answer", "No Answer"),
        ],
        default="pending",
        required=True,
        tracking=True,
        help="The customer's answer to the reply. A complaint closes only when the customer accepted the "
        "reply, or, without any answer after the number of days of the settings, as 'No Answer'.",
    )
    rejection_reason = fields.Text(tracking=True)
    color = fields.Integer()

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "A complaint reference must be unique per company."
    )
    # the guard's bounds (crr.guard.mixin) and the constraint below agree
    _crr_number_bounds = {"affected_qty": (0, CRR_MAX_QUANTITY), "cost": (0, CRR_MAX_NUMBER)}

    _affected_qty_positive = models.Constraint(
        "CHECK(affected_qty >= 0)", "The affected quantity cannot be negative."
    )
    _state_deadline_idx = models.Index("(company_id, state, close_deadline)")

    # ------------------------------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------------------------------
    @api.depends("severity", "date_received", "company_id")
    def _compute_deadlines(self):
        for complaint in self:
            start = complaint.date_received or fields.Datetime.now()
            company = complaint.company_id or self.env.company
            severity = complaint.severity or "minor"
            hours = company[f"crr_complaint_ack_hours_{severity}"]
            days = company[f"crr_complaint_close_days_{severity}"]
            complaint.ack_deadline = start + timedelta(hours=hours)
            complaint.close_deadline = start + timedelta(days=days)

    @api.depends("closed_date", "company_id.crr_retention_years_complaint")
    def _compute_crr_retention_date(self):
        for complaint in self:
            complaint.crr_retention_date = complaint.company_id._crr_retention_date(
                complaint.closed_date and complaint.closed_date.date(),
                complaint.company_id.crr_retention_years_complaint,
            )

    def _compute_action_count(self):
        counts = dict(
            self.env["crr.complaint.action"]._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.action_count = counts.get(complaint, 0)

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.onchange("order_id")
    def _onchange_order_id(self):
        if self.order_id and not self.partner_id:
            self.partner_id = self.order_id.partner_id.commercial_partner_id
        if self.order_id and not self.contact_id:
            self.contact_id = self.order_id.partner_id

    @api.onchange("contact_id")
    def _onchange_contact_id(self):
        if self.contact_id:
            self.partner_id = self.contact_id.commercial_partner_id
            self.email_from = self.contact_id.email or self.email_from

    # ------------------------------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------------------------------
    @api.constrains("affected_qty", "cost")
    def _check_crr_amounts(self):
        for complaint in self.sudo():
            if not 0 <= complaint.affected_qty <= CRR_MAX_QUANTITY:
                raise ValidationError(
                    self.env._(
                        "The affected quantity of complaint %(complaint)s must lie between 0 and %(max)s (got "
                        "%(qty)s).",
                        complaint=complaint.name, max=f"{CRR_MAX_QUANTITY:g}", qty=f"{complaint.affected_qty:g}",
                    )
                )
            if not 0 <= complaint.cost <= CRR_MAX_NUMBER:
                raise ValidationError(
                    self.env._(
                        "The cost of complaint %(complaint)s must lie between 0 and %(max)s (got %(cost)s): enter "
                        "what the complaint cost the company, without sign.",
                        complaint=complaint.name, max=f"{CRR_MAX_NUMBER:g}", cost=f"{complaint.cost:g}",
                    )
                )

    @api.constrains("order_id", "partner_id")
    def _check_order_partner(self):
        for complaint in self:
            if not complaint.order_id:
                continue
            order_customer = complaint.order_id.partner_id.commercial_partner_id
            if complaint.partner_id.commercial_partner_id != order_customer:
                raise ValidationError(
                    self.env._(
                        "Complaint %(complaint)s: order %(order)s belongs to %(order_customer)s, not to the "
                        "complaining customer %(customer)s. Choose one of the customer's own orders.",
                        complaint=complaint.name,
                        order=complaint.order_id.name,
                        order_customer=order_customer.display_name,
                        customer=complaint.partner_id.display_name or self.env._("(none)"),
                    )
                )

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------
    @api.model
    def _crr_next_reference(self, company, date=None):
        """Next ``CC/<year>/<number>`` of ``company``; each company gets its own sequence."""
        sequence = self.env["ir.sequence"].sudo().search(
            [("code", "=", "crr.complaint"), ("company_id", "=", company.id)], limit=1
        )
        if not sequence:
            sequence = self.env["ir.sequence"].sudo().create(
                {
                    "name": self.env._("Complaint %(company)s", company=company.name),
                    "code": "crr.complaint",
                    "prefix": "CC/%(range_year)s/",
                    "padding": 4,
                    "company_id": company.id,
                    "use_date_range": True,
                }
            )
        return sequence._next(sequence_date=date)

    @api.model_create_multi
    def create(self, vals_list):
        share = self.env.user.share and not self.env.su
        routed_owners = {}  # index in vals_list -> owner, for complaints opened by portal users
        routes = {}
        for index, vals in enumerate(vals_list):
            # the values are read below (date, contact): checked first
            self._crr_validate_vals(self, vals)
            if share:
                forbidden = set(vals) - PORTAL_CREATE_FIELDS
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "A customer cannot set these complaint fields: %(fields)s.",
                            fields=", ".join(sorted(forbidden)),
                        )
                    )
                vals["channel"] = "portal"
            if vals.get("contact_id") and not vals.get("partner_id"):
                contact = self.env["res.partner"].browse(vals["contact_id"])
                vals["partner_id"] = contact.commercial_partner_id.id
            if vals.get("name", self.env._("New")) == self.env._("New") or not vals.get("name"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                date = vals.get("date_received")
                vals["name"] = self._crr_next_reference(
                    company, fields.Datetime.to_datetime(date).date() if date else None
                )
            if not vals.get("department_id") or not vals.get("user_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                key = (
                    company,
                    vals.get("channel") or self._fields["channel"].default(self),
                    vals.get("category") or self._fields["category"].default(self),
                )
                if key not in routes:  # one look-up per company, channel and category of the batch
                    routes[key] = self.env["crr.complaint.route"]._crr_route(*key)
                department, owner = routes[key]
                if not vals.get("department_id") and department:
                    vals["department_id"] = department.id
                if not vals.get("user_id") and owner:
                    if share:
                        # set right after the creation, as superuser: making the owner a follower reads
                        # their contact, which a portal user may not
                        routed_owners[index] = owner
                    else:
                        vals["user_id"] = owner.id
        complaints = super().create(vals_list)
        for index, owner in routed_owners.items():
            complaints[index].sudo().user_id = owner
        complaints._crr_schedule_arrival_activity()
        # internal follow-ups (e.g. opened from a low satisfaction score) do not notify the customer
        customer_follows = not crr_flag("internal_complaint")
        for complaint in complaints.filtered(lambda c: customer_follows):
            followers = complaint.partner_id | complaint.contact_id
            if followers:
                # sudo: the customer follows its complaint, whoever opened it (a portal user may not write)
                complaint.sudo().message_subscribe(partner_ids=followers.ids)
        return complaints

    def _crr_schedule_arrival_activity(self):
        """Tell the responsible department that a complaint arrived: an activity for the owner (or the
        department's first reviewer), due by the acknowledgement deadline. Done on acknowledgement."""
        activity_type = self.env.ref("customer_requirement_review.mail_activity_crr_complaint_new",
                                     raise_if_not_found=False)
        if not activity_type:
            return
        channels = dict(self._fields["channel"]._description_selection(self.env))
        model = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for complaint in self.sudo().filtered(lambda c: c.state == "new"):
            user = complaint.user_id or complaint.department_id.user_ids.sorted("id")[:1]
            if not user:
                continue
            vals_list.append({
                "res_model_id": model,
                "res_id": complaint.id,
                "activity_type_id": activity_type.id,
                "automated": True,
                "summary": self.env._("Acknowledge complaint %(name)s", name=complaint.name),
                "note": self.env._(
                    "New complaint from %(customer)s (%(channel)s) for department %(department)s.",
                    customer=complaint.partner_id.display_name or complaint.email_from or "",
                    channel=channels[complaint.channel],
                    department=complaint.department_id.name or "",
                ),
                "user_id": user.id,
                "date_deadline": (complaint.ack_deadline or fields.Datetime.now()).date(),
            })
        # one creation for the batch (activity_schedule creates one activity per call)
        self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _read_group_expand_state(self, states, domain):
        """Kanban columns in workflow order: every open state and Closed, then the other
        end states only when a complaint is in them."""
        return [key for key, _label in COMPLAINT_STATES if key in OPEN_STATES or key == "closed" or key in states]

    @api.constrains("customer_acceptance", "reply_date")
    def _check_no_answer(self):
        today = fields.Date.context_today(self)
        for complaint in self.filtered(lambda c: c.customer_acceptance == "no_answer"):
            days = complaint.company_id.crr_complaint_no_answer_days
            if not complaint.reply_date or (today - complaint.reply_date).days < days:
                raise ValidationError(
                    self.env._(
                        "Complaint %(name)s: 'No Answer' may only be recorded %(days)s days after the reply to "
                        "the customer was sent (replied on %(date)s).",
                        name=complaint.name,
                        days=days,
                        date=complaint.reply_date or self.env._("not yet"),
                    )
                )

    def _crr_kept_message(self):
        closed = self.filtered(lambda c: c.state == "closed")
        if closed:
            return self.env._(
                "Closed complaints cannot be deleted (%(names)s): they are quality records. "
                "Cancel a complaint instead of deleting it.",
                names=", ".join(closed.mapped("name")),
            )
        acted = self.filtered(lambda c: c.sudo().action_ids.filtered(lambda a: a.state in ("done", "verified")))
        if acted:
            return self.env._(
                "Complaints with done or verified actions cannot be deleted (%(names)s): their actions are quality "
                "records. Cancel a complaint instead of deleting it.",
                names=", ".join(acted.mapped("name")),
            )
        return None

    # ------------------------------------------------------------------------------------------
    # transitions
    # ------------------------------------------------------------------------------------------
    def _crr_state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env))[state]

    def _crr_check_transition(self, allowed_from, target):
        """Refuse the move to ``target`` for complaints whose state is not in ``allowed_from``."""
        for complaint in self:
            if complaint.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s is %(state)s: it cannot be moved to %(target)s. "
                        "Allowed from: %(allowed)s.",
                        name=complaint.name,
                        state=self._crr_state_label(complaint.state),
                        target=self._crr_state_label(target),
                        allowed=", ".join(self._crr_state_label(s) for s in allowed_from),
                    )
                )

    def _crr_check_handler(self):
        """Only reviewers and review managers handle complaints; salespeople create and follow them.

        The door of every status change: ids, group, then access and company of the complaints."""
        self._crr_check_ids(self)
        if self.env.su:
            return
        if not self.env.user.has_group("customer_requirement_review.group_crr_reviewer"):
            raise AccessError(
                self.env._(
                    "Only reviewers and review managers may change the status of a complaint. "
                    "Ask a reviewer of the quality department to handle it."
                )
            )
        self._crr_check_access("write")

    def action_acknowledge(self):
        self._crr_check_handler()
        self._crr_check_transition(("new",), "acknowledged")
        with crr_scope():
            self.write(
                {"state": "acknowledged", "acknowledged_date": fields.Datetime.now(), "acknowledged_by_id": self.env.uid}
            )
        self._crr_refresh_overdue()
        template = self.env.ref("customer_requirement_review.mail_template_crr_complaint_ack", raise_if_not_found=False)
        if template:
            # the customer (a follower since creation) is told that the complaint is being handled
            for complaint in self.filtered(lambda c: c.partner_id or c.contact_id):
                # a comment (not a notification): the customer sees it in the portal thread
                complaint.message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment"
                )
        self.sudo().activity_feedback(["customer_requirement_review.mail_activity_crr_complaint_new"])
        return True

    def action_send_reply(self):
        """Send the reply (tab Reply) to the customer as a comment of the complaint: e-mailed to the
        customer's followers and shown in the portal thread; records the reply date. Sales replies to the
        customer (the procedures), as do the reviewers who handle the complaint."""
        self._crr_check_ids(self)
        if not (
            self.env.su
            or self.env.user.has_group("customer_requirement_review.group_crr_reviewer")
            or self.env.user.has_group("sales_team.group_sale_salesman")
        ):
            raise AccessError(self.env._("Only salespeople and reviewers may reply to a customer's complaint."))
        self.check_access("write")
        for complaint in self:
            if complaint.state not in OPEN_STATES:
                raise UserError(
                    self.env._("Complaint %(name)s is no longer open: no reply can be sent.", name=complaint.name)
                )
            if not (complaint.customer_reply or "").strip():
                raise UserError(
                    self.env._("Write the reply to the customer of complaint %(name)s first (tab Reply).",
                               name=complaint.name)
                )
            if not (complaint.partner_id or complaint.contact_id):
                raise UserError(
                    self.env._("Complaint %(name)s has no customer to reply to.", name=complaint.name)
                )
        for complaint in self:
            complaint.message_post(
                body=plaintext2html(complaint.customer_reply),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=(complaint.contact_id or complaint.partner_id).ids,
            )
            complaint.write({"reply_date": fields.Date.context_today(complaint), "customer_acceptance": "pending"})
        return True

    def action_no_answer(self):
        """Record that the customer did not answer the reply within the days of the settings."""
        self._crr_check_handler()
        self.write({"customer_acceptance": "no_answer"})
        return True

    def _crr_portal_set_acceptance(self, accepted, comment=None):
        """The customer accepts or refuses the reply on the portal (called by the portal controller,
        after its access check, on the customer's complaint as superuser)."""
        self.ensure_one()
        if self.state not in OPEN_STATES or not self.reply_date:
            raise UserError(self.env._("There is no reply waiting for your answer on complaint %(name)s.",
                                       name=self.name))
        self.write({"customer_acceptance": "accepted" if accepted else "refused"})
        body = (
            self.env._("The customer accepts the reply.") if accepted
            else self.env._("The customer does not accept the reply.")
        )
        if comment:
            body = Markup("%s<br/>%s") % (body, plaintext2html(comment))
        self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment",
            author_id=self.env.user.partner_id.id,
        )
        return True

    def action_investigate(self):
        self._crr_check_handler()
        self._crr_check_transition(("acknowledged",), "investigating")
        missing = self.filtered(lambda c: not c.department_id)
        if missing:
            raise UserError(
                self.env._(
                    "Set the responsible department of complaint %(names)s before starting the investigation.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        with crr_scope():
            self.write({"state": "investigating"})
        return True

    def action_start_actions(self):
        """Investigation done: the corrective and preventive actions are being carried out."""
        self._crr_check_handler()
        self._crr_check_transition(("investigating",), "action")
        for complaint in self:
            missing = complaint._crr_missing_root_cause()
            if not complaint.action_ids:
                missing.append(self.env._("at least one action"))
            if missing:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s cannot start its actions, missing: %(missing)s.",
                        name=complaint.name,
                        missing="; ".join(missing),
                    )
                )
        with crr_scope():
            self.write({"state": "action"})
        return True

    def action_to_verification(self):
        self._crr_check_handler()
        self._crr_check_transition(("investigating", "action"), "verification")
        for complaint in self:
            missing = complaint._crr_missing_root_cause()
            open_actions = complaint.sudo().action_ids.filtered(lambda a: a.state == "open")
            if open_actions:
                missing.append(
                    self.env._("actions not done yet: %(actions)s", actions=", ".join(open_actions.mapped("name")))
                )
            if missing:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s cannot go to verification, missing: %(missing)s.",
                        name=complaint.name,
                        missing="; ".join(missing),
                    )
                )
        with crr_scope():
            self.write({"state": "verification"})
        return True

    def _crr_missing_root_cause(self):
        self.ensure_one()
        missing = []
        if not (self.sudo().root_cause or "").strip():
            missing.append(self.env._("the root cause"))
        return missing

    def _crr_close_missing(self):
        """What prevents closing this complaint, as a list of translated phrases."""
        self.ensure_one()
        missing = self._crr_missing_root_cause()
        unverified = self.sudo().action_ids.filtered(lambda a: a.state != "verified")
        if unverified:
            missing.append(
                self.env._("verification of the actions %(actions)s", actions=", ".join(unverified.mapped("name")))
            )
        if not (self.customer_reply or "").strip():
            missing.append(self.env._("the reply to the customer"))
        if not self.reply_date:
            missing.append(self.env._("the date of the reply to the customer"))
        if self.customer_acceptance not in ("accepted", "no_answer"):
            missing.append(
                self.env._(
                    "the customer's acceptance of the reply (or 'No Answer' %(days)s days after the reply)",
                    days=self.company_id.crr_complaint_no_answer_days,
                )
            )
        return missing

    def action_close(self):
        self._crr_check_handler()
        self._crr_check_transition(("verification",), "closed")
        for complaint in self:
            missing = complaint._crr_close_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s cannot be closed, missing: %(missing)s.",
                        name=complaint.name,
                        missing="; ".join(missing),
                    )
                )
        now = fields.Datetime.now()
        for complaint in self:
            with crr_scope():
                complaint.write(
                    {
                        "state": "closed",
                        "closed_date": now,
                        "closed_by_id": self.env.uid,
                        "is_overdue": False,
                        "days_to_close": round((now - complaint.date_received).total_seconds() / 86400.0, 2),
                    }
                )
        return True

    def action_reject(self):
        self._crr_check_handler()
        self._crr_check_transition(("new", "acknowledged", "investigating"), "rejected")
        missing = self.filtered(lambda c: not (c.rejection_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Complaint %(names)s cannot be rejected without a reason: fill in the Rejection Reason first.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        with crr_scope():
            self.write({"state": "rejected", "is_overdue": False})
        return True

    def action_cancel(self):
        self._crr_check_handler()
        self._crr_check_transition(OPEN_STATES, "cancelled")
        with crr_scope():
            self.write({"state": "cancelled", "is_overdue": False})
        return True

    def action_reset_to_new(self):
        """Reopen a rejected or cancelled complaint."""
        self._crr_check_handler()
        self._crr_check_transition(("rejected", "cancelled"), "new")
        with crr_scope():
            self.write({"state": "new"})
        self._crr_refresh_overdue()
        return True

    def action_view_actions(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "customer_requirement_review.action_crr_complaint_action"
        )
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_complaint_id": self.id}
        return action

    # ------------------------------------------------------------------------------------------
    # overdue
    # ------------------------------------------------------------------------------------------
    def _crr_overdue_now(self, now=None):
        self.ensure_one()
        now = now or fields.Datetime.now()
        if self.state not in OPEN_STATES:
            return False
        if self.state == "new" and self.ack_deadline and self.ack_deadline < now:
            return True
        return bool(self.close_deadline and self.close_deadline < now)

    def _crr_refresh_overdue(self):
        """Clear the overdue flag of complaints that are back on time (the cron sets it and reminds)."""
        now = fields.Datetime.now()
        back_on_time = self.filtered(lambda c: c.is_overdue and not c._crr_overdue_now(now))
        if back_on_time:
            with crr_scope():
                back_on_time.is_overdue = False

    @api.model
    def _cron_check_overdue(self):
        """Flag complaints that are not acknowledged or not closed in time and remind their owner."""
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("state", "in", OPEN_STATES),
                "|",
                ("is_overdue", "=", True),
                "|",
                ("close_deadline", "<", now),
                "&",
                ("state", "=", "new"),
                ("ack_deadline", "<", now),
            ]
        )
        newly_overdue = self.browse()
        for complaint in candidates:
            overdue = complaint._crr_overdue_now(now)
            if overdue and not complaint.is_overdue:
                newly_overdue |= complaint
            elif not overdue and complaint.is_overdue:
                with crr_scope():
                    complaint.is_overdue = False
        with crr_scope():
            newly_overdue.write({"is_overdue": True})
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for complaint in newly_overdue:
            if complaint.state == "new":
                summary = self.env._("Complaint %(name)s not acknowledged in time", name=complaint.name)
                deadline = complaint.ack_deadline
            else:
                summary = self.env._("Complaint %(name)s not closed in time", name=complaint.name)
                deadline = complaint.close_deadline
            body = self.env._(
                "Overdue: %(summary)s (deadline %(deadline)s).",
                summary=summary,
                deadline=fields.Datetime.to_string(deadline),
            )
            if complaint.user_id and todo:
                complaint.activity_schedule(
                    activity_type_id=todo.id,
                    summary=summary,
                    note=body,
                    user_id=complaint.user_id.id,
                    date_deadline=fields.Date.context_today(complaint),
                )
            complaint.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------------------------------------
    # mail gateway
    # ------------------------------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an incoming e-mail (alias of the company).

        The sender is matched by e-mail address: a known contact (the gateway's ``author_id``)
        becomes the contact and its commercial entity the customer. An unknown sender does not
        create a contact (no spam in the address book): the customer stays empty and the address
        is kept in ``email_from`` so that the team links or creates the customer by hand.
        """
        values = dict(custom_values or {})
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        author = author.exists()
        if author and author.user_ids.filtered(lambda u: not u.share):
            # an employee forwarding a complaint: not the customer
            author = self.env["res.partner"]
        body = msg_dict.get("body") or ""
        values.setdefault("subject", msg_dict.get("subject") or self.env._("Complaint received by e-mail"))
        values.setdefault("channel", "email")
        values.setdefault("email_from", msg_dict.get("email_from") or msg_dict.get("from"))
        values.setdefault("description", body if not is_html_empty(body) else False)
        values.setdefault("user_id", False)
        if author:
            values.setdefault("contact_id", author.id)
            values.setdefault("partner_id", author.commercial_partner_id.id)
        values["name"] = self.env._("New")
        return super(CrrComplaint, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=values
        )

    # ------------------------------------------------------------------------------------------
    # statistics
    # ------------------------------------------------------------------------------------------
    @api.model
    def _crr_statistics(self, domain=None):
        """Complaint counts by category, severity, month and department, and mean days to close.

        Returns plain data (no records)::

            {'total': int,
             'by_category': [{'key': 'quality', 'label': 'Quality', 'count': 3}, ...],
             'by_severity': [...same shape...],
             'by_month': [{'key': '2025-01', 'label': 'January 2025', 'count': 2}, ...],
             'by_department': [{'key': dept_id or False, 'label': name, 'count': n}, ...],
             'closed': int, 'mean_days_to_close': float or None}
        """
        domain = list(domain or [])
        result = {"total": self.search_count(domain)}
        for field_name in ("category", "severity"):
            labels = dict(self._fields[field_name]._description_selection(self.env))
            groups = self._read_group(domain, [field_name], ["__count"], order=f"{field_name}")
            result[f"by_{field_name}"] = [
                {"key": key, "label": labels.get(key, ""), "count": count} for key, count in groups
            ]
        months = self._read_group(domain, ["date_received:month"], ["__count"], order="date_received:month")
        result["by_month"] = [
            {
                "key": month.strftime("%Y-%m") if month else False,
                "label": month.strftime("%Y-%m") if month else "",
                "count": count,
            }
            for month, count in months
        ]
        departments = self._read_group(domain, ["department_id"], ["__count"])
        result["by_department"] = sorted(
            (
                {"key": dept.id or False, "label": dept.display_name or self.env._("No department"), "count": count}
                for dept, count in departments
            ),
            key=lambda row: (-row["count"], row["label"]),
        )
        [(closed, mean)] = self._read_group(
            [*domain, ("state", "=", "closed")], [], ["__count", "days_to_close:avg"]
        )
        result["closed"] = closed
        result["mean_days_to_close"] = round(mean, 2) if closed and mean is not None else None
        return result

    def _crr_description_text(self):
        self.ensure_one()
        return html2plaintext(self.description or "")

    # -- XLSX complaint register -------------------------------------------------------------------
    def _crr_xlsx_filename(self):
        return self.env._("Complaint register.xlsx")

    def _crr_xlsx_register_rows(self, batch_size=2000):
        """One row per complaint, read in batches so that large registers stay small in memory."""
        labels = {
            name: dict(self._fields[name]._description_selection(self.env))
            for name in ("channel", "category", "severity", "state", "cause_category", "customer_acceptance")
        }
        field_names = [
            "name", "subject", "partner_id", "order_id", "product_id", "affected_qty", "channel", "category",
            "severity", "department_id", "user_id", "state", "date_received", "ack_deadline", "close_deadline",
            "is_overdue", "acknowledged_date", "closed_date", "days_to_close", "cause_category", "root_cause",
            "cost", "reply_date", "customer_acceptance",
        ]
        # the quality roles' internal notes are exported to them only
        internal = self.env.su or self.env.user._has_group(QUALITY_GROUPS)
        if not internal:
            field_names = [name for name in field_names if name not in ("cause_category", "root_cause", "cost")]
        for start in range(0, len(self.ids), batch_size):
            batch = self.browse(self.ids[start:start + batch_size])
            batch.fetch(field_names)
            for complaint in batch:
                yield [
                    complaint.name,
                    complaint.subject,
                    complaint.partner_id.display_name,
                    complaint.order_id.name,
                    complaint.product_id.display_name,
                    complaint.affected_qty,
                    labels["channel"].get(complaint.channel, ""),
                    labels["category"].get(complaint.category, ""),
                    labels["severity"].get(complaint.severity, ""),
                    complaint.department_id.name,
                    complaint.user_id.name,
                    labels["state"].get(complaint.state, ""),
                    complaint.date_received,
                    complaint.ack_deadline,
                    complaint.close_deadline,
                    complaint.is_overdue,
                    complaint.acknowledged_date,
                    complaint.closed_date,
                    complaint.days_to_close if complaint.closed_date else False,
                    labels["cause_category"].get(complaint.cause_category, "") if internal else None,
                    complaint.root_cause if internal else None,
                    complaint.cost if internal else None,
                    complaint.reply_date,
                    labels["customer_acceptance"].get(complaint.customer_acceptance, ""),
                ]
            self.env.invalidate_all()

    def _crr_xlsx_statistics_rows(self):
        """The statistics sheet: counts by category, severity, month and department, then the mean
        days to close, all computed with _read_group."""
        stats = self._crr_statistics([("id", "in", self.ids)])
        # a dict, not a tuple of pairs: the gettext extractor would take the keys for messages
        sections = {
            "by_category": self.env._("Category"),
            "by_severity": self.env._("Severity"),
            "by_month": self.env._("Month"),
            "by_department": self.env._("Department"),
        }
        for key, title in sections.items():
            for row in stats[key]:
                yield [title, row["label"], row["count"], row["count"] / stats["total"] if stats["total"] else 0.0]
        yield [self.env._("Total"), self.env._("Complaints"), stats["total"], 1.0 if stats["total"] else 0.0]
        yield [self.env._("Total"), self.env._("Closed"), stats["closed"], False]
        yield [self.env._("Total"), self.env._("Mean Days to Close"), stats["mean_days_to_close"], False]

    def _crr_xlsx_sheets(self):
        return [
            {
                "name": self.env._("Complaint Register"),
                "columns": [
                    {"header": self.env._("Reference"), "type": "char", "width": 16},
                    {"header": self.env._("Subject"), "type": "char", "width": 30},
                    {"header": self.env._("Customer"), "type": "char", "width": 26},
                    {"header": self.env._("Order"), "type": "char", "width": 12},
                    {"header": self.env._("Product"), "type": "char", "width": 22},
                    {"header": self.env._("Affected Quantity"), "type": "float"},
                    {"header": self.env._("Channel"), "type": "char", "width": 12},
                    {"header": self.env._("Category"), "type": "char", "width": 16},
                    {"header": self.env._("Severity"), "type": "char", "width": 10},
                    {"header": self.env._("Department"), "type": "char", "width": 16},
                    {"header": self.env._("Owner"), "type": "char", "width": 18},
                    {"header": self.env._("Status"), "type": "char", "width": 14},
                    {"header": self.env._("Received On"), "type": "datetime"},
                    {"header": self.env._("Acknowledge By"), "type": "datetime"},
                    {"header": self.env._("Close By"), "type": "datetime"},
                    {"header": self.env._("Overdue"), "type": "boolean"},
                    {"header": self.env._("Acknowledged On"), "type": "datetime"},
                    {"header": self.env._("Closed On"), "type": "datetime"},
                    {"header": self.env._("Days to Close"), "type": "float"},
                    {"header": self.env._("Cause Category"), "type": "char", "width": 14},
                    {"header": self.env._("Root Cause"), "type": "text", "width": 40},
                    {"header": self.env._("Cost"), "type": "monetary"},
                    {"header": self.env._("Replied On"), "type": "date"},
                    {"header": self.env._("Customer Acceptance"), "type": "char", "width": 16},
                ],
                "rows": self._crr_xlsx_register_rows(),
            },
            {
                "name": self.env._("Statistics"),
                "columns": [
                    {"header": self.env._("By"), "type": "char", "width": 14},
                    {"header": self.env._("Value"), "type": "char", "width": 26},
                    {"header": self.env._("Complaints"), "type": "float"},
                    {"header": self.env._("Share"), "type": "percent"},
                ],
                "rows": self._crr_xlsx_statistics_rows(),
            },
        ]
