from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_datetime, format_list, html2plaintext, is_html_empty

from .crr_change_kinds import format_kinds, kind_labels, parse_kinds
from .crr_record_guard_mixin import crr_flag, crr_scope

CR_OPEN_STATES = ("draft", "to_review", "approved")
CR_LOCKED_STATES = ("applied", "rejected")


class CrrChangeRequest(models.Model):
    """A change of a reviewed or confirmed order (顾客订单变更), reviewed again by the departments concerned
    and applied to the order in one transaction."""

    _name = "crr.change.request"
    _description = "Order Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "crr.review.mixin", "crr.record.guard.mixin", "crr.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _crr_create_only_fields = frozenset({"name"})
    _crr_action_fields = {
        "state": "action_submit / action_apply / action_cancel (the review lines' action_approve / action_reject)",
        "requested_by_id": "action_request_change (the requester is the user who creates the change request)",
        "request_date": "action_request_change",
        "submit_date": "action_submit",
        "approved_date": "the review lines' action_approve",
        "applied_by_id": "action_apply",
        "applied_date": "action_apply",
        "notified_department_ids": "action_apply",
        # kept for the change requests made before the requirement changes (the specification is now changed
        # in the order's requirement list)
        "new_note": "the requirement changes of the change request (requirement_change_ids)",
    }
    # crr.review.mixin: one review round per change request
    _crr_review_line_field = "change_request_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "state"
    _crr_review_states = {"in_review": "to_review", "approved": "approved", "rejected": "rejected"}

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="restrict", check_company=True,
        tracking=True, domain="['|', ('state', '=', 'sale'), ('review_state', '=', 'approved')]",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer", tracking=False)
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson", tracking=False)
    currency_id = fields.Many2one(related="order_id.currency_id")
    origin = fields.Selection(
        [("customer", "Customer"), ("internal", "Internal")],
        required=True, default="customer", tracking=True,
        help="Who asks for the change: the customer, or the company itself.",
    )
    reason = fields.Text(required=True, tracking=True, help="Why the order must change.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_review", "In Review"),
            ("approved", "Approved"),
            ("applied", "Applied"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True, default="draft", tracking=True, index=True, readonly=True, copy=False,
    )
    line_ids = fields.One2many("crr.change.request.line", "change_request_id", string="Line Changes", copy=True)
    review_line_ids = fields.One2many("crr.review.line", "change_request_id", string="Review Lines", copy=False)
    # header changes: the new value (empty = unchanged) next to the order's value when the request was created
    old_commitment_date = fields.Datetime(
        string="Current Delivery Date", compute="_compute_old_values", store=True, readonly=True,
        help="The order's delivery date when the request was created.",
    )
    new_commitment_date = fields.Datetime(string="New Delivery Date", tracking=True)
    old_payment_term_id = fields.Many2one(
        "account.payment.term", string="Current Payment Terms", compute="_compute_old_values", store=True,
        readonly=True,
    )
    new_payment_term_id = fields.Many2one(
        "account.payment.term", string="New Payment Terms", check_company=True, tracking=True
    )
    old_note = fields.Html(
        string="Current Specification / Terms", compute="_compute_old_values", store=True, readonly=True,
        sanitize=True,
    )
    new_note = fields.Html(
        string="New Specification / Terms",
        readonly=True,
        help="Change requests made before the requirement changes: the new specification text they wrote to "
        "the order's terms and conditions note. The specification is now changed in the requirement list.",
    )
    requirement_change_ids = fields.One2many(
        "crr.change.request.requirement", "change_request_id", string="Requirement Changes", copy=True,
        help="Changes of the order's requirement list (specification, transport mode, packaging...): applied "
        "with the request, they land in the requirement list.",
    )
    acknowledgement_ids = fields.One2many(
        "crr.change.acknowledgement", "change_request_id", string="Change Notice", copy=False, readonly=True
    )
    notice_pending_count = fields.Integer(
        string="Departments Yet to Acknowledge", compute="_compute_notice_pending_count"
    )
    change_kinds = fields.Char(
        string="Kinds of Change", compute="_compute_change_kinds", store=True,
        help="Technical: comma-separated kinds (quantity, date, price, payment, specification).",
    )
    change_kinds_display = fields.Char(string="Changes", compute="_compute_change_kinds_display")
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, copy=False,
        tracking=True,
    )
    request_date = fields.Datetime(string="Requested On", default=fields.Datetime.now, readonly=True, copy=False)
    submit_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    applied_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    applied_date = fields.Datetime(string="Applied On", readonly=True, copy=False, tracking=True)
    notified_department_ids = fields.Many2many(
        "crr.department", "crr_change_request_notified_department_rel", "change_request_id", "department_id",
        string="Departments Notified", readonly=True, copy=False,
    )
    can_apply = fields.Boolean(compute="_compute_can_apply")
    crr_retention_date = fields.Date(
        string="Keep Record Until",
        compute="_compute_crr_retention_date",
        help="Kept until the end of the calendar year in which its order is done, plus the company's retention "
        "period for change requests. Empty while the order runs.",
    )

    _open_order_uniq = models.UniqueIndex(
        "(order_id) WHERE state IN ('draft', 'to_review', 'approved')",
        "An order can have only one open change request at a time (draft, to review or approved): finish or "
        "cancel the open one first.",
    )

    # -- computes ------------------------------------------------------------------------------
    @api.depends("order_id")
    def _compute_old_values(self):
        """Snapshot of the order's values: depends on the order only, so later edits of the order don't move it."""
        for request in self:
            order = request.order_id
            request.old_commitment_date = order.commitment_date
            request.old_payment_term_id = order.payment_term_id
            request.old_note = order.note

    @api.depends(
        "new_commitment_date", "old_commitment_date", "new_payment_term_id", "old_payment_term_id", "new_note",
        "old_note", "line_ids.kinds", "requirement_change_ids.kinds",
    )
    def _compute_change_kinds(self):
        for request in self:
            request.change_kinds = format_kinds(request._crr_kinds())

    @api.depends("change_kinds")
    def _compute_change_kinds_display(self):
        labels = kind_labels(self.env)
        for request in self:
            kinds = sorted(parse_kinds(request.change_kinds))
            request.change_kinds_display = format_list(self.env, [labels[kind] for kind in kinds])

    def _crr_note_changed(self):
        self.ensure_one()
        if is_html_empty(self.new_note):
            return False
        return html2plaintext(self.new_note or "").strip() != html2plaintext(self.old_note or "").strip()

    def _crr_kinds(self):
        """Kinds of change of the request (quantity, date, price, payment, specification)."""
        self.ensure_one()
        kinds = set()
        if self.new_commitment_date and self.new_commitment_date != self.old_commitment_date:
            kinds.add("date")
        if self.new_payment_term_id and self.new_payment_term_id != self.old_payment_term_id:
            kinds.add("payment")
        if self._crr_note_changed():
            kinds.add("specification")
        for line in self.line_ids:
            kinds.update(parse_kinds(line.kinds))
        for change in self.requirement_change_ids:
            kinds.update(parse_kinds(change.kinds))
        return kinds

    @api.depends("acknowledgement_ids.state")
    def _compute_notice_pending_count(self):
        for request in self:
            request.notice_pending_count = len(request.acknowledgement_ids.filtered(lambda a: a.state == "pending"))

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_apply(self):
        for request in self:
            request.can_apply = request.state == "approved" and request.order_id.has_access("write")

    @api.depends("name", "order_id")
    def _compute_display_name(self):
        for request in self:
            if request.order_id and request.name and request.name != "/":
                request.display_name = f"{request.name} ({request.order_id.name})"
            else:
                request.display_name = request.name or ""

    @api.depends("order_id.state", "order_id.invoice_status", "company_id.crr_retention_years_change_request")
    def _compute_crr_retention_date(self):
        for request in self:
            company = request.order_id.company_id
            request.crr_retention_date = company and company._crr_retention_date(
                request.order_id._crr_done_date(), company.crr_retention_years_change_request
            )

    # -- constraints ---------------------------------------------------------------------------
    def _crr_open_request_message(self, other):
        return self.env._(
            "%(order)s already has an open change request, %(request)s (%(state)s): finish or cancel it before "
            "requesting another change.",
            order=other.order_id.name,
            request=other.name,
            state=dict(other._fields["state"]._description_selection(self.env))[other.state],
        )

    # -- create / write / unlink ---------------------------------------------------------------
    def _crr_check_line_commands(self, vals):
        """Numbers of the lines written through the request (before the ORM converts them)."""
        Line = self.env["crr.change.request.line"]
        for command in vals.get("line_ids") or []:
            if isinstance(command, list | tuple) and len(command) == 3 and command[0] in (0, 1):
                Line._crr_check_numbers(command[2] or {})

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            self._crr_check_line_commands(vals)
        orders = self.env["sale.order"].browse([vals.get("order_id") for vals in vals_list if vals.get("order_id")])
        orders._crr_check_change_allowed()
        other = self.sudo().search([("order_id", "in", orders.ids), ("state", "in", CR_OPEN_STATES)], limit=1)
        if other:
            raise UserError(self._crr_open_request_message(other))
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["sale.order"].browse(vals.get("order_id")).company_id or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("crr.change.request") or "/"
                )
        return super().create(vals_list)

    _CRR_FREE_FIELDS = frozenset(
        {"message_main_attachment_id", "activity_ids", "message_follower_ids", "message_ids"}
    )

    def write(self, vals):
        self._crr_check_write(vals)
        self._crr_check_line_commands(vals)
        if not crr_flag("action") and set(vals) - self._CRR_FREE_FIELDS:
            locked = self.filtered(lambda r: r.state in (*CR_LOCKED_STATES, "cancelled"))
            if locked:
                raise UserError(
                    self.env._(
                        "The change request %(request)s is %(state)s and read-only; create a new change request "
                        "if the order must change again.",
                        request=locked[0].name,
                        state=dict(self._fields["state"]._description_selection(self.env))[locked[0].state],
                    )
                )
            in_review = self.filtered(lambda r: r.state != "draft")
            if in_review and set(vals) - {"reason", "origin"} - self._CRR_FREE_FIELDS:
                raise UserError(
                    self.env._(
                        "The change request %(request)s was submitted: its changes can no longer be edited. "
                        "Cancel it and create a new one.",
                        request=in_review[0].name,
                    )
                )
            if "order_id" in vals and any(r.order_id.id != vals["order_id"] for r in self):
                raise UserError(self.env._("The order of a change request cannot be changed."))
        return super().write(vals)

    def _crr_kept_message(self):
        for request in self:
            if request.state in CR_LOCKED_STATES:
                return self.env._(
                    "The change request %(request)s is %(state)s: it is kept as the order's change record "
                    "and cannot be deleted.",
                    request=request.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[request.state],
                )
            if request.state not in ("draft", "cancelled") or request.review_line_ids:
                return self.env._(
                    "The change request %(request)s is being reviewed or was reviewed: cancel it instead of "
                    "deleting it.",
                    request=request.name,
                )
        return None

    # -- the subject's hooks (crr.review.mixin) ---------------------------------------------------
    def _crr_review_requester(self):
        self.ensure_one()
        return self.requested_by_id or self.env.user

    def _crr_review_line_extra_vals(self):
        # the lines of a change request name its order too (lists, registers and record rules of the order)
        return {"order_id": self.order_id.id}

    def _crr_review_line_name(self, line):
        return self.env._(
            "%(request)s / %(department)s", request=self.name or "", department=line.department_id.name or ""
        )

    def _crr_review_activity_summary(self):
        return self.env._(
            "Review change request %(request)s of %(order)s", request=self.name, order=self.order_id.name
        )

    def _crr_review_reopen_error(self, line):
        if self.state not in ("to_review", "approved"):
            return self.env._(
                "Only lines of a change request being reviewed or approved (not yet applied) can be "
                "reopened (%(line)s).",
                line=line.display_name,
            )
        return None

    def _crr_set_review_state(self, state, extra=None):
        extra = dict(extra or {})
        if state == "approved":
            extra["approved_date"] = fields.Datetime.now()
        return super()._crr_set_review_state(state, extra=extra)

    def _crr_review_round_ended(self, state, lines):
        requester = self.requested_by_id.partner_id
        if state == "approved":
            self.sudo().message_post(
                body=self.env._("The change request is approved by every department concerned: it may be applied."),
                partner_ids=requester.ids,
                subtype_xmlid="mail.mt_note",  # internal: never shown to the customer
            )
        elif state == "rejected":
            rejected = lines.filtered(lambda line: line.state == "rejected")
            reasons = self.env._("; ").join(
                self.env._("%(department)s: %(opinion)s", department=line.department_id.name, opinion=line.opinion or "")
                for line in rejected
            )
            self.sudo().message_post(
                body=self.env._("The change request is rejected. %(reasons)s", reasons=reasons),
                partner_ids=requester.ids,
                subtype_xmlid="mail.mt_note",  # internal: never shown to the customer
            )

    # -- submit --------------------------------------------------------------------------------
    def _crr_check_submittable(self):
        for request in self:
            if request.state != "draft":
                raise UserError(
                    self.env._("Only draft change requests can be submitted (%(request)s).", request=request.name)
                )
            if not (request.reason or "").strip():
                raise UserError(
                    self.env._("Give the reason for the change request %(request)s.", request=request.name)
                )
            if not request._crr_kinds():
                raise UserError(
                    self.env._(
                        "The change request %(request)s changes nothing: set a new delivery date or payment terms, "
                        "change, add or remove order lines or requirements (specification, transport mode, "
                        "packaging).",
                        request=request.name,
                    )
                )
            request.order_id._crr_check_change_allowed()
            request.line_ids._crr_check_values()
            request.requirement_change_ids._crr_constrain_values()

    def action_submit(self):
        """Create the review lines of the departments concerned by the kinds of change and ask them."""
        self._crr_check_access("write")
        self._crr_check_submittable()
        now = fields.Datetime.now()
        line_vals = []
        no_review = self.browse()
        for request in self:
            departments = (
                self.env["crr.department"].sudo()._crr_for_change_kinds(request._crr_kinds(), company=request.company_id)
            )
            if not departments:
                no_review |= request
                continue
            line_vals += request._crr_round_line_vals(departments, now=now)
        lines = self._crr_create_round_lines(line_vals)
        flow = self.sudo()
        for request in flow:
            if request in no_review:
                with crr_scope():
                    request.write({"state": "approved", "submit_date": now, "approved_date": now})
                request.message_post(
                    body=self.env._(
                        "Submitted. No department reviews this kind of change (%(kinds)s): the change request is "
                        "approved at once and may be applied.",
                        kinds=request.change_kinds_display or "-",
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            with crr_scope():
                request.write({"state": "to_review", "submit_date": now})
            request_lines = lines.filtered(lambda line, request=request: line.change_request_id == request)
            body = self.env._(
                "Submitted for review (%(kinds)s). Departments asked: %(departments)s.",
                kinds=request.change_kinds_display or "-",
                departments=format_list(self.env, request_lines.department_id.mapped("name")),
            )
            if request_lines.filtered(lambda line: line.state == "waiting"):
                body += " " + self.env._("The final approval opens when the other departments have approved.")
            request.message_post(body=body, subtype_xmlid="mail.mt_note")
            request.order_id.message_post(
                body=self.env._(
                    "Change request %(request)s submitted for review: %(reason)s",
                    request=request.name,
                    reason=request.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        # the salesperson's feedback: a notification, then the form reloads
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Change Request Submitted"),
                "message": body if len(self) == 1 and not no_review else self.env._(
                    "Submitted: %(requests)s.", requests=", ".join(self.mapped("name"))
                ),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -- apply ---------------------------------------------------------------------------------
    def _crr_fmt(self, value, field):
        """Display a value of ``field`` (a field of sale.order or sale.order.line) for messages and tables."""
        if field.type == "many2one":
            return value.display_name if value else self.env._("(none)")
        if field.type == "datetime":
            return format_datetime(self.env, value) if value else self.env._("(none)")
        if field.type == "html":
            return html2plaintext(value or "").strip() or self.env._("(none)")
        if field.type == "float":
            return f"{value:g}"
        return str(value) if value not in (False, None) else self.env._("(none)")

    def _crr_changed_since_error(self, label, snapshot, current):
        return UserError(
            self.env._(
                "%(request)s cannot be applied: %(field)s of %(order)s changed since the request was created "
                "(was %(old)s when requested, is now %(current)s). Cancel this request and create a new one from "
                "the current order, so that nothing is overwritten silently.",
                request=self.name,
                field=label,
                order=self.order_id.name,
                old=snapshot,
                current=current,
            )
        )

    def _crr_check_applicable(self):
        """Validate everything before writing; return the list of (what, old, new) rows of the change."""
        self.ensure_one()
        order = self.order_id
        so_fields = order._fields
        if self.state != "approved":
            raise UserError(
                self.env._(
                    "%(request)s cannot be applied: only approved change requests can be applied (it is %(state)s).",
                    request=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if order.state == "cancel":
            raise UserError(
                self.env._("%(request)s cannot be applied: the order %(order)s is cancelled.",
                           request=self.name, order=order.name)
            )
        if order.locked:
            raise UserError(
                self.env._(
                    "%(request)s cannot be applied: the order %(order)s is locked. Unlock it first if the change "
                    "must still be applied.",
                    request=self.name,
                    order=order.name,
                )
            )
        rows = []
        if self.new_commitment_date and self.new_commitment_date != self.old_commitment_date:
            field = so_fields["commitment_date"]
            label = field._description_string(self.env)
            if order.commitment_date != self.old_commitment_date:
                raise self._crr_changed_since_error(
                    label, self._crr_fmt(self.old_commitment_date, field), self._crr_fmt(order.commitment_date, field)
                )
            rows.append((label, self._crr_fmt(self.old_commitment_date, field),
                         self._crr_fmt(self.new_commitment_date, field)))
        if self.new_payment_term_id and self.new_payment_term_id != self.old_payment_term_id:
            field = so_fields["payment_term_id"]
            label = field._description_string(self.env)
            if order.payment_term_id != self.old_payment_term_id:
                raise self._crr_changed_since_error(
                    label, self._crr_fmt(self.old_payment_term_id, field), self._crr_fmt(order.payment_term_id, field)
                )
            rows.append((label, self._crr_fmt(self.old_payment_term_id, field),
                         self._crr_fmt(self.new_payment_term_id, field)))
        for line in self.line_ids:
            rows.extend(line._crr_check_applicable())
        rows.extend(self.requirement_change_ids._crr_check_applicable())
        return rows

    def _crr_before_after_table(self, rows):
        headers = (self.env._("Change"), self.env._("Before"), self.env._("After"))
        head = Markup("").join(Markup("<th>%s</th>") % h for h in headers)
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (what, old, new) for what, old, new in rows
        )
        return Markup(
            '<table class="table table-sm table-bordered o_crr_change_table"><thead><tr>%s</tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    def action_apply(self):
        """Write the approved changes to the order, in one transaction, with the order row locked."""
        self._crr_check_access("write")
        for request in self:
            request._crr_apply_one()
        return True

    def _crr_apply_one(self):
        self.ensure_one()
        order = self.order_id
        order.check_access("write")
        # serialise concurrent applies (and decisions) on the order, then re-read and re-check fresh values
        self.env.cr.execute("SELECT id FROM sale_order WHERE id = %s FOR UPDATE", [order.id])
        self.env.cr.execute("SELECT id FROM crr_change_request WHERE id = %s FOR UPDATE", [self.id])
        self.env.invalidate_all()
        rows = self._crr_check_applicable()
        if not rows:
            raise UserError(
                self.env._("%(request)s changes nothing in the current order.", request=self.name)
            )
        # everything is validated: write
        order_vals = {}
        if self.new_commitment_date and self.new_commitment_date != self.old_commitment_date:
            order_vals["commitment_date"] = self.new_commitment_date
        if self.new_payment_term_id and self.new_payment_term_id != self.old_payment_term_id:
            order_vals["payment_term_id"] = self.new_payment_term_id.id
        line_commands = []
        for line in self.line_ids:
            line_commands.extend(line._crr_order_line_commands())
        if line_commands:
            order_vals["order_line"] = line_commands
        # the approved change request is the review of these changes
        with crr_scope("no_rereview"):
            if order_vals:
                order.write(order_vals)
            # the specification, transport mode and packaging land in the order's requirement list
            self.requirement_change_ids._crr_apply()
        now = fields.Datetime.now()
        departments = self._crr_concerned_departments()
        with crr_scope():
            self.sudo().write(
                {
                    "state": "applied",
                    "applied_by_id": self.env.uid,
                    "applied_date": now,
                    "notified_department_ids": [Command.set(departments.ids)],
                    "acknowledgement_ids": [
                        Command.create({"department_id": department.id, "order_id": order.id})
                        for department in departments
                    ],
                }
            )
        table = self._crr_before_after_table(rows)
        reviewers = departments.user_ids.partner_id
        order.message_post(
            body=Markup("<p>%s</p>%s") % (
                self.env._(
                    "Change request %(request)s applied by %(user)s (%(origin)s change). Reason: %(reason)s",
                    request=self.name,
                    user=self.env.user.name,
                    origin=dict(self._fields["origin"]._description_selection(self.env))[self.origin],
                    reason=self.reason,
                ),
                table,
            ),
            partner_ids=reviewers.ids,
            subtype_xmlid="mail.mt_note",  # internal: never shown to the customer
        )
        self.sudo().message_post(
            body=Markup("<p>%s</p>%s") % (
                self.env._(
                    "Applied to %(order)s. Departments told: %(departments)s.",
                    order=order.name,
                    departments=format_list(self.env, departments.mapped("name")) or "-",
                ),
                table,
            ),
            partner_ids=(reviewers | self.requested_by_id.partner_id).ids,
            subtype_xmlid="mail.mt_note",  # internal: never shown to the customer
        )
        return True

    def _crr_concerned_departments(self):
        """Every department the change concerns (told by the change notice): the departments that reviewed
        the change request or the order, those that review its kinds of change, and those responsible for the
        requirements it changes."""
        self.ensure_one()
        flow = self.sudo()
        departments = (
            flow.review_line_ids.department_id
            | flow.env["crr.department"]._crr_for_change_kinds(flow._crr_kinds(), company=flow.company_id)
            | flow.order_id.review_line_ids.department_id
            | flow.requirement_change_ids.department_id
            | flow.requirement_change_ids.requirement_id.department_id
        )
        return departments.filtered(lambda department: department.active and department.company_id == flow.company_id)

    def action_view_acknowledgements(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_requirement_review.action_crr_change_acknowledgement"
        )
        action["domain"] = [("change_request_id", "=", self.id)]
        return action

    # -- cancel --------------------------------------------------------------------------------
    def action_cancel(self):
        self._crr_check_access("write")
        for request in self:
            if request.state not in CR_OPEN_STATES:
                raise UserError(
                    self.env._(
                        "Only draft, to review or approved change requests can be cancelled (%(request)s is "
                        "%(state)s).",
                        request=request.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[request.state],
                    )
                )
        self.check_access("write")
        flow = self.sudo()
        for request in flow.filtered(lambda r: r.state == "to_review"):
            request._crr_close_round()
        with crr_scope():
            flow.write({"state": "cancelled"})
        for request in flow:
            request.message_post(
                body=self.env._("Change request cancelled by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _crr_check_lines_editable(self):
        for request in self:
            if request.state != "draft" and not crr_flag("action"):
                raise UserError(
                    self.env._(
                        "The lines of the change request %(request)s can only be changed while it is a draft.",
                        request=request.name,
                    )
                )

    # -- navigation / report -------------------------------------------------------------------
    def action_open_order(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    def _crr_report_rows(self):
        """Rows (what, old, new) shown by the change notice."""
        self.ensure_one()
        so_fields = self.env["sale.order"]._fields
        rows = []
        if self.new_commitment_date:
            field = so_fields["commitment_date"]
            rows.append((field._description_string(self.env), self._crr_fmt(self.old_commitment_date, field),
                         self._crr_fmt(self.new_commitment_date, field)))
        if self.new_payment_term_id:
            field = so_fields["payment_term_id"]
            rows.append((field._description_string(self.env), self._crr_fmt(self.old_payment_term_id, field),
                         self._crr_fmt(self.new_payment_term_id, field)))
        if not is_html_empty(self.new_note):
            field = so_fields["note"]
            rows.append((self._fields["new_note"]._description_string(self.env), self._crr_fmt(self.old_note, field),
                         self._crr_fmt(self.new_note, field)))
        for line in self.line_ids:
            rows.extend(line._crr_rows())
        for change in self.requirement_change_ids:
            rows.extend(change._crr_rows())
        return rows
