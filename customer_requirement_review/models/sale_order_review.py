import contextlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_list

from .crr_change_kinds import ORDER_FIELD_KINDS, format_kinds, parse_kinds
from .crr_record_guard_mixin import crr_flag, crr_scope
from .crr_review_mixin import APPROVED_LINE_STATES


# split from sale_order.py by concern on purpose (one concern per file)
class SaleOrder(models.Model):
    """The quotation as a subject of the review engine (``crr.review.mixin``): request, re-review after edits,
    contract type override, requirement templates."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crr_open_requirement_keys = fields.Char(
        string="Departments With Open Requirements",
        compute="_compute_crr_open_requirement_keys",
        store=True,
        readonly=True,
        copy=False,
        help="Technical: the departments whose requirements of the order are unanswered or have an open deviation "
        "(0 for the requirements without department, which sales answers), empty when there are none. An "
        "approval checks it without reading the requirements.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)
        # computed from the requirements, never given: an empty value given at creation (which the guard of
        # action-only fields lets through, as a form sends it) would stand instead of the computed one
        return super().create([
            {key: value for key, value in vals.items() if key != "crr_open_requirement_keys" or value}
            for vals in vals_list
        ])

    @api.depends("requirement_ids.response", "requirement_ids.is_deficiency_open", "requirement_ids.department_id")
    def _compute_crr_open_requirement_keys(self):
        for order in self:
            open_requirements = order.requirement_ids.filtered(lambda r: r.response == "pending" or r.is_deficiency_open)
            order.crr_open_requirement_keys = " ".join(
                sorted({str(requirement.department_id.id or 0) for requirement in open_requirements})
            ) or False

    # -- requirement templates ---------------------------------------------------------------------
    def action_crr_load_requirements(self):
        """Prefill the requirement list from the matching templates not applied yet."""
        self._crr_door("write")
        return self._crr_load_requirements()

    def _crr_load_requirements(self):
        """The requirement list prefilled from the matching templates (callers checked the access)."""
        vals_list = []
        for order in self:
            matching = self.env["crr.requirement.template"]._crr_matching(order)
            # the order's requirements are read only when a template matches
            for template in matching - order.requirement_ids.template_id if matching else matching:
                for line in template.line_ids:
                    vals_list.append(
                        {
                            "order_id": order.id,
                            "sequence": line.sequence,
                            "category": line.category,
                            "source": line.source,
                            "name": line.name,
                            "department_id": line.department_id.id,
                            "template_id": template.id,
                        }
                    )
        if vals_list:
            self.env["crr.requirement"].create(vals_list)
        return True

    # -- the subject's hooks (crr.review.mixin) ------------------------------------------------------
    _crr_review_line_field = "order_id"
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = "review_state"

    def _crr_review_round(self):
        self.ensure_one()
        return self.review_round

    def _crr_review_is_urgent(self):
        self.ensure_one()
        return self.crr_is_urgent

    def _crr_review_line_name(self, line):
        return self.env._(
            "%(order)s / %(department)s (round %(round)s)",
            order=self.name or "",
            department=line.department_id.name or "",
            round=line.round,
        )

    def _crr_review_activity_summary(self):
        return self.env._("Review %(order)s", order=self.name)

    def _crr_review_reopen_error(self, line):
        if line.round != self.review_round or self.state not in ("draft", "sent") \
                or self.review_state not in ("in_review", "approved"):
            return self.env._(
                "Only lines of the current round of a quotation can be reopened (%(line)s).",
                line=line.display_name,
            )
        return None

    def _crr_review_check_approval(self, line, completes_round):
        """Requirements answered and deficiencies closed, oral orders confirmed in writing.

        A department answers for its own requirements (a requirement without department belongs to sales).
        The approval that would approve the review is refused while any requirement of the order is unanswered
        or an open deviation, whatever its department: the review is never approved on a deficiency.
        """
        department = line.department_id
        open_keys = set((self.crr_open_requirement_keys or "").split())
        if open_keys and (
            completes_round or str(department.id) in open_keys or ("0" in open_keys and department.code == "sales")
        ):
            self._crr_check_open_requirements(department, completes_round)
        if self.order_source in ("oral", "phone") and not (
            self.written_confirmation or self.written_confirmation_attachment_ids
        ):
            raise UserError(
                self.env._(
                    "%(order)s is an oral or phone order: tick the customer's written confirmation or attach it "
                    "(fax, e-mail) before approving.",
                    order=self.name,
                )
            )

    def _crr_check_open_requirements(self, department, completes_round):
        """Refuse the approval of ``department`` while its requirements (all of them when the approval would
        complete the round) are unanswered or have an open deviation; read only when the order's open
        requirements (``crr_open_requirement_keys``) concern the approval."""
        requirements = self.requirement_ids
        own = requirements._crr_answered_by(department)
        unanswered = own.filtered(lambda r: r.response == "pending")
        if unanswered:
            raise UserError(
                self.env._(
                    "The %(department)s department must answer its requirements before approving: %(names)s.",
                    department=department.name,
                    names=", ".join(unanswered.mapped("name")),
                )
            )
        open_deficiencies = own.filtered("is_deficiency_open")
        if open_deficiencies:
            raise UserError(
                self.env._(
                    "Close the deviations (deficiencies) of the %(department)s department with a resolution "
                    "before approving: %(names)s.",
                    department=department.name,
                    names=", ".join(open_deficiencies.mapped("name")),
                )
            )
        if completes_round:
            left = requirements.filtered(lambda r: r.response == "pending" or r.is_deficiency_open)
            if left:
                raise UserError(
                    self.env._(
                        "The review of %(order)s cannot be approved while requirements are unanswered or their "
                        "deviations open, whatever their department: %(names)s. Their departments (sales for a "
                        "requirement without department) must answer them and close the deviations first.",
                        order=self.name,
                        names=", ".join(left.mapped("name")),
                    )
                )

    def _mail_get_partners(self, introspect_fields=False):
        """While the engine notifies its internal review results (``crr.review.notice``), the order names no
        customer: the notice is never shown to one, and the portal's notification would otherwise prepare the
        customer's access link, writing the customer's partner row (a row shared by every order of the customer,
        whose concurrent updates conflict) and the order's access token."""
        if crr_flag("internal_note"):
            return {order.id: self.env["res.partner"] for order in self}
        return super()._mail_get_partners(introspect_fields=introspect_fields)

    def _get_notify_valid_parameters(self):
        # notifications scheduled by releases before 19.0.3.1.0 (sent by Odoo's job after the upgrade)
        return super()._get_notify_valid_parameters() | {"crr_internal_note"}

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        """A review note scheduled by a release before 19.0.3.1.0 is notified as an internal one (no portal link
        prepared for the customer, whose partner row would be written)."""
        if kwargs.get("crr_internal_note"):
            with crr_scope("internal_note"):
                return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)
        return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)

    def _crr_review_round_ended(self, state, lines):
        # the salesperson (a user: the job reads their partner, the decision does not)
        salesperson = self.user_id
        # an internal note (never shown to the customer) telling the salesperson, with the status change
        if state == "approved":
            body = self.env._("The requirement review (round %(round)s) is approved.", round=self.review_round)
            conditional = lines.filtered(lambda line: line.state == "approved_conditions" and line.conditions)
            if conditional:
                body = self.env._(
                    "The requirement review (round %(round)s) is approved with conditions: %(conditions)s. Meet "
                    "them when you confirm and deliver the order.",
                    round=self.review_round,
                    conditions=self.env._("; ").join(
                        self.env._(
                            "%(department)s: %(conditions)s",
                            department=line.department_id.name,
                            conditions=line.conditions.strip().rstrip(".。"),
                        )
                        for line in conditional
                    ),
                )
            self._crr_post_with_state_tracking(body, salesperson)
        elif state == "rejected":
            rejected = lines.filtered(lambda line: line.state == "rejected")
            reasons = self.env._("; ").join(
                # the message adds its own full stop after the reasons
                self.env._(
                    "%(department)s: %(opinion)s",
                    department=line.department_id.name,
                    opinion=(line.opinion or "").strip().rstrip(".。"),
                )
                for line in rejected
            )
            self._crr_post_with_state_tracking(
                self.env._(
                    "The requirement review (round %(round)s) is rejected. %(reasons)s. Revise the quotation "
                    "and request a new review.",
                    round=self.review_round,
                    reasons=reasons,
                ),
                salesperson,
            )

    # -- request -----------------------------------------------------------------------------------
    def _crr_contract_type_label(self, contract_type):
        return dict(self._fields["contract_type"]._description_selection(self.env))[contract_type]

    def action_request_review(self):
        """Evaluate the rules and open a new review round (one line per required department)."""
        self._crr_door("write")
        # the user may write these orders: their lines are read without checking the access to each again
        lines = self._crr_product_lines()
        with_products = set(lines.order_id.ids)
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("Only quotations can be reviewed: %(order)s is not a quotation.", order=order.name)
                )
            if order.review_state == "in_review":
                raise UserError(
                    self.env._("The review of %(order)s is already in progress.", order=order.name)
                )
            if order.id not in with_products:
                raise UserError(
                    self.env._("Add the products to %(order)s before requesting its review.", order=order.name)
                )
            order._crr_check_written_confirmation()
        self._crr_load_requirements()
        self._crr_prefetch_chatter_rows(self.company_id, self._crr_rule_fact_company_fields)
        classification = self._crr_classify_steps(lines)
        now = fields.Datetime.now()
        Line = self.env["crr.review.line"].sudo()
        line_vals = []
        messages = {}
        carried_orders = self.browse()
        for order in self:
            departments, contract_type, steps = classification[order]
            order_vals = {"contract_type": contract_type}
            if not order._crr_needs_review(departments, contract_type):
                order_vals.update(review_state="not_required", crr_rereview_kinds=False)
                with crr_scope():
                    order.sudo().write(order_vals)
                messages[order] = self.env._(
                    "No review required (%(type)s).", type=self._crr_contract_type_label(contract_type)
                )
                continue
            # first round: no previous lines to read
            previous = order._crr_round_lines() if order.review_round else Line.browse()
            new_round = order.review_round + 1
            asked, carried = order._crr_split_rereview(departments, previous)
            order_line_vals = order._crr_round_line_vals(asked, round_no=new_round, carried=carried, now=now, steps=steps)
            line_vals += order_line_vals
            if carried:
                carried_orders |= order
            order_vals.update(
                review_round=new_round,
                review_state="in_review",
                review_requested_by_id=self.env.uid,
                review_request_date=now,
                crr_rereview_kinds=False,
            )
            if previous:
                # a round left open (e.g. the order was edited before the round ended) ends now
                order._crr_close_round(previous)
            with crr_scope():
                order.sudo().write(order_vals)
            if previous:
                # the round they belong to is closed
                self.env.add_to_compute(Line._fields["is_current_round"], previous)
            body = self.env._(
                "Review round %(round)s requested (%(type)s). Departments asked: %(asked)s.",
                round=new_round,
                type=self._crr_contract_type_label(contract_type),
                asked=format_list(self.env, asked.mapped("name")) or "-",
            )
            if carried:
                body += " " + self.env._(
                    "Approvals carried over from round %(round)s, because the changes made after approval do not "
                    "concern these departments: %(departments)s.",
                    round=new_round - 1,
                    departments=format_list(self.env, carried.department_id.mapped("name")),
                )
            body += order._crr_steps_message(order_line_vals, asked)
            messages[order] = body
        new_lines = self._crr_create_round_lines(line_vals)
        for order, body in messages.items():
            order._crr_log_with_state_tracking(body)
        # a round where everything was carried over is approved at once
        for order in self.filtered(lambda o: o.review_state == "in_review" and o in carried_orders):
            round_lines = order._crr_round_lines()
            if round_lines and all(line.state in APPROVED_LINE_STATES for line in round_lines):
                order._crr_review_lines_decided(round_lines)
        return self._crr_request_notification(new_lines)

    def _crr_check_written_confirmation(self):
        """An oral or phone order goes to review with the customer's written confirmation (ticked or attached):
        the salesperson is told at the request, not the reviewer at the approval."""
        self.ensure_one()
        if self.order_source in ("oral", "phone") and not (
            self.written_confirmation or self.written_confirmation_attachment_ids
        ):
            raise UserError(
                self.env._(
                    "%(order)s is an oral or phone order: tick \"Written Confirmation Received\" or attach the "
                    "customer's written confirmation (fax, e-mail, signed order) on its Review tab before "
                    "requesting the review.",
                    order=self.name,
                )
            )

    def _crr_request_notification(self, new_lines=None):
        """The salesperson's feedback after Request Review: a notification, then the form reloads.
        ``new_lines``: the lines of the round just opened, when every line of the round is among them (the
        departments it waits for are then named from them, without reading the round again)."""
        if len(self) == 1 and self.review_state == "in_review":
            if new_lines and self.review_round and all(
                line.order_id == self and line.round == self.review_round for line in new_lines
            ):
                waiting = self._crr_waiting_for_text(
                    new_lines.sorted(lambda line: (line.is_final_approval, line.step, line.sequence, line.id))
                )
            else:
                waiting = self.crr_waiting_for
            message = waiting or self.env._("Review requested.")
            message = self.env._("Review of %(order)s requested. %(waiting)s", order=self.name, waiting=message)
        elif len(self) == 1:
            message = self.env._(
                "%(order)s needs no review (%(status)s): you may send and confirm it.",
                order=self.name,
                status=dict(self._fields["review_state"]._description_selection(self.env))[self.review_state],
            )
        else:
            message = self.env._("Review requested for %(count)s quotations.", count=len(self))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Requirement Review"),
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _crr_steps_message(self, line_vals, asked):
        """The sentence of the request's chatter note saying in which order the departments review."""
        self.ensure_one()
        waiting = {vals["department_id"] for vals in line_vals if vals["state"] == "waiting"}
        if self.crr_is_urgent:
            return " " + self.env._(
                "Urgent order: every department is asked at once, to decide by %(deadline)s.",
                deadline=format_date(self.env, line_vals[0]["deadline"]) if line_vals else "",
            ) + (
                " " + self.env._("The final approval opens when the other departments have approved.")
                if waiting else ""
            )
        if not waiting:
            return ""
        if all(department.is_final_approval for department in asked.filtered(lambda d: d.id in waiting)):
            return " " + self.env._("The final approval opens when the other departments have approved.")
        by_step = {}
        for vals in line_vals:
            if vals["state"] in ("pending", "waiting"):
                by_step.setdefault(vals["step"], []).append(asked.browse(vals["department_id"]).name)
        order = "; ".join(
            self.env._("step %(step)s: %(departments)s", step=step, departments=format_list(self.env, names))
            for step, names in sorted(by_step.items())
        )
        return " " + self.env._(
            "The departments review in steps (%(steps)s); a step opens when the previous ones are approved.",
            steps=order,
        )

    def _crr_split_rereview(self, departments, previous):
        """Departments to ask in the new round and previous lines whose approval is carried over.

        - First round, or a new round after an approved round without changes: every required department.
        - After an approved quotation was edited: the departments concerned by the changed terms (and the final
          approval, and departments newly required) are asked; the approvals of the others are carried over.
          If none of the required departments is concerned, all are asked.
        - After a rejection: the rejecting departments, those that had not decided, those the changes since
          concern and the final approval are asked; the other approvals are carried over.
        """
        self.ensure_one()
        Line = self.env["crr.review.line"]
        if not previous:
            return departments, Line
        kinds = parse_kinds(self.crr_rereview_kinds)
        rejected_round = any(line.state == "rejected" for line in previous)
        if not kinds and not rejected_round:
            return departments, Line
        concerned = self.env["crr.department"].sudo()._crr_for_change_kinds(kinds, company=self.company_id)
        approved = previous.filtered(lambda line: line.state in APPROVED_LINE_STATES)
        asked = departments.filtered(
            lambda d: d in concerned or d.is_final_approval or d not in approved.department_id
        )
        if not rejected_round and not (asked & concerned):
            return departments, Line
        carried = approved.filtered(lambda line: line.department_id in departments - asked)
        return asked, carried

    # -- re-review after edits ---------------------------------------------------------------------
    def _crr_reviewed_fields_changed(self, kinds, labels, answers_only=False):
        """Reviewed terms of ``self`` changed (``kinds`` of change, ``labels`` of the fields, for the chatter).

        - approved quotation: back to review; the next round asks the departments concerned;
        - review in progress: the decided lines of the departments concerned are reopened (the others
          continue), and departments the rules now require are asked too;
        - rejected review: the kinds are remembered, so that the next round asks the departments concerned too.

        ``answers_only``: only the departments' answers to the requirements changed, which is the review's own
        work while it is in progress (not a change of terms then).
        """
        for order in self.filtered(lambda o: o.state in ("draft", "sent") and o.review_round):
            if order.review_state == "in_review":
                if not answers_only:
                    order._crr_terms_changed_during_review(kinds, labels)
            elif order.review_state in ("approved", "to_review", "rejected"):
                order._crr_terms_changed_after_review(kinds, labels)

    def _crr_terms_changed_after_review(self, kinds, labels):
        self.ensure_one()
        all_kinds = parse_kinds(self.crr_rereview_kinds) | set(kinds)
        vals = {"crr_rereview_kinds": format_kinds(all_kinds)}
        was_approved = self.review_state == "approved"
        if was_approved:
            vals["review_state"] = "to_review"
        with crr_scope():
            self.sudo().write(vals)
        if not was_approved:
            return
        departments = self.env["crr.department"].sudo()._crr_for_change_kinds(all_kinds, company=self.company_id)
        concerned = departments & self._crr_round_lines().department_id
        self.message_post(
            body=self.env._(
                "Changed after the review was approved: %(fields)s. The quotation must be reviewed again by: "
                "%(departments)s; the approvals of the other departments stand because the change does not "
                "concern them.",
                fields=format_list(self.env, sorted(set(labels))),
                departments=format_list(self.env, concerned.mapped("name"))
                or self.env._("every department of the review"),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _crr_terms_changed_during_review(self, kinds, labels):
        """Approvals never stand on terms they did not see: reopen the approvals of the departments concerned
        by the change, and ask the departments the rules now require that the round does not have."""
        self.ensure_one()
        self._crr_lock()
        concerned = self.env["crr.department"].sudo()._crr_for_change_kinds(kinds, company=self.company_id)
        round_lines = self._crr_round_lines()
        departments, contract_type, steps = self._crr_classify_steps()[self]
        missing = departments - round_lines.department_id
        reopen = round_lines.filtered(
            lambda line: line.state in APPROVED_LINE_STATES and line.department_id in concerned
        )
        if contract_type != self.contract_type:
            with crr_scope():
                self.sudo().write({"contract_type": contract_type})
        reason = self.env._(
            "Terms changed during the review: %(fields)s.", fields=format_list(self.env, sorted(set(labels)))
        )
        if missing:
            self._crr_create_round_lines(self._crr_round_line_vals(missing, round_no=self.review_round, steps=steps))
            self.invalidate_recordset(["review_line_ids"])
        if reopen:
            reopen._crr_reopen(reason)
        elif missing:
            # the new lines wait or open with their step
            self._crr_review_lines_decided(round_lines)
        asked = reopen.department_id | missing
        if not asked:
            return
        self.message_post(
            body=self.env._(
                "%(reason)s Asked again: %(departments)s; the other departments' review continues.",
                reason=reason,
                departments=format_list(self.env, asked.mapped("name")) or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )

    def write(self, vals):
        if "company_id" in vals:
            self._crr_check_company_kept(vals["company_id"])
        changed = [f for f in ORDER_FIELD_KINDS if f in vals and f in self._fields]
        before = {}
        if changed and not crr_flag("no_rereview"):
            # the values before and after the write are compared (a value may be given in another form than
            # it is read: an html text before its sanitizing)
            before = {
                order: {f: order[f] for f in changed}
                for order in self.filtered(lambda o: o.review_round and o.state in ("draft", "sent", "sale"))
            }
        confirmed = self.browse([order.id for order in before])._crr_terms_locked()
        # a confirmed order's terms change through a change request: the write is undone when it changed them
        with self.env.cr.savepoint() if confirmed else contextlib.nullcontext():
            result = super().write(vals)
            pending = {}
            for order, values in before.items():
                really = [f for f in changed if order[f] != values[f]]
                if really:
                    pending[order] = really
            for order in confirmed:
                if order in pending:
                    order._crr_refuse_confirmed_change(
                        [order._fields[f]._description_string(self.env) for f in pending[order]]
                    )
        for order, really in pending.items():
            order._crr_reviewed_fields_changed(
                {ORDER_FIELD_KINDS[f] for f in really},
                [order._fields[f]._description_string(self.env) for f in really],
            )
        return result

    def _crr_terms_locked(self):
        """The orders of ``self`` confirmed after their review: their reviewed terms (fields, lines, requirement
        list) change through a change request, whose application writes them with the re-review off."""
        if crr_flag("no_rereview"):
            return self.browse()
        return self.filtered(lambda order: order.state == "sale" and order.review_round)

    def _crr_refuse_confirmed_change(self, labels):
        """Refuse a direct change of the reviewed terms ``labels`` of the confirmed order ``self``: the change
        request reviews it first (outside its application, which writes them)."""
        self.ensure_one()
        raise UserError(
            self.env._(
                "%(order)s is confirmed after its requirement review: change it through a change request "
                "(Request Change), which the departments concerned review before it is applied (changed here: "
                "%(fields)s).",
                order=self.name,
                fields=format_list(self.env, sorted(set(labels))),
            )
        )

    def _crr_check_company_kept(self, company_id):
        """A quotation whose review was requested stays in its company: its departments reviewed it (its review
        lines are theirs), and another company's departments have not."""
        moved = self.filtered(lambda order: order.review_round and order.company_id.id != company_id)
        if moved:
            raise UserError(
                self.env._(
                    "%(order)s was reviewed by the departments of %(company)s: it cannot move to another company. "
                    "Duplicate it in the other company and request its review there.",
                    order=moved[0].name,
                    company=moved[0].company_id.name,
                )
            )

    # -- contract type override --------------------------------------------------------------------
    def action_override_contract_type(self, contract_type, reason):
        """Review managers set the contract type with a reason (tracked)."""
        self._crr_door("write")
        if not self.env.user.has_group("customer_requirement_review.group_crr_manager"):
            raise UserError(self.env._("Only review managers may override the contract type."))
        if contract_type not in ("regular", "special"):
            raise UserError(self.env._("The contract type must be regular or special."))
        self.env["crr.guard.mixin"]._crr_text_arg(reason, self.env._("reason"))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for overriding the contract type."))
        with crr_scope():
            self.sudo().write(
                {
                    "contract_type": contract_type,
                    "contract_type_overridden": True,
                    "contract_type_override_reason": reason,
                }
            )
        return True
