from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .crr_record_guard_mixin import crr_scope

ESCALATION_LEVELS = [("none", "Not Escalated"), ("head", "Department Head"), ("final", "Final Approver")]


# split from crr_review_line.py by concern on purpose (one concern per file): the reviewer's day
class CrrReviewLine(models.Model):
    """The reviewer's side of a review line: the order at a glance on the line, the department's requirements,
    the other departments' decisions of the round, bulk approval from the to-do list and the escalation of
    overdue lines."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    # -- the order at a glance (read-only summary on the line) --------------------------------------
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_untaxed = fields.Monetary(related="order_id.amount_untaxed", currency_field="currency_id", tracking=False)
    amount_total = fields.Monetary(related="order_id.amount_total", currency_field="currency_id", tracking=False)
    payment_term_id = fields.Many2one(related="order_id.payment_term_id")
    commitment_date = fields.Datetime(related="order_id.commitment_date", string="Delivery Date")
    validity_date = fields.Date(related="order_id.validity_date")
    order_source = fields.Selection(related="order_id.order_source", tracking=False)
    contract_type = fields.Selection(related="order_id.contract_type", tracking=False)
    crr_order_line_ids = fields.One2many(related="order_id.order_line", string="Order Lines")
    crr_has_new_product = fields.Boolean(related="order_id.crr_has_new_product")
    crr_is_first_order = fields.Boolean(related="order_id.crr_is_first_order")
    crr_all_in_stock = fields.Boolean(related="order_id.crr_all_in_stock")
    crr_large_order = fields.Boolean(related="order_id.crr_large_order")
    crr_over_authority = fields.Boolean(related="order_id.crr_over_authority")
    crr_margin_percent = fields.Float(related="order_id.crr_margin_percent")
    crr_low_margin = fields.Boolean(related="order_id.crr_low_margin")
    crr_payment_term_days = fields.Integer(related="order_id.crr_payment_term_days")
    crr_long_payment = fields.Boolean(related="order_id.crr_long_payment")
    crr_requirement_ids = fields.Many2many(
        "crr.requirement",
        compute="_compute_crr_requirement_ids",
        string="Department's Requirements",
        help="The requirements of the order this department answers (sales answers those without department).",
    )
    crr_round_line_ids = fields.Many2many(
        "crr.review.line",
        compute="_compute_crr_round_line_ids",
        string="Other Departments",
        help="The other departments' lines of the same round: their decisions, opinions and conditions.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", help="Pending after its deadline (current round)."
    )
    # -- escalation of overdue lines -------------------------------------------------------------------
    escalation_level = fields.Selection(
        ESCALATION_LEVELS,
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="Overdue pending lines are escalated by the daily reminder: to the department head, then to the "
        "final approver (the company's escalation days apart).",
    )

    @api.depends_context("tz")
    @api.depends("state", "deadline", "is_current_round")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_overdue = bool(
                line.state == "pending" and line.is_current_round and line.deadline and line.deadline < today
            )

    @api.depends("order_id", "department_id")
    def _compute_crr_requirement_ids(self):
        requirements = self.sudo().order_id.requirement_ids
        for line in self:
            own = requirements.filtered(lambda r, line=line: r.order_id == line.order_id)
            own = own.with_env(self.env)._crr_answered_by(line.department_id)
            line.crr_requirement_ids = own._filtered_access("read")

    @api.depends("order_id", "change_request_id", "round")
    def _compute_crr_round_line_ids(self):
        for line in self:
            subject = line._crr_subject()
            if not subject or not line.id:
                line.crr_round_line_ids = False
                continue
            others = subject._crr_round_lines(all_rounds=True).filtered(
                lambda other, line=line: other.round == line.round and other.id != line.id
            )
            # only what the user may read (subjects without a widened read rule show nothing rather than fail)
            line.crr_round_line_ids = others.with_env(self.env)._filtered_access("read")

    # -- bulk approval from the to-do list --------------------------------------------------------
    def action_bulk_approve(self):
        """Approve the selected lines at once, as their Approve button would (same checks per line). One line
        that cannot be approved is named and nothing is approved."""
        self._crr_check_decider()
        if not self:
            return True
        lines = self.sudo()
        lines._crr_subject_locks()
        for line in lines:
            try:
                line._crr_check_decision("approved")
            except UserError as error:
                raise UserError(
                    self.env._(
                        "Nothing was approved: %(line)s cannot be approved. %(reason)s",
                        line=line.display_name,
                        reason=error.args[0],
                    )
                ) from error
        self._crr_decide("approved")
        return True

    # -- escalation ------------------------------------------------------------------------------
    @api.model
    def _cron_remind_overdue(self):
        result = super()._cron_remind_overdue()
        self._crr_escalate_overdue()
        return result

    @api.model
    def _crr_final_approvers(self, companies):
        """``{company: user}``: who receives the last escalation in each company (the head of its final
        approval department, else its first reviewer)."""
        departments = self.env["crr.department"].sudo().search(
            [("is_final_approval", "=", True), ("company_id", "in", companies.ids)]
        )
        result = {}
        for department in departments:
            user = department._crr_todo_user()
            if user and department.company_id not in result:
                result[department.company_id] = user
        return result

    @api.model
    def _crr_escalate_overdue(self, today=None, limit=1000):
        """Escalate the overdue pending lines: N days (the company's escalation days) after the deadline their
        department head, 2N days after it the final approver get an activity on the line. Works in batches:
        a few queries for all the lines, one creation of every activity."""
        today = today or fields.Date.context_today(self)
        lines = self.sudo().search(
            self._crr_overdue_domain() & Domain("escalation_level", "!=", "final"), order="deadline, id", limit=limit
        )
        lines = lines.filtered(lambda line: line.company_id.crr_escalation_days and line._crr_decision_open())
        if not lines:
            return self.browse()
        activity_type = self.env.ref("customer_requirement_review.mail_activity_crr_review")
        finals = self._crr_final_approvers(lines.company_id)
        lines.department_id.head_id.fetch(["active", "share", "partner_id"])
        # the activities already there (a user gets one activity per line)
        existing = {(activity.res_id, activity.user_id.id) for activity in lines.activity_ids}
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        levels = {}
        for line in lines:
            days = line.company_id.crr_escalation_days
            late = (today - line.deadline).days
            targets = []
            if line.escalation_level == "none" and late >= days:
                level = "head"
                targets.append(line.department_id.head_id)
            if late >= 2 * days:
                level = "final"
                # the final approval line itself: its own head (the final approver is the one late)
                targets.append(line.department_id.head_id if line.is_final_approval else finals.get(line.company_id))
            if not targets:
                continue
            levels[level] = levels.get(level, self.browse()) | line
            for user in targets:
                if not user or not user.active or user.share or (line.id, user.id) in existing:
                    continue
                existing.add((line.id, user.id))
                vals_list.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": model_id,
                        "res_id": line.id,
                        "res_name": line.display_name,
                        "user_id": user.id,
                        "date_deadline": today,
                        "summary": self.env._(
                            "Overdue review: %(line)s was due on %(deadline)s",
                            line=line.display_name,
                            deadline=line.deadline,
                        ),
                    }
                )
        if vals_list:
            with crr_scope("no_subscribe"):
                self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        escalated = self.browse()
        for level, group in levels.items():
            with crr_scope():
                group.write({"escalation_level": level})
            escalated |= group
        return escalated
