import logging

from odoo import models
from odoo.tools import format_date

_logger = logging.getLogger(__name__)


class CrrReviewLine(models.Model):
    """The review request mail: when a line becomes pending, each of its department's reviewers, and each
    substitute in force of an absent one, gets a mail with their own signed, expiring, single-use links to
    decide it (``crr.review.link``)."""

    _inherit = "crr.review.line"  # pylint: disable=consider-merging-classes-inherited

    def _crr_schedule_activities(self, reviewers=None):
        # the reviewers are read once for the activities and the mails
        if reviewers is None:
            pending = self.filtered(lambda line: line.state == "pending")
            reviewers = pending.department_id._crr_active_reviewers() if pending else {}
        result = super()._crr_schedule_activities(reviewers=reviewers)
        self._crr_send_review_request_mails(reviewers=reviewers)
        return result

    def _crr_review_mail_recipients(self, reviewers=None):
        """``{line: reviewers}`` of the pending lines: the active reviewers of the department and the
        substitutes in force today of its absent reviewers (active internal reviewers of the line's company),
        with an e-mail address, but the requester when four-eyes forbids them to decide. ``reviewers``: the
        departments' active reviewers when already read (``_crr_active_reviewers``)."""
        pending = self.filtered(lambda line: line.state == "pending")
        if not pending:
            return {}
        if reviewers is None:
            reviewers = pending.department_id._crr_active_reviewers()
        # the substitutes of all the lines at once (one search of the substitutions in force)
        substitutes = pending.sudo()._crr_substitutes()
        recipients = {}
        for line in pending:
            users = reviewers.get(line.department_id.id, self.env["res.users"]) | substitutes[line.id].filtered(
                lambda user, line=line: user.active and line.company_id in user.company_ids
            ).with_env(self.env)
            users = users.filtered(lambda user, line=line: user.email and not line._crr_four_eyes_blocks(user))
            if users:
                recipients[line] = users
        return recipients

    def _crr_review_request_mail_vals(self, user, qweb=None):
        """The values of the review request mail of the line to ``user``, in their language."""
        self.ensure_one()
        line = self.with_context(lang=user.lang or self.env.lang)
        subject = line._crr_subject()
        urls = self.env["crr.review.link"]._crr_link_urls(line, user)
        link_days = self.env["crr.review.link"]._crr_link_days(line.company_id)
        lang_env = line.env
        request_text = lang_env._(
            "%(requester)s asks the %(department)s department to review %(subject)s.",
            requester=line.requested_by_id.name or "",
            department=line.department_id.name or "",
            subject=subject.display_name or "",
        )
        if line.deadline:
            request_text += " " + lang_env._(
                "Please decide by %(deadline)s.", deadline=format_date(lang_env, line.deadline)
            )
        texts = {
            "greeting": lang_env._("Dear %(name)s,", name=user.name),
            "request": request_text,
            "footer": lang_env._(
                "Each button opens a page with the order summary where you confirm your decision (nothing is "
                "decided by the click alone). The links are yours only: they work once, for %(days)s days, while "
                "you are logged in to Odoo as %(login)s.",
                days=link_days,
                login=user.login,
            ),
        }
        body = (qweb or self.env["ir.qweb"]).with_context(lang=user.lang or self.env.lang)._render(
            "customer_requirement_review.crr_review_request_mail",
            {
                "line": line,
                "subject_record": subject,
                "order": line.order_id,
                "user": user,
                "urls": urls,
                "texts": texts,
                "form_url": f"{line.get_base_url()}/odoo/crr.review.line/{line.id}",
            },
            minimal_qcontext=True,
        )
        company = line.company_id
        return {
            "subject": subject._crr_review_activity_summary(),
            "body_html": body,
            "email_from": line.requested_by_id.email_formatted or company.email_formatted or False,
            "author_id": line.requested_by_id.partner_id.id or company.partner_id.id,
            "recipient_ids": [(4, user.partner_id.id)],
            # not a message of the line's chatter: the links are the reviewer's own
            "auto_delete": True,
            "message_type": "email_outgoing",
        }

    def _crr_send_review_request_mails(self, reviewers=None):
        """Queue one review request mail per reviewer of each pending line (one batch create; the mail queue
        sends them). ``reviewers``: as ``_crr_review_mail_recipients``."""
        recipients = self._crr_review_mail_recipients(reviewers=reviewers)
        if not recipients:
            return self.env["mail.mail"]
        qweb = self.env["ir.qweb"].sudo()
        # what the mails read of their recipients, for all of them at once (not one user and partner at a time)
        users = self.env["res.users"].sudo().union(*recipients.values())
        users.fetch(["login", "partner_id"])
        users.partner_id.fetch(["name", "email", "lang"])
        vals_list = [
            line.sudo()._crr_review_request_mail_vals(user, qweb=qweb)
            for line, users in recipients.items()
            for user in users
        ]
        return self.env["mail.mail"].sudo().create(vals_list)
