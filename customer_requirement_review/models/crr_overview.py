from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crr_complaint import OPEN_STATES as COMPLAINT_OPEN_STATES
from .crr_complaint import QUALITY_GROUPS

# the periods the overview offers (days back from today)
OVERVIEW_PERIODS = (30, 90, 365)
# quotations a salesperson still works on
QUOTATION_STATES = ("draft", "sent")
OPEN_CHANGE_STATES = ("draft", "to_review", "approved")
LOW_BANDS = ("dissatisfied", "very_dissatisfied")


class CrrOverview(models.AbstractModel):
    """Sales > Reviews > Overview and the management review pack (管理评审输入): every figure of the
    review, change, complaint, satisfaction and delivery processes, computed with ``_read_group`` (or an SQL
    aggregate over the ORM's query) as the current user, in the current companies: access rights and record
    rules decide what is counted, as in the lists each figure opens.

    The figures come as plain data (JSON): sections of cards, each card a value and rows, each with the window
    action of its list. The Inventory bridge adds its section through ``_crr_overview_inventory``."""

    _name = "crr.overview"
    _description = "Review Overview"

    # -- public --------------------------------------------------------------------------------------
    @api.model
    def get_overview(self, period=90):
        """The overview's figures for the last ``period`` days (30, 90 or 365) and the open work now."""
        try:
            days = int(period)
        except (TypeError, ValueError):
            days = 0
        if days not in OVERVIEW_PERIODS:
            raise UserError(self.env._("The period of the overview is 30, 90 or 365 days."))
        if self.env.user.share:
            raise UserError(self.env._("The overview is for internal users."))
        today = fields.Date.context_today(self)
        date_from = today - timedelta(days=days - 1)
        result = self._crr_overview_data(date_from, today)
        result["period"] = days
        return result

    # -- the figures ---------------------------------------------------------------------------------
    @api.model
    def _crr_overview_data(self, date_from, date_to):
        """All sections for the period [date_from, date_to] (dates, inclusive)."""
        start, end = self._crr_bounds(date_from, date_to)
        length = (date_to - date_from).days + 1
        prev_to = date_from - timedelta(days=1)
        prev_from = prev_to - timedelta(days=length - 1)
        # the period's figures, computed once: the trend and the first-pass card share them
        current = self._crr_period_figures(date_from, date_to)
        sections = [
            self._crr_section_personal(),
            self._crr_section_reviews(start, end, first_pass=current.get("_first_pass")),
            self._crr_section_changes(start, end),
            self._crr_section_complaints(start, end),
            self._crr_section_satisfaction(),
            self._crr_overview_inventory(date_from, date_to),
        ]
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "currency": self.env.company.currency_id.symbol or "",
            "trend": self._crr_trend(date_from, date_to, prev_from, prev_to, current=current),
            "sections": [section for section in sections if section and section["cards"]],
        }

    @api.model
    def _crr_overview_inventory(self, date_from, date_to):
        """The "with Inventory" section: the Inventory bridge adds it (on-time delivery rate, delay
        countermeasures). Returns a section dict or None."""
        return None

    # -- helpers -------------------------------------------------------------------------------------
    @api.model
    def _crr_bounds(self, date_from, date_to):
        """UTC datetimes (as strings) of the period's first and last moments, for datetime fields."""
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        return fields.Datetime.to_string(start), fields.Datetime.to_string(end)

    @api.model
    def _crr_can_read(self, model_name):
        return model_name in self.env and self.env[model_name].has_access("read")

    @api.model
    def _crr_act(self, model_name, domain, name):
        """The window action opening the list of a figure."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model_name,
            "domain": domain,
            "views": [[False, "list"], [False, "form"]],
            "target": "current",
            "context": {"create": False},
        }

    @api.model
    def _crr_card(self, key, title, value, action=None, unit="", note="", rows=None, kind="count", **extra):
        return {"key": key, "title": title, "value": value, "unit": unit, "note": note, "action": action,
                "rows": rows or [], "kind": kind, **extra}

    @api.model
    def _crr_row(self, label, value, action=None, extra="", ratio=None):
        return {"label": label, "value": value, "action": action, "extra": extra, "ratio": ratio}

    @api.model
    def _crr_ratio_rows(self, rows):
        """Bar widths (0-100) of rows relative to the largest value."""
        top = max((row["value"] or 0 for row in rows), default=0)
        for row in rows:
            row["ratio"] = round(100.0 * (row["value"] or 0) / top, 1) if top else 0.0
        return rows

    @api.model
    def _crr_labels(self, model_name, field_name):
        return dict(self.env[model_name]._fields[field_name]._description_selection(self.env))

    @api.model
    def _crr_approved_states(self, model_name="crr.review.line", field_name="state"):
        """The approving states of a review line (or of an order's review status): approved, and approved
        with conditions where it exists."""
        states = dict(self.env[model_name]._fields[field_name].selection)
        return [state for state in ("approved", "approved_conditions") if state in states]

    @api.model
    def _crr_mean_days(self, model_name, domain, start_field, end_field):
        """Mean days between two datetime fields of the records of ``domain`` (record rules apply: the
        ORM's query of the records is the subquery of the aggregate)."""
        model = self.env[model_name]
        query = model._search(domain)
        table = model._table
        self.env.cr.execute(SQL(
            "SELECT count(*), avg(EXTRACT(EPOCH FROM %s - %s)) / 86400.0 FROM %s WHERE id IN %s",
            SQL.identifier(table, end_field), SQL.identifier(table, start_field), SQL.identifier(table),
            query.subselect(),
        ))
        count, mean = self.env.cr.fetchone()
        return count, (round(mean, 1) if mean is not None else None)

    # -- personal strip ------------------------------------------------------------------------------
    @api.model
    def _crr_section_personal(self):
        """The salesperson's own work: their quotations in review (and for whom), rejected to revise,
        approved not confirmed; their customers' open complaints and low scores."""
        user = self.env.user
        cards = []
        if self._crr_can_read("sale.order"):
            Order = self.env["sale.order"]
            mine = [("user_id", "=", user.id)]
            in_review = [*mine, ("review_state", "=", "in_review")]
            approved_states = self._crr_approved_states("sale.order", "review_state")
            rows = []
            if self._crr_can_read("crr.review.line"):
                line_domain = [("order_id.user_id", "=", user.id), ("order_id.review_state", "=", "in_review"),
                               ("change_request_id", "=", False), ("state", "=", "pending"),
                               ("is_current_round", "=", True)]
                for department, count in self.env["crr.review.line"]._read_group(
                        line_domain, ["department_id"], ["__count"], order="department_id"):
                    rows.append(self._crr_row(
                        department.display_name, count,
                        self._crr_act("crr.review.line", [*line_domain, ("department_id", "=", department.id)],
                                      self.env._("Waiting for %(department)s", department=department.display_name))))
            # one grouped query for the three counts of the strip
            counts = {}
            for review_state, state, number in Order._read_group(
                    [*mine, ("review_state", "in", ["in_review", "rejected", *approved_states]),
                     "|", ("review_state", "=", "in_review"), ("state", "in", QUOTATION_STATES)],
                    ["review_state", "state"], ["__count"]):
                key = review_state if review_state in ("in_review", "rejected") else "approved"
                if key == "in_review" or state in QUOTATION_STATES:
                    counts[key] = counts.get(key, 0) + number
            cards.append(self._crr_card(
                "my_in_review", self.env._("My quotations in review"), counts.get("in_review", 0),
                self._crr_act("sale.order", in_review, self.env._("My quotations in review")),
                note=self.env._("waiting for") if rows else "", rows=rows))
            rejected = [*mine, ("review_state", "=", "rejected"), ("state", "in", QUOTATION_STATES)]
            cards.append(self._crr_card(
                "my_rejected", self.env._("Rejected, to revise"), counts.get("rejected", 0),
                self._crr_act("sale.order", rejected, self.env._("My rejected quotations"))))
            approved = [*mine, ("review_state", "in", approved_states), ("state", "in", QUOTATION_STATES)]
            cards.append(self._crr_card(
                "my_approved", self.env._("Approved, not confirmed"), counts.get("approved", 0),
                self._crr_act("sale.order", approved, self.env._("My approved quotations to confirm"))))
        if self._crr_can_read("crr.complaint"):
            complaints = [("state", "in", COMPLAINT_OPEN_STATES), "|", ("partner_id.user_id", "=", user.id),
                          ("order_id.user_id", "=", user.id)]
            cards.append(self._crr_card(
                "my_complaints", self.env._("My customers' open complaints"),
                self.env["crr.complaint"].search_count(complaints),
                self._crr_act("crr.complaint", complaints, self.env._("My customers' open complaints"))))
        if self._crr_can_read("survey.user_input"):
            since = fields.Date.to_string(fields.Date.context_today(self) - timedelta(days=365))
            low = [("crr_campaign_id", "!=", False), ("state", "=", "done"), ("test_entry", "=", False),
                   ("crr_band", "in", LOW_BANDS), ("crr_customer_id.user_id", "=", user.id),
                   ("crr_period_date", ">=", since)]
            cards.append(self._crr_card(
                "my_low_scores", self.env._("My customers' low scores (12 months)"),
                self.env["survey.user_input"].search_count(low),
                self._crr_act("survey.user_input", low, self.env._("My customers' low satisfaction scores"))))
        return {"key": "personal", "title": self.env._("My work"), "cards": cards}

    # -- reviews -------------------------------------------------------------------------------------
    @api.model
    def _crr_section_reviews(self, start, end, first_pass=None):
        cards = []
        today = fields.Date.to_string(fields.Date.context_today(self))
        if self._crr_can_read("sale.order"):
            Order = self.env["sale.order"]
            in_review = [("review_state", "=", "in_review")]
            labels = self._crr_labels("sale.order", "contract_type")
            rows = []
            total = 0
            for contract_type, count, amount, oldest in Order._read_group(
                    in_review, ["contract_type"], ["__count", "amount_total:sum", "review_request_date:min"],
                    order="contract_type"):
                total += count
                rows.append(self._crr_row(
                    labels.get(contract_type) or self.env._("Not set"), count,
                    self._crr_act("sale.order", [*in_review, ("contract_type", "=", contract_type)],
                                  self.env._("Quotations in review")),
                    extra=self.env._("%(amount)s, oldest %(date)s", amount=f"{amount or 0.0:,.0f}",
                            date=fields.Date.to_string(oldest.date()) if oldest else "-")))
            cards.append(self._crr_card(
                "in_review", self.env._("Quotations in review"), total,
                self._crr_act("sale.order", in_review, self.env._("Quotations in review")),
                note=self.env._("by contract type: amount, oldest request"), rows=rows))
        if self._crr_can_read("crr.review.line"):
            Line = self.env["crr.review.line"]
            pending = [("state", "=", "pending"), ("is_current_round", "=", True)]
            overdue = [*pending, ("deadline", "<", today)]
            late = dict(Line._read_group(overdue, ["department_id"], ["__count"]))
            rows = []
            total = 0
            for department, count in Line._read_group(pending, ["department_id"], ["__count"],
                                                      order="department_id"):
                total += count
                rows.append(self._crr_row(
                    department.display_name, count,
                    self._crr_act("crr.review.line", [*pending, ("department_id", "=", department.id)],
                                  self.env._("Pending review lines")),
                    extra=self.env._("%(count)s overdue", count=late[department]) if late.get(department) else ""))
            cards.append(self._crr_card(
                "pending_lines", self.env._("Pending review lines"), total,
                self._crr_act("crr.review.line", pending, self.env._("Pending review lines")),
                note=self.env._("%(count)s overdue", count=sum(late.values())),
                rows=self._crr_ratio_rows(rows), overdue=sum(late.values())))
            if self.env.user._has_group("customer_requirement_review.group_crr_reviewer"):
                uid = self.env.user.id
                mine = [*pending, "|", ("department_id.user_ids", "in", [uid]), ("substitute_user_ids", "in", [uid])]
                as_substitute = [*pending, ("substitute_user_ids", "in", [uid]),
                                 ("department_id.user_ids", "not in", [uid])]
                substitute_count = Line.search_count(as_substitute)
                cards.append(self._crr_card(
                    "waiting_for_me", self.env._("Waiting for me"), Line.search_count(mine),
                    self._crr_act("crr.review.line", mine, self.env._("Waiting for me")),
                    note=self.env._("incl. %(count)s as substitute", count=substitute_count),
                    rows=[self._crr_row(self.env._("As substitute"), substitute_count,
                                        self._crr_act("crr.review.line", as_substitute, self.env._("As substitute")))]))
            # mean decision time per department over 30 and 90 days (decisions of this round, not carried over)
            decided = [("state", "in", [*self._crr_approved_states(), "rejected"]), ("carried_over", "=", False)]
            now = fields.Datetime.now()
            means = {}
            for days in (30, 90):
                since = fields.Datetime.to_string(now - timedelta(days=days))
                for department, mean in Line._read_group([*decided, ("decision_date", ">=", since)],
                                                         ["department_id"], ["decision_days:avg"]):
                    means.setdefault(department, {})[days] = round(mean or 0.0, 1)
            since90 = fields.Datetime.to_string(now - timedelta(days=90))
            rows = [
                self._crr_row(
                    department.display_name, values.get(30), extra=self.env._("90 days: %(days)s", days=values.get(90, "-")),
                    action=self._crr_act("crr.review.line",
                                         [*decided, ("decision_date", ">=", since90),
                                          ("department_id", "=", department.id)], self.env._("Decisions (90 days)")))
                for department, values in sorted(means.items(), key=lambda item: (item[0].sequence, item[0].id))
            ]
            [(count90, mean90)] = Line._read_group([*decided, ("decision_date", ">=", since90)], [],
                                                   ["__count", "decision_days:avg"])
            cards.append(self._crr_card(
                "decision_days", self.env._("Mean days to decide"), round(mean90 or 0.0, 1) if count90 else None,
                self._crr_act("crr.review.line", [*decided, ("decision_date", ">=", since90)],
                              self.env._("Decisions (90 days)")),
                unit=self.env._("days"), note=self.env._("90 days; by department: 30 days (90 days)"), rows=rows, kind="days"))
            # rejections by department in the period
            rejected = [("state", "=", "rejected"), ("decision_date", ">=", start), ("decision_date", "<", end)]
            rows = []
            total = 0
            for department, count in Line._read_group(rejected, ["department_id"], ["__count"],
                                                      order="__count desc"):
                total += count
                rows.append(self._crr_row(
                    department.display_name, count,
                    self._crr_act("crr.review.line", [*rejected, ("department_id", "=", department.id)],
                                  self.env._("Rejections"))))
            cards.append(self._crr_card(
                "rejections", self.env._("Rejections"), total, self._crr_act("crr.review.line", rejected, self.env._("Rejections")),
                note=self.env._("in the period, by department"), rows=self._crr_ratio_rows(rows)))
        if self._crr_can_read("sale.order"):
            cards.append(self._crr_first_pass_card(start, end, first_pass))
        return {"key": "reviews", "title": self.env._("Reviews"), "cards": cards}

    @api.model
    def _crr_first_pass(self, start, end):
        """(orders whose review ended in the period, approved at the first round, mean rounds) of the orders
        whose review was requested in the period."""
        approved = self._crr_approved_states("sale.order", "review_state")
        decided = [("review_state", "in", [*approved, "rejected"]), ("review_request_date", ">=", start),
                   ("review_request_date", "<", end)]
        requested = count = first = rounds = 0
        # one grouped query: the orders whose review was requested in the period, by review status and round
        for state, review_round, number in self.env["sale.order"]._read_group(
                decided[1:], ["review_state", "review_round"], ["__count"]):
            requested += number
            if state not in (*approved, "rejected"):
                continue
            count += number
            rounds += (review_round or 0) * number
            if state in approved and review_round == 1:
                first += number
        return decided, count, first, (round(rounds / count, 2) if count else None), requested

    @api.model
    def _crr_first_pass_card(self, start, end, first_pass=None):
        decided, count, first, rounds, _requested = first_pass or self._crr_first_pass(start, end)
        rate = round(100.0 * first / count, 1) if count else None
        first_domain = [*decided, ("review_state", "in", self._crr_approved_states("sale.order", "review_state")),
                        ("review_round", "=", 1)]
        return self._crr_card(
            "first_pass", self.env._("First-pass approval rate"), rate,
            self._crr_act("sale.order", first_domain, self.env._("Approved at the first round")),
            unit="%", kind="percent",
            note=self.env._("%(first)s of %(count)s reviews requested in the period", first=first, count=count),
            rows=[self._crr_row(self.env._("Rounds per order"), rounds,
                                self._crr_act("sale.order", decided, self.env._("Reviewed orders")))])

    # -- changes -------------------------------------------------------------------------------------
    @api.model
    def _crr_section_changes(self, start, end):
        if not self._crr_can_read("crr.change.request"):
            return None
        Change = self.env["crr.change.request"]
        labels = self._crr_labels("crr.change.request", "state")
        open_domain = [("state", "in", OPEN_CHANGE_STATES)]
        rows = []
        total = 0
        for state, count in Change._read_group(open_domain, ["state"], ["__count"], order="state"):
            total += count
            rows.append(self._crr_row(labels.get(state, state), count,
                                      self._crr_act("crr.change.request", [("state", "=", state)],
                                                    self.env._("Change requests"))))
        approved = [("state", "=", "approved")]
        applied = [("state", "=", "applied"), ("applied_date", ">=", start), ("applied_date", "<", end),
                   ("approved_date", "!=", False)]
        count, mean = self._crr_mean_days("crr.change.request", applied, "approved_date", "applied_date")
        cards = [
            self._crr_card("changes_open", self.env._("Open change requests"), total,
                           self._crr_act("crr.change.request", open_domain, self.env._("Open change requests")),
                           note=self.env._("by status"), rows=self._crr_ratio_rows(rows)),
            self._crr_card("changes_not_applied", self.env._("Approved, not applied"), Change.search_count(approved),
                           self._crr_act("crr.change.request", approved, self.env._("Approved change requests not applied"))),
            self._crr_card("changes_days_to_apply", self.env._("Mean days to apply"), mean,
                           self._crr_act("crr.change.request", applied, self.env._("Change requests applied")),
                           unit=self.env._("days"), kind="days",
                           note=self.env._("from approval, %(count)s applied in the period", count=count)),
        ]
        return {"key": "changes", "title": self.env._("Change Requests"), "cards": cards}

    # -- complaints ----------------------------------------------------------------------------------
    @api.model
    def _crr_section_complaints(self, start, end):
        cards = []
        if not self._crr_can_read("crr.complaint"):
            return None
        Complaint = self.env["crr.complaint"]
        now = fields.Datetime.to_string(fields.Datetime.now())
        today = fields.Date.context_today(self)
        state_labels = self._crr_labels("crr.complaint", "state")
        severity_labels = self._crr_labels("crr.complaint", "severity")
        open_domain = [("state", "in", COMPLAINT_OPEN_STATES)]
        by_state = {}
        for state, severity, count in Complaint._read_group(open_domain, ["state", "severity"], ["__count"]):
            by_state.setdefault(state, {})[severity] = count
        rows = []
        for state in COMPLAINT_OPEN_STATES:
            if state not in by_state:
                continue
            per = by_state[state]
            rows.append(self._crr_row(
                state_labels[state], sum(per.values()),
                self._crr_act("crr.complaint", [("state", "=", state)], self.env._("Open complaints")),
                extra=", ".join(f"{severity_labels[key]} {per[key]}" for key in severity_labels if per.get(key))))
        cards.append(self._crr_card(
            "complaints_open", self.env._("Open complaints"), sum(row["value"] for row in rows),
            self._crr_act("crr.complaint", open_domain, self.env._("Open complaints")),
            note=self.env._("by stage and severity"), rows=self._crr_ratio_rows(rows)))
        ack_late = [("state", "=", "new"), ("ack_deadline", "<", now)]
        close_late = [*open_domain, ("close_deadline", "<", now)]
        ack_count, close_count = Complaint.search_count(ack_late), Complaint.search_count(close_late)
        cards.append(self._crr_card(
            "complaints_overdue", self.env._("Overdue complaints"), close_count,
            self._crr_act("crr.complaint", close_late, self.env._("Complaints overdue for closure")),
            note=self.env._("not closed in time"),
            rows=[
                self._crr_row(self.env._("Not acknowledged in time"), ack_count,
                              self._crr_act("crr.complaint", ack_late, self.env._("Complaints overdue for acknowledgement"))),
                self._crr_row(self.env._("Not closed in time"), close_count,
                              self._crr_act("crr.complaint", close_late, self.env._("Complaints overdue for closure"))),
            ]))
        if self._crr_can_read("crr.complaint.action"):
            Action = self.env["crr.complaint.action"]
            open_actions = [("state", "=", "open")]
            late_actions = [*open_actions, ("deadline", "<", fields.Date.to_string(today))]
            late = dict(Action._read_group(late_actions, ["user_id"], ["__count"]))
            rows = []
            total = 0
            for owner, count in Action._read_group(open_actions, ["user_id"], ["__count"], order="__count desc"):
                total += count
                rows.append(self._crr_row(
                    owner.display_name or self.env._("No owner"), count,
                    self._crr_act("crr.complaint.action", [*open_actions, ("user_id", "=", owner.id)],
                                  self.env._("Open CAPA actions")),
                    extra=self.env._("%(count)s overdue", count=late[owner]) if late.get(owner) else ""))
            cards.append(self._crr_card(
                "capa_open", self.env._("Open CAPA actions"), total,
                self._crr_act("crr.complaint.action", open_actions, self.env._("Open CAPA actions")),
                note=self.env._("%(count)s overdue, by owner", count=sum(late.values())), rows=rows[:8],
                overdue=sum(late.values())))
        closed = [("state", "=", "closed"), ("closed_date", ">=", start), ("closed_date", "<", end)]
        [(closed_count, mean_close)] = Complaint._read_group(closed, [], ["__count", "days_to_close:avg"])
        cards.append(self._crr_card(
            "complaints_days_to_close", self.env._("Mean days to close"),
            round(mean_close, 1) if closed_count and mean_close is not None else None,
            self._crr_act("crr.complaint", closed, self.env._("Complaints closed in the period")),
            unit=self.env._("days"), kind="days", note=self.env._("%(count)s closed in the period", count=closed_count)))
        received = [("date_received", ">=", start), ("date_received", "<", end)]
        per_100, received_count, order_count = self._crr_complaints_per_100(start, end)
        cards.append(self._crr_card(
            "complaints_per_100", self.env._("Complaints per 100 orders"), per_100,
            self._crr_act("crr.complaint", received, self.env._("Complaints received in the period")),
            kind="ratio", note=self.env._("%(complaints)s complaints, %(orders)s confirmed orders in the period",
                                 complaints=received_count, orders=order_count)))
        if self.env.user._has_group(QUALITY_GROUPS):
            year_start = fields.Datetime.to_string(datetime(today.year, 1, 1))
            this_year = [("date_received", ">=", year_start)]
            [(cost,)] = Complaint._read_group(this_year, [], ["cost:sum"])
            cards.append(self._crr_card(
                "complaints_cost", self.env._("Complaint cost this year"), round(cost or 0.0, 2),
                self._crr_act("crr.complaint", [*this_year, ("cost", "!=", 0)], self.env._("Complaints with a cost")),
                unit=self.env.company.currency_id.symbol or "", kind="amount"))
            causes = self._crr_labels("crr.complaint", "cause_category")
            rows = [
                self._crr_row(causes.get(cause, cause), count,
                              self._crr_act("crr.complaint", [*received, ("cause_category", "=", cause)],
                                            self.env._("Complaints by cause")))
                for cause, count in Complaint._read_group(
                    [*received, ("cause_category", "!=", False)], ["cause_category"], ["__count"],
                    order="__count desc", limit=5)
            ]
            cards.append(self._crr_card(
                "complaints_causes", self.env._("Top cause categories"), sum(row["value"] for row in rows),
                self._crr_act("crr.complaint", [*received, ("cause_category", "!=", False)],
                              self.env._("Complaints by cause")),
                note=self.env._("complaints received in the period"), rows=self._crr_ratio_rows(rows)))
        cards.append(self._crr_monthly_trend_card(today))
        return {"key": "complaints", "title": self.env._("Complaints"), "cards": cards}

    @api.model
    def _crr_complaints_per_100(self, start, end):
        received = [("date_received", ">=", start), ("date_received", "<", end)]
        received_count = self.env["crr.complaint"].search_count(received)
        order_count = 0
        if self._crr_can_read("sale.order"):
            order_count = self.env["sale.order"].search_count(
                [("state", "=", "sale"), ("date_order", ">=", start), ("date_order", "<", end)])
        per_100 = round(100.0 * received_count / order_count, 1) if order_count else None
        return per_100, received_count, order_count

    @api.model
    def _crr_monthly_trend_card(self, today):
        first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
        since = fields.Datetime.to_string(datetime.combine(first, time.min))
        domain = [("date_received", ">=", since)]
        counts = {
            month.strftime("%Y-%m"): count
            for month, count in self.env["crr.complaint"]._read_group(
                domain, ["date_received:month"], ["__count"], order="date_received:month")
        }
        rows = []
        month = first
        while month <= today:
            key = month.strftime("%Y-%m")
            nxt = (month + timedelta(days=32)).replace(day=1)
            rows.append(self._crr_row(
                key, counts.get(key, 0),
                self._crr_act("crr.complaint", [
                    ("date_received", ">=", fields.Datetime.to_string(datetime.combine(month, time.min))),
                    ("date_received", "<", fields.Datetime.to_string(datetime.combine(nxt, time.min)))],
                    self.env._("Complaints received in %(month)s", month=key))))
            month = nxt
        return self._crr_card(
            "complaints_trend", self.env._("Complaints by month"), sum(counts.values()),
            self._crr_act("crr.complaint", domain, self.env._("Complaints of the last 12 months")),
            note=self.env._("last 12 months"), rows=self._crr_ratio_rows(rows), kind="trend")

    # -- satisfaction --------------------------------------------------------------------------------
    @api.model
    def _crr_campaigns(self):
        """The running (or latest) campaign and the one before it, of the current company."""
        Campaign = self.env["crr.satisfaction.campaign"]
        company = [("company_id", "=", self.env.company.id)]
        current = Campaign.search([*company, ("state", "=", "sent")], order="date_from desc, id desc", limit=1)
        if not current:
            current = Campaign.search([*company, ("state", "!=", "draft")], order="date_from desc, id desc",
                                      limit=1)
        previous = Campaign.browse()
        if current:
            previous = Campaign.search([*company, ("state", "!=", "draft"), ("date_from", "<", current.date_from)],
                                       order="date_from desc, id desc", limit=1)
        return current, previous

    @api.model
    def _crr_section_satisfaction(self):
        if not self._crr_can_read("crr.satisfaction.campaign"):
            return None
        current, previous = self._crr_campaigns()
        if not current:
            return {"key": "satisfaction", "title": self.env._("Satisfaction"), "cards": []}
        inputs = [("crr_campaign_id", "=", current.id), ("test_entry", "=", False)]
        cards = [
            self._crr_card(
                "satisfaction_response", self.env._("Response rate"), current.response_rate,
                self._crr_act("survey.user_input", [*inputs, ("state", "=", "done")], self.env._("Answers")),
                unit="%", kind="percent",
                note=self.env._("%(campaign)s: %(answered)s of %(invited)s", campaign=current.display_name,
                       answered=current.answered_count, invited=current.invited_count),
                rows=[self._crr_row(self.env._("Previous: %(campaign)s", campaign=previous.display_name),
                                    previous.response_rate)] if previous else []),
            self._crr_card(
                "satisfaction_mean", self.env._("Weighted mean score"), current.mean_score,
                self._crr_act("crr.satisfaction.campaign", [("id", "=", current.id)], self.env._("Satisfaction campaign")),
                kind="score", note=current.display_name,
                rows=[self._crr_row(self.env._("Previous: %(campaign)s", campaign=previous.display_name),
                                    previous.mean_score,
                                    self._crr_act("crr.satisfaction.campaign", [("id", "=", previous.id)],
                                                  self.env._("Satisfaction campaign")),
                                    extra=self.env._("change %(change)+.1f", change=current.mean_score - previous.mean_score))]
                if previous else []),
        ]
        bands = [
            self._crr_row(label, count,
                          self._crr_act("survey.user_input", [*inputs, ("state", "=", "done"), ("crr_band", "=", band)],
                                        label), extra=f"{percent}%")
            for band, label, count, percent in current._crr_band_distribution()
        ]
        cards.append(self._crr_card("satisfaction_bands", self.env._("Satisfaction bands"), sum(r["value"] for r in bands),
                                    self._crr_act("survey.user_input", [*inputs, ("state", "=", "done")],
                                                  self.env._("Answers")),
                                    note=current.display_name, rows=self._crr_ratio_rows(bands)))
        if self._crr_can_read("crr.satisfaction.score"):
            Score = self.env["crr.satisfaction.score"]
            rows = [
                self._crr_row(question.title, round(mean or 0.0, 1),
                              self._crr_act("crr.satisfaction.score",
                                            [("campaign_id", "=", current.id), ("question_id", "=", question.id)],
                                            self.env._("Criterion scores")))
                for question, mean in sorted(
                    Score._read_group([("campaign_id", "=", current.id)], ["question_id"], ["score:avg"]),
                    key=lambda item: (item[1] or 0.0, item[0].id))[:3]
            ]
            cards.append(self._crr_card(
                "satisfaction_weakest", self.env._("Weakest criteria"), rows[0]["value"] if rows else None,
                self._crr_act("crr.satisfaction.score", [("campaign_id", "=", current.id)], self.env._("Criterion scores")),
                kind="score", note=rows[0]["label"] if rows else "", rows=rows))
        down = [*inputs, ("state", "=", "done"), ("crr_previous_input_id", "!=", False),
                ("crr_score_change", "<", -10)]
        cards.append(self._crr_card(
            "satisfaction_down", self.env._("Customers down more than 10 points"),
            self.env["survey.user_input"].search_count(down),
            self._crr_act("survey.user_input", down, self.env._("Customers down more than 10 points")),
            note=current.display_name))
        return {"key": "satisfaction", "title": self.env._("Satisfaction"), "cards": cards}

    # -- period against the previous one -------------------------------------------------------------
    @api.model
    def _crr_period_figures(self, date_from, date_to):
        """The flow figures of a period: {key: value}."""
        start, end = self._crr_bounds(date_from, date_to)
        figures = {}
        if self._crr_can_read("sale.order"):
            figures["_first_pass"] = _decided, count, first, rounds, requested = self._crr_first_pass(start, end)
            figures["reviews_requested"] = requested
            figures["first_pass"] = round(100.0 * first / count, 1) if count else None
            figures["rounds"] = rounds
        if self._crr_can_read("crr.review.line"):
            Line = self.env["crr.review.line"]
            decided = [("state", "in", [*self._crr_approved_states(), "rejected"]), ("carried_over", "=", False),
                       ("decision_date", ">=", start), ("decision_date", "<", end)]
            [(count, mean)] = Line._read_group(decided, [], ["__count", "decision_days:avg"])
            figures["decision_days"] = round(mean, 1) if count and mean is not None else None
            figures["rejections"] = Line.search_count(
                [("state", "=", "rejected"), ("decision_date", ">=", start), ("decision_date", "<", end)])
        if self._crr_can_read("crr.change.request"):
            applied = [("state", "=", "applied"), ("applied_date", ">=", start), ("applied_date", "<", end),
                       ("approved_date", "!=", False)]
            figures["changes_applied"], figures["days_to_apply"] = self._crr_mean_days(
                "crr.change.request", applied, "approved_date", "applied_date")
        if self._crr_can_read("crr.complaint"):
            Complaint = self.env["crr.complaint"]
            figures["complaints_per_100"], figures["complaints"], _orders = self._crr_complaints_per_100(start, end)
            [(closed, mean)] = Complaint._read_group(
                [("state", "=", "closed"), ("closed_date", ">=", start), ("closed_date", "<", end)], [],
                ["__count", "days_to_close:avg"])
            figures["complaints_closed"] = closed
            figures["days_to_close"] = round(mean, 1) if closed and mean is not None else None
        figures.update(self._crr_period_figures_inventory(date_from, date_to))
        return figures

    @api.model
    def _crr_period_figures_inventory(self, date_from, date_to):
        """Flow figures the Inventory bridge adds (on-time delivery rate of the period)."""
        return {}

    @api.model
    def _crr_trend_labels(self):
        """[(key, label, unit, lower is better)] of the period figures, in the order they are shown."""
        return [
            ("reviews_requested", self.env._("Reviews requested"), "", False),
            ("first_pass", self.env._("First-pass approval rate"), "%", False),
            ("rounds", self.env._("Rounds per order"), "", True),
            ("decision_days", self.env._("Mean days to decide"), self.env._("days"), True),
            ("rejections", self.env._("Rejections"), "", True),
            ("changes_applied", self.env._("Change requests applied"), "", False),
            ("days_to_apply", self.env._("Mean days to apply"), self.env._("days"), True),
            ("complaints", self.env._("Complaints received"), "", True),
            ("complaints_per_100", self.env._("Complaints per 100 orders"), "", True),
            ("complaints_closed", self.env._("Complaints closed"), "", False),
            ("days_to_close", self.env._("Mean days to close"), self.env._("days"), True),
            ("on_time_rate", self.env._("On-time delivery rate"), "%", False),
        ]

    @api.model
    def _crr_trend(self, date_from, date_to, prev_from, prev_to, current=None):
        """[{key, label, unit, value, previous, change, better}] of the period against the previous one."""
        if current is None:
            current = self._crr_period_figures(date_from, date_to)
        previous = self._crr_period_figures(prev_from, prev_to)
        rows = []
        for key, label, unit, lower_better in self._crr_trend_labels():
            if key not in current:
                continue
            value, before = current[key], previous.get(key)
            change = round(value - before, 2) if value is not None and before is not None else None
            better = None
            if change:
                better = (change < 0) if lower_better else (change > 0)
            rows.append({"key": key, "label": label, "unit": unit, "value": value, "previous": before,
                         "change": change, "better": better})
        return rows

    # -- management review: open CAPAs and decisions needed ------------------------------------------
    @api.model
    def _crr_open_capa(self, limit=50):
        """Open CAPA actions, oldest deadline first: [{name, complaint, owner, deadline, late}]."""
        if not self._crr_can_read("crr.complaint.action"):
            return []
        today = fields.Date.context_today(self)
        actions = self.env["crr.complaint.action"].search(
            [("state", "=", "open")], order="deadline asc, id", limit=limit)
        types = self._crr_labels("crr.complaint.action", "action_type")
        return [
            {"name": action.name, "complaint": action.complaint_id.display_name, "type": types.get(action.action_type),
             "owner": action.user_id.display_name or "", "deadline": action.deadline,
             "late": bool(action.deadline and action.deadline < today)}
            for action in actions
        ]

    @api.model
    def _crr_decisions_needed(self, data):
        """What management must decide on, read from the figures: overdue work, worse trends, targets missed."""
        cards = {card["key"]: card for section in data["sections"] for card in section["cards"]}
        decisions = []
        pending = cards.get("pending_lines")
        if pending and pending.get("overdue"):
            decisions.append(self.env._("%(count)s review lines are overdue: check the departments' review capacity.",
                               count=pending["overdue"]))
        overdue = cards.get("complaints_overdue")
        if overdue and overdue["value"]:
            decisions.append(self.env._("%(count)s complaints are not closed in time: resources for complaint handling.",
                               count=overdue["value"]))
        capa = cards.get("capa_open")
        if capa and capa["value"]:
            decisions.append(self.env._("%(count)s CAPA actions are open (%(note)s): follow them up.",
                               count=capa["value"], note=capa["note"]))
        down = cards.get("satisfaction_down")
        if down and down["value"]:
            decisions.append(self.env._("%(count)s customers' satisfaction fell by more than 10 points: improvement actions.",
                               count=down["value"]))
        not_applied = cards.get("changes_not_applied")
        if not_applied and not_applied["value"]:
            decisions.append(self.env._("%(count)s approved change requests are not applied yet.", count=not_applied["value"]))
        on_time = cards.get("on_time_rate")
        if on_time and on_time["value"] is not None and on_time.get("target") is not None \
                and on_time["value"] < on_time["target"]:
            decisions.append(self.env._("The on-time delivery rate (%(rate)s%%) is below its target (%(target)s%%).",
                               rate=on_time["value"], target=on_time["target"]))
        for row in data["trend"]:
            if row["better"] is False:
                decisions.append(self.env._("%(figure)s worsened: %(before)s to %(value)s.", figure=row["label"],
                                   before=row["previous"], value=row["value"]))
        return decisions
