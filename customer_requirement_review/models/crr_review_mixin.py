from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, Query

from .crr_record_guard_mixin import crr_scope

# what Odoo reads of a company to log a message (reply-to) and to link to a document (base URL, with the e-shop)
CHATTER_COMPANY_FIELDS = ("alias_domain_id", "name", "partner_id", "website_id")

# engine states of a review round
ROUND_IN_REVIEW = "in_review"
ROUND_APPROVED = "approved"
ROUND_REJECTED = "rejected"
# states of an open review line (the others, approved, rejected and superseded, are closed)
OPEN_LINE_STATES = ("waiting", "pending")
# states of an approved line: plain approval, approval with conditions (counted as approved everywhere)
APPROVED_LINE_STATES = ("approved", "approved_conditions")


class _LockingQuery(Query):
    """A query of the rows of one table that locks them as it reads them (``FOR NO KEY UPDATE`` of that table
    only: the rows it joins are not locked)."""

    def select(self, *args):
        return SQL("%s FOR NO KEY UPDATE OF %s", super().select(*args), SQL.identifier(self.table))


class CrrReviewMixin(models.AbstractModel):
    """The departmental review engine, shared by every subject of a review (the quotation, the change request;
    later the capability commitment review, the sample request approval, the CAPA plan approval, the
    satisfaction campaign approval).

    A review is made of rounds. Opening a round creates one ``crr.review.line`` per department asked, with its
    step, its deadline and one activity per reviewer of the department. The lines of step N are *waiting* until
    every line of the previous steps of the round is approved, then *pending*; departments sharing a step review
    in parallel; the final approval (e.g. the general manager, ``is_final_approval``) is always the last step.
    An urgent round (``_crr_review_is_urgent``) asks every department at once with the urgent deadline, the
    final approval still last. Each decision goes through
    the line (``action_approve`` / ``action_reject`` / ``action_reopen``, with the subject's row locked), then
    the engine computes the state of the round (rejected as soon as one line is rejected, approved when every
    line is approved), writes it to the subject and, when the round ends, closes it: its open lines become
    *superseded* and every review activity of the round is removed.

    **A new subject** is a model that ``_inherit``s this mixin and:

    - adds a Many2one to itself on ``crr.review.line`` (``ondelete="restrict"``), puts its name in front of the
      line's ``_crr_subject_fields`` and a One2many of its lines on itself;
    - sets the class attributes ``_crr_review_line_field`` (the line's Many2one), ``_crr_review_lines_field``
      (its One2many), ``_crr_review_state_field`` (its status field) and ``_crr_review_states`` (the values of
      that field for the engine's round states ``in_review``, ``approved``, ``rejected``);
    - opens a round in its own request action: ``lines = self._crr_open_round(departments)`` (or builds the
      values of several subjects with ``_crr_round_line_vals`` and creates them at once with
      ``_crr_create_round_lines``);
    - overrides the hooks it needs, all optional:

      ========================================  ===================================================================
      hook                                      default
      ========================================  ===================================================================
      ``_crr_review_round()``                   ``0``: one round; subjects with rounds return the current one
      ``_crr_review_requester()``               the current user (recorded on the lines; four-eyes compares it)
      ``_crr_review_line_extra_vals()``         ``{}``: more values of the subject's new lines
      ``_crr_review_steps(asked)``              ``{}``: ``{department id: step}`` of the departments asked
                                                (missing: step 1); or pass ``steps=`` to ``_crr_round_line_vals``
      ``_crr_review_is_urgent()``               ``False``: urgent round (every step at once, urgent deadline)
      ``_crr_review_line_name(line)``           ``"<subject> / <department>"``
      ``_crr_review_activity_summary()``        ``"Review <subject>"``
      ``_crr_review_check_approval(line,        nothing: raise a UserError when ``line`` may not be approved yet
      completes_round)``                        (``completes_round``: its approval would approve the round)
      ``_crr_review_reopen_error(line)``        None: a message when a decided line of the round may not reopen
      ``_crr_review_round_ended(state, lines)`` nothing: messages and side effects once the round's state changed
      ========================================  ===================================================================

    Every status field of a subject is an action-only field (``crr.record.guard.mixin``): the engine writes it
    inside ``crr_scope()``.
    """

    _name = "crr.review.mixin"
    _description = "Departmental Review Engine"

    _crr_review_line_field = None
    _crr_review_lines_field = "review_line_ids"
    _crr_review_state_field = None
    _crr_review_states = {ROUND_IN_REVIEW: "in_review", ROUND_APPROVED: "approved", ROUND_REJECTED: "rejected"}

    # -- hooks -------------------------------------------------------------------------------------
    def _crr_review_round(self):
        """The current round of the subject (0 for subjects reviewed in one round)."""
        self.ensure_one()
        return 0

    def _crr_review_requester(self):
        self.ensure_one()
        return self.env.user

    def _crr_review_line_extra_vals(self):
        """More values of the subject's review lines (e.g. the order of a change request)."""
        return {}

    def _crr_review_steps(self, asked):
        """``{department id: step}`` of the departments ``asked`` in a new round (a department missing reviews
        in step 1; the final approval is always last)."""
        return {}

    def _crr_review_is_urgent(self):
        """Whether a new round of the subject is urgent: every department asked at once, urgent deadline."""
        return False

    def _crr_review_line_name(self, line):
        return self.env._(
            "%(subject)s / %(department)s", subject=self.display_name or "", department=line.department_id.name or ""
        )

    def _crr_review_activity_summary(self):
        return self.env._("Review %(subject)s", subject=self.display_name)

    def _crr_review_check_approval(self, line, completes_round):
        """Raise a UserError when ``line`` cannot be approved yet (prerequisites of the subject);
        ``completes_round``: every other line of the round is approved."""
        return None

    def _crr_review_reopen_error(self, line):
        """A message refusing to reopen the decided ``line``, or None."""
        return None

    def _crr_review_round_ended(self, state, lines):
        """Called after the state of the round (``lines``) changed to ``state`` (engine state)."""
        return None

    # -- state -------------------------------------------------------------------------------------
    def _crr_review_state(self):
        """The engine state of the subject's review (``in_review``, ``approved``, ``rejected``) or None."""
        self.ensure_one()
        value = self[self._crr_review_state_field]
        return next((state for state, own in self._crr_review_states.items() if own == value), None)

    def _crr_set_review_state(self, state, extra=None):
        """Write the subject's status for the engine ``state`` (internal: inside the engine's scope)."""
        with crr_scope():
            self.sudo().write({self._crr_review_state_field: self._crr_review_states[state], **(extra or {})})

    def _crr_post_with_state_tracking(self, body, recipients):
        """Log ``body`` on the subject as the one chatter entry that also shows the status change the engine has
        just written (the body rides on its tracking message, written when the transaction ends), and tell
        ``recipients`` (partners or users) of it out of the decision's transaction (``crr.review.notice``: their inbox or e-mail, within
        a minute, by the job the decision triggers).

        When no status change waits for its tracking (the status unchanged or not tracked), or a note already
        waits for it (e.g. a review request whose round was approved at once), the body is logged on its own.

        A decision so writes two rows for the notification instead of rendering and sending it (about half of
        the queries of the decision that ends a round).
        """
        self._crr_log_with_state_tracking(body)
        return self.env["crr.review.notice"]._crr_queue(self, body, recipients)

    def _crr_log_with_state_tracking(self, body):
        """Log ``body`` on the subject: on the message tracking the status change the engine has just written
        (one chatter entry with its author, written when the transaction ends), or on its own at once when no
        status change waits for its tracking (status unchanged, tracking disabled, subject created in this
        transaction) or a note already waits for it."""
        self.ensure_one()
        data = self.env.cr.precommit.data
        field_name = self._crr_review_state_field
        initial = data.get(f"mail.tracking.{self._name}", {}).get(self.id)
        if (
            initial
            and field_name in initial
            and initial[field_name] != self[field_name]
            and self.id not in data.get(f"mail.tracking.message.{self._name}", {})
        ):
            self._track_set_log_message(body)
        else:
            self.sudo()._message_log(body=body)

    def _crr_accepts_decisions(self):
        self.ensure_one()
        return self._crr_review_state() == ROUND_IN_REVIEW

    # -- lines of the rounds -----------------------------------------------------------------------
    def _crr_round_lines(self, all_rounds=False):
        """The review lines of the subject's current round (of every round with ``all_rounds``)."""
        self.ensure_one()
        subject = self.sudo()
        subject._crr_fetch_review_lines()
        lines = subject[self._crr_review_lines_field]
        if all_rounds:
            return lines
        current = self._crr_review_round()
        return lines.filtered(lambda line: line.round == current)

    def _crr_fetch_review_lines(self):
        """Read the review lines of the subjects ``self`` with their values in one query, for the subjects whose
        lines are not read yet (a decision reads them all): the ORM reads the One2many's ids, then the lines'
        values, in two."""
        field = self._fields[self._crr_review_lines_field]
        cache = field._get_cache(self.env)
        subjects = self.filtered(lambda subject: subject.id and subject.id not in cache)
        if not subjects:
            return
        Line = self.env[field.comodel_name].with_context(active_test=False)
        lines = Line.search_fetch(
            field.get_comodel_domain(subjects) & Domain(field.inverse_name, "in", subjects.ids),
            Line._crr_column_names(),
        )
        by_subject = {subject_id: [] for subject_id in subjects.ids}
        for line in lines:
            by_subject[line[field.inverse_name].id].append(line.id)
        field._insert_cache(subjects, [tuple(by_subject[subject_id]) for subject_id in subjects.ids])

    def _crr_review_deadline(self, today=None, urgent=False):
        self.ensure_one()
        return self.company_id._crr_review_deadline_date(today=today, urgent=urgent)

    @api.model
    def _crr_line_steps(self, asked, steps=None, carried=None):
        """``{department: step}`` of the departments ``asked``: ``steps`` (``{department id: step}``, missing
        ones in step 1) with the final approval after every other step (of ``asked`` and of the ``carried``
        lines)."""
        steps = steps or {}
        own = {department: max(steps.get(department.id, 1), 1) for department in asked}
        last = max(
            [step for department, step in own.items() if not department.is_final_approval]
            + [line.step for line in carried or () if not line.is_final_approval]
            + [0]
        ) + 1
        return {department: last if department.is_final_approval else step for department, step in own.items()}

    def _crr_round_line_vals(self, asked, round_no=0, carried=None, now=None, steps=None, urgent=None):
        """Values of the lines of a new round of the subject: one per department ``asked``, with its step
        (``steps``: ``{department id: step}``, by default ``_crr_review_steps(asked)``); the lines of the first
        step asked are pending, the others waiting (an ``urgent`` round, by default ``_crr_review_is_urgent()``:
        every line pending at once but the final approval's, while another department is asked), and the
        approvals ``carried`` over from the previous round."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        requester = self._crr_review_requester()
        common = {
            # the line's other subjects named empty: the new lines' subject is then found in the record cache
            # (computing their company, name and round asks for it), not looked for field by field
            **dict.fromkeys(self.env["crr.review.line"]._crr_subject_fields, False),
            self._crr_review_line_field: self.id,
            "round": round_no,
            "requested_by_id": requester.id,
            "request_date": now,
            **self._crr_review_line_extra_vals(),
        }
        urgent = self._crr_review_is_urgent() if urgent is None else bool(urgent)
        line_steps = self._crr_line_steps(
            asked, steps=self._crr_review_steps(asked) if steps is None else steps, carried=carried
        )
        keys = {
            department: (department.is_final_approval, 0 if urgent else step) for department, step in line_steps.items()
        }
        first = min(keys.values(), default=None)
        deadline = self._crr_review_deadline(urgent=urgent)
        vals_list = [
            {
                **common,
                "department_id": department.id,
                "step": line_steps[department],
                "is_urgent": urgent,
                "state": "pending" if keys[department] == first else "waiting",
                "deadline": deadline,
            }
            for department in asked
        ]
        for old_line in carried or ():
            vals_list.append(
                {
                    **common,
                    "department_id": old_line.department_id.id,
                    "step": old_line.step,
                    "is_urgent": old_line.is_urgent,
                    "state": old_line.state,
                    "reviewer_id": old_line.reviewer_id.id,
                    "decision_date": old_line.decision_date,
                    "on_behalf_of_id": old_line.on_behalf_of_id.id,
                    "opinion": old_line.opinion,
                    "conditions": old_line.conditions,
                    "carried_over": True,
                    "carried_from_line_id": old_line.id,
                }
            )
        return vals_list

    @api.model
    def _crr_create_round_lines(self, vals_list):
        """Create the lines of new rounds (of several subjects at once) and schedule their activities.

        The request is logged once on each subject: no creation message, creation tracking nor requester
        subscription per line (the requester follows the subject).
        """
        Line = self.env["crr.review.line"].sudo()
        if not vals_list:
            return Line
        with crr_scope():
            lines = Line.browse(
                Line.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True)
                .create(vals_list).ids
            )
        lines._crr_schedule_activities()
        return lines

    def _crr_open_round(self, asked, round_no=0, carried=None, steps=None, urgent=None):
        """Open a round of the subject's review asking the departments ``asked`` (with their ``steps``, see
        ``_crr_round_line_vals``); returns its lines."""
        return self._crr_create_round_lines(
            self._crr_round_line_vals(asked, round_no=round_no, carried=carried, steps=steps, urgent=urgent)
        )

    # -- decisions ---------------------------------------------------------------------------------
    def _crr_lock(self):
        """Lock the subjects' rows, so that concurrent decisions on one subject serialise, and touch them.

        One UPDATE locks the rows and marks them changed (write date): a concurrent decision waiting on the lock
        then fails to serialise when this one commits, and is retried with the lines decided here (REPEATABLE
        READ); nothing of the subject changes (no ORM write, no tracking). What this transaction read of the
        subjects is not read again: it reads one snapshot, and a decision committed by another transaction since
        this one began makes the UPDATE fail to serialise.
        """
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = (now() AT TIME ZONE 'UTC'), write_uid = %s WHERE id IN %s",
                SQL.identifier(self._table),
                self.env.uid,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["write_date", "write_uid"])
        # the rows are locked and touched until the transaction ends (the data is dropped at commit and rollback)
        self.env.cr.precommit.data.setdefault("crr.review.locked", set()).update(
            (self._name, record_id) for record_id in self.ids
        )

    @api.model
    def _crr_prefetch_chatter_rows(self, companies=None, company_fields=()):
        """Read, in one narrow query, what Odoo reads of the user and of the companies to log a message and to
        link to a document (the author's partner: name, e-mail, language; the company's e-mail domain, name,
        partner and website, for the reply-to and the links of the review mails), with ``company_fields`` of
        ``companies`` when the caller reads them too, and put it in the record cache: read through a field, each
        of these rows is read whole (the company's row has about 150 columns, about 5 ms to read; the partner's
        about 3 ms), and each table by a query of its own, while a review reads nothing else of them. Nothing is
        read when the cache holds it all."""
        user = self.env.user.sudo()
        partner = self.env["res.partner"].sudo()
        companies = ((companies or self.env["res.company"]) | self.env.company).sudo()
        user_fields = self._crr_plain_fields(user, ("partner_id", "active", "company_id"))
        partner_fields = self._crr_plain_fields(partner, ("name", "email", "active", "lang"))
        company_fields = self._crr_plain_fields(companies, dict.fromkeys((*CHATTER_COMPANY_FIELDS, *company_fields)))

        def cached(record, record_fields):
            return all(record.id in field._get_cache(record.env) for field in record_fields)

        if (
            cached(user, user_fields)
            and cached(user.partner_id, partner_fields)
            and all(cached(company, company_fields) for company in companies)
        ):
            return
        selected = [
            SQL.identifier(alias, field.name)
            for alias, record_fields in (("users", user_fields), ("partner", partner_fields), ("company", company_fields))
            for field in record_fields
        ]
        self.env.cr.execute(
            SQL(
                """SELECT company.id, %s
                     FROM res_company company
                     JOIN res_users users ON users.id = %s
                     JOIN res_partner partner ON partner.id = users.partner_id
                    WHERE company.id IN %s""",
                SQL(", ").join(selected),
                user.id,
                tuple(companies.ids),
            )
        )
        for row in self.env.cr.fetchall():
            # one row per company, the user's and its partner's columns on each
            columns = iter(row[1:])
            user_values, partner_values, company_values = (
                {field: next(columns) for field in record_fields}
                for record_fields in (user_fields, partner_fields, company_fields)
            )
            for record, values in (
                (user, user_values),
                (partner.browse(user_values[user._fields["partner_id"]]), partner_values),
                (companies.browse(row[0]), company_values),
            ):
                # values just read from the flushed tables; what the cache holds already is kept
                record._update_cache(
                    {field.name: value for field, value in values.items() if record.id not in field._get_cache(record.env)},
                    validate=False,
                )

    @api.model
    def _crr_plain_fields(self, records, names):
        """The fields ``names`` of ``records`` (those the model has) that are plain columns, flushed: read by SQL
        as the ORM would read them. The others (translated, company-dependent) are read by the ORM at once."""
        model_fields = [records._fields[name] for name in names if name in records._fields]
        plain = [
            field for field in model_fields
            if field.store and field.column_type and not field.translate and not field.company_dependent
        ]
        if records and len(plain) < len(model_fields):
            records.fetch([field.name for field in model_fields if field not in plain])
        records.flush_model([field.name for field in plain])
        return plain

    def _crr_lock_read(self):
        """Lock the subjects' rows as the decision reads them: their stored values are read in the query that
        takes the lock (the decision reads them anyway), instead of a touching UPDATE followed by that read.

        The lock is held until the transaction ends, and the decision changes the row before then (the status it
        writes, or the touch of ``_crr_review_lines_decided`` when the status does not change): a concurrent
        decision waiting on the lock fails to serialise when this one commits and is retried with the lines
        decided here, as with ``_crr_lock``. Taken once per transaction.
        """
        data = self.env.cr.precommit.data.setdefault("crr.review.lock_read", set())
        records = self.sudo().filtered(lambda record: record.id and (record._name, record.id) not in data)
        if not records:
            return
        query = _LockingQuery(self.env, records._table, records._table_sql)
        query.add_where(SQL("%s IN %s", SQL.identifier(records._table, "id"), tuple(records.ids)))
        records._fetch_query(
            query, [field for field in records._determine_fields_to_fetch(None) if field.column_type]
        )
        data.update((records._name, record_id) for record_id in records.ids)

    def _crr_review_lines_decided(self, lines):
        """After ``lines`` of the subject were decided or reopened (its row locked): open the next step when
        its time has come, compute the round's state, write it, and close the round when it ended."""
        self.ensure_one()
        Line = self.env["crr.review.line"]
        round_lines = self._crr_round_lines()
        Line._crr_open_steps(round_lines)
        new_state = Line._crr_round_state(round_lines)
        if new_state == self._crr_review_state():
            # the row is touched at every decision (``_crr_lock``), so that a concurrent decision waiting on the
            # lock fails to serialise and retries with the lines decided here
            if (self._name, self.id) not in self.env.cr.precommit.data.get("crr.review.locked", ()):
                self._crr_lock()
            return
        self._crr_set_review_state(new_state)
        if new_state != ROUND_IN_REVIEW:
            self._crr_close_round(round_lines)
        self._crr_review_round_ended(new_state, round_lines)

    def _crr_close_round(self, lines=None):
        """End the round: its open lines are superseded and every review activity of the round is removed."""
        lines = lines if lines is not None else self._crr_round_lines()
        open_lines = lines.filtered(lambda line: line.state in OPEN_LINE_STATES)
        if not open_lines:
            return
        with crr_scope():
            open_lines.sudo().write({"state": "superseded"})
        lines._crr_remove_activities()
