"""The engine's outbox: who is told of the end of a review round, sent out of the decision's transaction."""

import logging

from odoo import api, fields, models

from .crr_record_guard_mixin import crr_flag, crr_scope

_logger = logging.getLogger(__name__)

NOTICE_ACTION = "the end of a review round (the decision that ends it)"


class CrrReviewNotice(models.Model):
    """One row per person to tell of the result of a review round (the salesperson of an order, the requester
    of a change request...). The decision that ends the round logs the result in the subject's chatter at once
    (one entry with the status change) and writes these rows; the job "Requirement Review: send the review
    results" notifies each person (inbox or e-mail, as they chose) within a minute, triggered by the decision,
    and then removes the rows (an outbox: the record of the decision is the review line, its tracking and the
    subject's chatter entry). A decision so writes two rows instead of rendering and sending a notification."""

    _name = "crr.review.notice"
    _description = "Review Result to Notify"
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
            return self.env._("The review results waiting to be notified are sent and removed by their job only.")
        return None

    @api.model
    def _crr_queue(self, record, body, recipients):
        """Tell ``recipients`` (partners or users) of ``body`` about ``record`` (a subject of the review engine)
        within a minute: one INSERT, and a trigger of the job (internal: called by the engine)."""
        recipients = recipients.filtered("id")
        if not recipients:
            return self.browse()
        field_name = "user_id" if recipients._name == "res.users" else "partner_id"
        with crr_scope():
            notices = self.sudo().create(
                [
                    {
                        "res_model": record._name,
                        "res_id": record.id,
                        field_name: recipient.id,
                        "body": body,
                    }
                    for recipient in recipients
                ]
            )
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "customer_requirement_review.ir_cron_crr_review_notices", raise_if_not_found=False
        )
        if cron_id:
            # as ir.cron._trigger does, without reading the job's row (its id is cached with its external id)
            self.env["ir.cron.trigger"].sudo().create({"cron_id": cron_id, "call_at": fields.Datetime.now()})
            self.env.cr.postcommit.add(self.env["ir.cron"]._notifydb)
        return notices

    @api.model
    def _cron_send(self, limit=1000):
        """Notify the review results waiting, oldest first, then remove them."""
        notices = self.sudo().search([], limit=limit)
        for notice in notices:
            record = self.env[notice.res_model].sudo().browse(notice.res_id).exists() \
                if notice.res_model in self.env else None
            if record:
                # an internal notice: never shown to the customer, whose portal link is not prepared either
                with crr_scope("internal_note"):
                    record.message_notify(
                        body=notice.body,
                        partner_ids=(notice.partner_id or notice.user_id.partner_id).ids,
                        # the decider, who queued the notice
                        author_id=notice.create_uid.partner_id.id or None,
                        subject=record.display_name,
                    )
            else:
                _logger.info("review result of a removed %s #%s not notified", notice.res_model, notice.res_id)
        with crr_scope():
            notices.unlink()
        return len(notices)
