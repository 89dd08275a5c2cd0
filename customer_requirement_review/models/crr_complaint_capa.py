from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crr_complaint import CrrComplaint as BaseComplaint
from .crr_management_rep import MANAGEMENT_REP_CODE, management_rep_departments
from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES

PLAN_STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved")]
EFFECTIVENESS_STATES = [("pending", "To Verify"), ("effective", "Effective"), ("not_effective", "Not Effective")]
INVESTIGATED_SEVERITIES = ("major", "critical")

class CrrComplaint(models.Model):
    """Corrective action governance of a complaint (纠正及预防措施): the optional 8D view, the quality
    investigation of major and critical complaints, the on-site deadline and field service of critical
    ones, the CAPA plan (due N days after the investigation starts, approved by the management
    representative before the actions start) and the effectiveness check after closing."""

    _name = "crr.complaint"
    _inherit = ["crr.complaint", "crr.review.mixin"]
    _crr_action_fields = {
        **BaseComplaint._crr_action_fields,
        "investigation_date": "action_investigate",
        "plan_state": "action_submit_plan / the plan's review lines (action_approve_plan, action_refuse_plan)",
        "plan_round": "action_submit_plan",
        "plan_submitted_date": "action_submit_plan",
        "plan_submitted_by_id": "action_submit_plan",
        "plan_approved_date": "action_approve_plan",
        "plan_approved_by_id": "action_approve_plan",
        "effectiveness_state": "_cron_check_effectiveness",
        "effectiveness_date": "_cron_check_effectiveness",
        "recurrence_complaint_id": "_cron_check_effectiveness",
        "origin_complaint_id": "_cron_check_effectiveness",
    }
    # crr.review.mixin: the CAPA plan is reviewed by the management representative, one round per submission
    _crr_review_line_field = "complaint_id"
    _crr_review_lines_field = "plan_review_line_ids"
    _crr_review_state_field = "plan_state"
    _crr_review_states = {"in_review": "submitted", "approved": "approved", "rejected": "draft"}

    # -- 8D (D1 team, D2 problem, D5-D8 texts; D3/D4 are the containment and root cause fields) ----------
    is_8d = fields.Boolean(
        string="8D Report", tracking=True,
        help="Handle this complaint with the eight disciplines (8D): shows the 8D page and prints the 8D report.",
    )
    team_user_ids = fields.Many2many(
        "res.users", "crr_complaint_team_user_rel", "complaint_id", "user_id", string="8D Team",
        domain=[("share", "=", False)], check_company=True,
        help="D1: the team that solves the problem (the owner leads it).",
    )
    problem_statement = fields.Text(
        groups="base.group_user",
        help="D2: the problem described in measurable terms (what, where, when, how many, is / is not).",
    )
    corrective_plan = fields.Text(
        string="Corrective Action Plan", groups="base.group_user", tracking=True,
        help="D5: the corrective actions chosen and why they remove the root cause; submitted to the "
        "management representative for approval.",
    )
    validation_note = fields.Text(
        string="Implementation and Validation", groups="base.group_user",
        help="D6: how the corrective actions were implemented and the evidence that they work.",
    )
    prevention_note = fields.Text(
        string="Prevention of Recurrence", groups="base.group_user",
        help="D7: procedures, drawings, control plans and other products or processes updated.",
    )
    recognition_note = fields.Text(
        string="Closure and Team Recognition", groups="base.group_user",
        help="D8: closure of the 8D and recognition of the team.",
    )
    # -- returns (a hook the stock bridge may fill) -------------------------------------------------------
    has_return = fields.Boolean(
        string="Goods Returned", tracking=True, index=True,
        help="The customer returned goods for this complaint (退货). Counts as a return for the satisfaction "
        "follow-up of the period.",
    )
    # -- quality investigation and field service ----------------------------------------------------------
    investigation_ids = fields.One2many("crr.quality.investigation", "complaint_id", string="Quality Investigations")
    investigation_count = fields.Integer(compute="_compute_capa_counts")
    onsite_required = fields.Boolean(
        string="On Site Needed", tracking=True,
        help="The phone cannot solve this critical complaint: someone must be on site within the on-site "
        "deadline (company setting) and write a field service report.",
    )
    onsite_deadline = fields.Datetime(
        string="On Site By", compute="_compute_onsite_deadline", store=True, index="btree_not_null",
    )
    field_service_ids = fields.One2many("crr.field.service", "complaint_id", string="Field Services")
    field_service_count = fields.Integer(compute="_compute_capa_counts")
    # -- CAPA plan -------------------------------------------------------------------------------------------
    investigation_date = fields.Datetime(string="Investigation Started On", readonly=True, copy=False)
    plan_deadline = fields.Datetime(
        string="CAPA Plan Due", compute="_compute_plan_deadline", store=True, index="btree_not_null",
        help="The responsible department draws up the corrective action plan by this date (company setting, "
        "counted from the start of the investigation).",
    )
    plan_state = fields.Selection(
        PLAN_STATES, string="CAPA Plan", required=True, default="draft", tracking=True, index=True, copy=False,
    )
    plan_round = fields.Integer(string="CAPA Plan Round", readonly=True, copy=False)
    plan_review_line_ids = fields.One2many(
        "crr.review.line", "complaint_id", string="CAPA Plan Approval", readonly=True,
        help="The management representative's review of each submission of the CAPA plan.",
    )
    plan_submitted_date = fields.Datetime(string="Plan Submitted On", readonly=True, copy=False)
    plan_submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    plan_approved_date = fields.Datetime(string="Plan Approved On", readonly=True, copy=False, tracking=True)
    plan_approved_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True,
    )
    plan_review_note = fields.Text(
        tracking=True,
        help="The management representative's remarks; required to send a plan back.",
    )
    plan_late = fields.Boolean(compute="_compute_plan_late")
    plan_approval_required = fields.Boolean(related="company_id.crr_capa_plan_approval")
    # -- effectiveness ---------------------------------------------------------------------------------------
    effectiveness_state = fields.Selection(
        EFFECTIVENESS_STATES, string="Effectiveness", tracking=True, index="btree_not_null", copy=False,
        readonly=True,
    )
    effectiveness_due = fields.Date(
        string="Effectiveness Check On", compute="_compute_effectiveness_due", store=True, index="btree_not_null",
    )
    effectiveness_date = fields.Date(string="Effectiveness Checked On", readonly=True, copy=False)
    recurrence_complaint_id = fields.Many2one(
        "crr.complaint", string="Recurrence", readonly=True, copy=False, index="btree_not_null",
        ondelete="set null", help="The new complaint of the same customer, product and category that showed the "
        "corrective action was not effective.",
    )
    origin_complaint_id = fields.Many2one(
        "crr.complaint", string="Reopened From", readonly=True, copy=False, index="btree_not_null",
        ondelete="restrict", help="The complaint whose corrective action was not effective: this one reopens it.",
    )
    reopened_complaint_ids = fields.One2many("crr.complaint", "origin_complaint_id", string="Reopened As")

    # ------------------------------------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------------------------------------
    def _compute_capa_counts(self):
        for field_name, model in (
            ("investigation_count", "crr.quality.investigation"),
            ("field_service_count", "crr.field.service"),
        ):
            counts = dict(self.env[model]._read_group([("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]))
            for complaint in self:
                complaint[field_name] = counts.get(complaint, 0)

    @api.depends("severity", "onsite_required", "date_received", "company_id.crr_onsite_hours")
    def _compute_onsite_deadline(self):
        for complaint in self:
            if complaint.severity == "critical" and complaint.onsite_required and complaint.date_received:
                hours = (complaint.company_id or self.env.company).crr_onsite_hours
                complaint.onsite_deadline = complaint.date_received + timedelta(hours=hours)
            else:
                complaint.onsite_deadline = False

    @api.depends("investigation_date", "company_id.crr_capa_plan_days")
    def _compute_plan_deadline(self):
        for complaint in self:
            days = (complaint.company_id or self.env.company).crr_capa_plan_days
            complaint.plan_deadline = complaint.investigation_date and complaint.investigation_date + timedelta(days=days)

    @api.depends("plan_deadline", "plan_state", "plan_submitted_date")
    def _compute_plan_late(self):
        now = fields.Datetime.now()
        for complaint in self:
            submitted = complaint.plan_submitted_date or (now if complaint.plan_state == "draft" else False)
            complaint.plan_late = bool(complaint.plan_deadline and submitted and submitted > complaint.plan_deadline)

    @api.depends("closed_date", "company_id.crr_capa_effectiveness_days")
    def _compute_effectiveness_due(self):
        for complaint in self:
            days = (complaint.company_id or self.env.company).crr_capa_effectiveness_days
            complaint.effectiveness_due = complaint.closed_date and (complaint.closed_date + timedelta(days=days)).date()

    # ------------------------------------------------------------------------------------------------
    # CRUD: investigation and field service opened by severity
    # ------------------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._crr_open_quality_records()
        return complaints

    def write(self, vals):
        res = super().write(vals)
        if {"severity", "onsite_required"} & vals.keys():
            self._crr_open_quality_records()
        return res

    def _crr_kept_message(self):
        message = super()._crr_kept_message()
        if message:
            return message
        complaints = self.sudo()
        decided = complaints.investigation_ids.filtered(lambda i: i.state != "open").complaint_id | \
            complaints.field_service_ids.filtered(lambda s: s.state != "planned").complaint_id | \
            complaints.plan_review_line_ids.complaint_id | complaints.reopened_complaint_ids.origin_complaint_id
        if decided:
            return self.env._(
                "Complaints %(names)s have concluded investigations, field service reports, a reviewed CAPA plan or "
                "a reopened CAPA: they cannot be deleted; cancel them instead.",
                names=", ".join(decided.mapped("name")),
            )
        return None

    def unlink(self):
        # the open investigations and planned field services of a complaint still being handled go with it
        if self and not self._crr_kept_message():
            with crr_scope():
                self.sudo().investigation_ids.unlink()
                self.sudo().field_service_ids.unlink()
        return super().unlink()

    def _crr_open_quality_records(self):
        """Open the quality investigation of major and critical complaints, and the field service of critical
        complaints needing someone on site, unless one exists (cancelled ones included: decided)."""
        complaints = self.sudo().filtered(lambda c: c.state not in ("closed", "rejected", "cancelled"))
        departments = {
            department.company_id: department
            for department in self.env["crr.department"].sudo().search(
                [("code", "=", "quality"), ("company_id", "in", complaints.company_id.ids)])
        }
        investigations = [
            {
                "complaint_id": complaint.id,
                "department_id": departments.get(complaint.company_id, self.env["crr.department"]).id,
                "user_id": complaint.user_id.id,
            }
            for complaint in complaints
            if complaint.severity in INVESTIGATED_SEVERITIES and not complaint.investigation_ids
        ]
        services = [
            {"complaint_id": complaint.id}
            for complaint in complaints
            if complaint.severity == "critical" and complaint.onsite_required and not complaint.field_service_ids
        ]
        if investigations:
            self.env["crr.quality.investigation"].sudo().create(investigations)
        if services:
            self.env["crr.field.service"].sudo().create(services)

    # ------------------------------------------------------------------------------------------------
    # transitions
    # ------------------------------------------------------------------------------------------------
    def action_investigate(self):
        res = super().action_investigate()
        with crr_scope():
            self.filtered(lambda c: not c.investigation_date).sudo().write(
                {"investigation_date": fields.Datetime.now()})
        return res

    def _crr_check_management_rep(self):
        if not (self.env.su or self.env.user.has_group("customer_requirement_review.group_crr_management_rep")):
            raise AccessError(
                self.env._("Only the management representative approves corrective and preventive action plans.")
            )

    # -- the CAPA plan, a subject of the review engine --------------------------------------------------
    def _crr_review_round(self):
        self.ensure_one()
        return self.plan_round

    def _crr_review_requester(self):
        self.ensure_one()
        return self.plan_submitted_by_id or self.env.user

    def _crr_review_line_name(self, line):
        return self.env._(
            "CAPA plan of %(complaint)s / %(department)s", complaint=self.name, department=line.department_id.name)

    def _crr_review_activity_summary(self):
        return self.env._("Approve the CAPA plan of complaint %(name)s", name=self.name)

    def _crr_review_check_approval(self, line, completes_round):
        # the decision runs as sudo (uid kept): the user's own groups decide; the superuser (data, scheduled
        # jobs) passes
        user = self.env.user
        if line.department_id.code == MANAGEMENT_REP_CODE and not (
            user._is_superuser() or user.has_group("customer_requirement_review.group_crr_management_rep")
        ):
            raise AccessError(
                self.env._("Only the management representative approves corrective and preventive action plans.")
            )

    def _crr_review_round_ended(self, state, lines):
        if state == "approved":
            approval = lines.filtered(lambda line: line.state in APPROVED_LINE_STATES).sorted("decision_date")[-1:]
            with crr_scope():
                self.sudo().write({
                    "plan_approved_by_id": approval.reviewer_id.id,
                    "plan_approved_date": approval.decision_date,
                })
        elif state == "rejected":
            refusal = lines.filtered(lambda line: line.state == "rejected")[:1]
            self.sudo().message_post(
                body=self.env._("CAPA plan sent back: %(note)s", note=refusal.opinion or ""),
                subtype_xmlid="mail.mt_note",
            )

    def action_submit_plan(self):
        """The responsible department sends its corrective action plan to the management representative: a
        new round of the plan's review (one line: the management representative's department)."""
        self._crr_check_handler()
        self.check_access("write")
        for complaint in self:
            if complaint.state != "investigating" or complaint.plan_state != "draft":
                raise UserError(
                    self.env._(
                        "The CAPA plan of complaint %(name)s can only be submitted while the complaint is under "
                        "investigation and its plan is a draft.", name=complaint.name,
                    )
                )
            missing = complaint._crr_missing_root_cause()
            if not ((complaint.sudo().corrective_plan or "").strip() or complaint.action_ids):
                missing.append(self.env._("the corrective action plan or at least one action"))
            if missing:
                raise UserError(
                    self.env._(
                        "The CAPA plan of complaint %(name)s cannot be submitted, missing: %(missing)s.",
                        name=complaint.name, missing="; ".join(missing),
                    )
                )
        departments = management_rep_departments(self.env, self.company_id)
        Line = self.env["crr.review.line"]
        vals_list, previous = [], Line
        now = fields.Datetime.now()
        for complaint in self:
            previous |= complaint.sudo().plan_review_line_ids
            complaint._crr_set_review_state("in_review", {
                "plan_round": complaint.plan_round + 1,
                "plan_submitted_date": now,
                "plan_submitted_by_id": self.env.uid,
                "plan_approved_date": False,
                "plan_approved_by_id": False,
            })
            vals_list += complaint._crr_round_line_vals(departments[complaint.company_id], round_no=complaint.plan_round)
        self._crr_create_round_lines(vals_list)
        if previous:
            self.env.add_to_compute(Line._fields["is_current_round"], previous)
        return True

    def _crr_plan_lines_to_decide(self):
        lines = self.sudo().plan_review_line_ids.filtered(
            lambda line: line.is_current_round and line.state == "pending")
        if len(lines) != len(self):
            raise UserError(
                self.env._(
                    "Complaint %(names)s has no submitted CAPA plan waiting for approval.",
                    names=", ".join((self - lines.complaint_id).mapped("name") or self.mapped("name")),
                )
            )
        return lines.with_env(self.env)

    def action_approve_plan(self):
        """The management representative approves the plan (its review line): the actions may start."""
        self._crr_check_management_rep()
        self._crr_plan_lines_to_decide().action_approve()
        return True

    def action_refuse_plan(self):
        """The management representative sends the plan back to the responsible department, with remarks."""
        self._crr_check_management_rep()
        for complaint in self:
            if not (complaint.plan_review_note or "").strip():
                raise UserError(
                    self.env._(
                        "Write in the Plan Review Note why the CAPA plan of complaint %(name)s is sent back.",
                        name=complaint.name,
                    )
                )
        for complaint in self:
            complaint._crr_plan_lines_to_decide().action_reject(opinion=complaint.plan_review_note)
        return True

    def action_start_actions(self):
        self._crr_check_ids(self)
        unapproved = self.filtered(
            lambda c: c.company_id.crr_capa_plan_approval and c.plan_state != "approved")
        if unapproved:
            raise UserError(
                self.env._(
                    "The CAPA plan of complaint %(names)s is not approved by the management representative: "
                    "submit the plan and have it approved (Approve Plan) before starting the actions.",
                    names=", ".join(unapproved.mapped("name")),
                )
            )
        return super().action_start_actions()

    def action_close(self):
        res = super().action_close()
        with crr_scope():
            self.sudo().write({"effectiveness_state": "pending"})
        self._crr_write_back_satisfaction()
        return res

    def _crr_write_back_satisfaction(self):
        """The reply and the improvement of a closed satisfaction follow-up go back onto its survey answer."""
        answers = self.env["survey.user_input"].sudo().search([("crr_complaint_id", "in", self.ids)])
        for answer in answers:
            complaint = answer.crr_complaint_id.sudo()
            improvement = (complaint.corrective_plan or "").strip() or "\n".join(
                complaint.action_ids.filtered(lambda a: a.action_type != "containment").mapped("name"))
            answer.write({
                "crr_reply": complaint.customer_reply,
                "crr_reply_date": complaint.reply_date,
                "crr_improvement": improvement,
            })

    # ------------------------------------------------------------------------------------------------
    # effectiveness
    # ------------------------------------------------------------------------------------------------
    @api.model
    def _cron_check_effectiveness(self, today=None):
        """Verify the corrective actions whose effectiveness period ended: effective when no new complaint of
        the same customer, product and category (and the same cause category once it is known) arrived
        after closing; otherwise the CAPA is reopened as a new complaint linked to the first.

        The recurrences of all due complaints are found with one grouped query."""
        self = self.sudo()  # noqa: PLW0642 - the scheduled check reads and writes every company's complaints
        today = today or fields.Date.context_today(self)
        due = self.search(
            [("state", "=", "closed"), ("effectiveness_state", "=", "pending"), ("effectiveness_due", "<=", today)]
        )
        if not due:
            return self.browse()
        groups = self._read_group(
            [
                ("partner_id", "in", due.partner_id.ids),
                ("date_received", ">", min(due.mapped("closed_date"))),
                ("state", "not in", ("rejected", "cancelled")),
                ("category", "!=", "satisfaction"),
                "|", ("origin_complaint_id", "=", False), ("origin_complaint_id", "not in", due.ids),
            ],
            ["partner_id", "product_id", "category", "cause_category", "company_id"],
            ["date_received:max", "id:max"],
        )
        reopened_vals, not_effective, recurrences = [], self.browse(), []
        effective = self.browse()
        for complaint in due:
            recurrence = next(
                (
                    last_id for partner, product, category, cause, company, last_date, last_id in groups
                    if partner == complaint.partner_id and product == complaint.product_id
                    and category == complaint.category and company == complaint.company_id
                    and (not cause or not complaint.cause_category or cause == complaint.cause_category)
                    and last_date > complaint.closed_date and last_id != complaint.id
                ),
                None,
            )
            if recurrence is None:
                effective |= complaint
                continue
            not_effective |= complaint
            recurrences.append(recurrence)
            reopened_vals.append(complaint._crr_reopen_values(self.browse(recurrence)))
        if effective:
            with crr_scope():
                effective.write({"effectiveness_state": "effective", "effectiveness_date": today})
            for complaint in effective:
                complaint.message_post(
                    body=self.env._(
                        "Corrective action verified effective: no new complaint of the same customer, product and "
                        "category since it was closed."),
                    subtype_xmlid="mail.mt_note",
                )
        reopened = self.browse()
        if reopened_vals:
            with crr_scope("action", "internal_complaint"):
                reopened = self.create(reopened_vals)
            # the first complaints' "reopened as" as this transaction sees it
            not_effective.invalidate_recordset(["reopened_complaint_ids"])
            for complaint, recurrence, new in zip(not_effective, recurrences, reopened, strict=True):
                with crr_scope():
                    complaint.write({
                        "effectiveness_state": "not_effective",
                        "effectiveness_date": today,
                        "recurrence_complaint_id": recurrence,
                    })
                complaint.message_post(
                    body=Markup("%s") % self.env._(
                        "Corrective action not effective: complaint %(recurrence)s of the same customer, product "
                        "and category arrived after closing. The CAPA is reopened as %(new)s.",
                        recurrence=self.browse(recurrence).name, new=new.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return reopened

    def _crr_reopen_values(self, recurrence):
        """Values of the complaint that reopens this one's CAPA after ``recurrence``."""
        self.ensure_one()
        complaint = self.sudo()
        return {
            "subject": self.env._("CAPA reopened: %(subject)s", subject=complaint.subject),
            "partner_id": complaint.partner_id.id,
            "contact_id": complaint.contact_id.id,
            "order_id": recurrence.order_id.id or complaint.order_id.id,
            "product_id": complaint.product_id.id,
            "category": complaint.category,
            "severity": complaint.severity,
            "channel": complaint.channel if complaint.channel != "portal" else "phone",
            "department_id": complaint.department_id.id,
            "user_id": complaint.user_id.id,
            "company_id": complaint.company_id.id,
            "cause_category": complaint.cause_category,
            "is_8d": complaint.is_8d,
            "team_user_ids": [fields.Command.set(complaint.team_user_ids.ids)],
            "origin_complaint_id": complaint.id,
            "description": Markup("<p>%s</p>") % self.env._(
                "The corrective action of %(origin)s was not effective: %(recurrence)s (%(subject)s) arrived after "
                "it was closed. Root cause of %(origin)s: %(cause)s",
                origin=complaint.name, recurrence=recurrence.name, subject=recurrence.subject,
                cause=complaint.root_cause or "",
            ),
        }

    # ------------------------------------------------------------------------------------------------
    # navigation
    # ------------------------------------------------------------------------------------------------
    def action_view_investigations(self):
        self._crr_check_single(self)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "customer_requirement_review.action_crr_quality_investigation")
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.investigation_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.investigation_ids.id)
        return action

    def action_view_field_services(self):
        self._crr_check_single(self)
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_field_service")
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.field_service_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.field_service_ids.id)
        return action
