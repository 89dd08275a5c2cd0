"""The engine's outbox: who is told of the end of a review round (or of an order's distribution), sent out of the
deciding transaction."""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from .crr_record_guard_mixin import crr_flag, crr_scope

_logger = logging.getLogger(__name__)

NOTICE_ACTION = "the end of a review round or the confirmation of a reviewed order"


class CrrReviewNotice(models.Model):
    """One row per person to tell of the result of a review round (the salesperson of an order), or of the
    distribution of a confirmed order (the members of the departments concerned). The deciding transaction logs
    the text in the document's chatter at once and writes these rows; the job "Requirement Review: send the
    review notices" notifies the people (inbox or e-mail, as each chose) within a minute, triggered by that
    transaction, then removes the rows (an outbox: the record of the decision is the review line, its tracking
    and the document's chatter entry). A decision so writes two rows instead of rendering and sending a
    notification."""

    _name = "crr.review.notice"
    _description = "Review Notice to Send"
    _inherit = ["crr.record.guard.mixin"]
    _order = "id"

    _crr_action_fields = {
        "res_model": NOTICE_ACTION,
        "res_id": NOTICE_ACTION,
        "partner_id": NOTICE_ACTION,
        "user_id": NOTICE_ACTION,
        "body": NOTICE_ACTION,
    }

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, readonly=True)
    # the recipient: a partner, or a user (whose partner is read by the job, not by the decision)
    partner_id = fields.Many2one("res.partner", string="Recipient", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Recipient User", readonly=True, ondelete="cascade")
    body = fields.Html(readonly=True, sanitize=True)

    _recipient_required = models.Constraint(
        "CHECK(partner_id IS NOT NULL OR user_id IS NOT NULL)", "A review result is notified to someone."
    )

    def _crr_kept_message(self):
        if self and not crr_flag("action"):
            return self.env._("The review notices waiting to be sent are sent and removed by their job only.")
        return None

    @api.model
    def _crr_queue(self, record, body, recipients):
        """Tell ``recipients`` (partners or users) of ``body`` about ``record`` (a subject of the review engine)
        within a minute (internal: called by the engine). One statement writes the rows and the trigger of the job
        (the body sanitized as the field does): the deciding transaction pays one INSERT for telling them."""
        recipients = recipients.filtered("id")
        if not recipients:
            return self.browse()
        column = "user_id" if recipients._name == "res.users" else "partner_id"
        body_value = self._fields["body"].convert_to_column_insert(body, self)
        now = fields.Datetime.now()
        query = SQL(
            "INSERT INTO crr_review_notice (res_model, res_id, %s, body, create_uid, create_date, write_uid, "
            "write_date) VALUES %s RETURNING id",
            SQL.identifier(column),
            SQL(", ").join(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s)",
                    record._name, record.id, recipient.id, body_value, self.env.uid, now, self.env.uid, now,
                )
                for recipient in recipients
            ),
        )
        trigger = self.env["crr.job"]._crr_trigger_job_sql("customer_requirement_review.ir_cron_crr_review_notices")
        if trigger:
            # a data-modifying statement of a WITH runs once, to completion, whether its output is read or not
            query = SQL("WITH job_trigger AS (%s) %s", trigger, query)
        self.env.cr.execute(query)
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_send(self, limit=1000):
        """Notify the notices waiting, oldest first (one notification per document and text, to all its
        recipients), then remove them. Returns the number of notices sent."""
        notices = self.sudo().search([], limit=limit)
        for (model, res_id, body, author), group in notices.grouped(
            lambda notice: (notice.res_model, notice.res_id, notice.body, notice.create_uid)
        ).items():
            record = self.env[model].sudo().browse(res_id).exists() if model in self.env else None
            if not record:
                _logger.info("notice of a removed %s #%s not sent", model, res_id)
                continue
            # an internal notice: never shown to the customer, whose portal link is not prepared either
            with crr_scope("internal_note"):
                record.message_notify(
                    body=body,
                    partner_ids=(group.partner_id | group.user_id.partner_id).ids,
                    # the user who queued it (the decider, the one who confirmed the order)
                    author_id=author.partner_id.id or None,
                    subject=record.display_name,
                )
        with crr_scope():
            notices.unlink()
        return len(notices)
