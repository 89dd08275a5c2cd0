"""Signed, expiring, single-use links of the review request mail (decide from the e-mail).

A link names one review line, one reviewer, the line's round, an expiry and a random nonce, signed with
an HMAC of the database secret (``odoo.tools.misc.hmac``). Nothing is stored when a link is issued: a
``crr.review.link`` row is written when a link is *used* (its nonce is unique), so that a link decides
once; the rows are kept as the record of the decisions taken from the e-mail.
"""

import datetime
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import consteq, hmac

from .crr_record_guard_mixin import crr_scope
from .crr_review_mixin import OPEN_LINE_STATES

LINK_SCOPE = "customer_requirement_review.review_link"
LINK_ACTION = "the decision page of the review request mail (/crr/review/link)"
# the choices of a link: the decision page opens on the one clicked in the mail
LINK_DECISIONS = ("approve", "conditions", "reject")
# bounds of the company's validity of the links, in days
LINK_MIN_DAYS = 1
LINK_MAX_DAYS = 30


class CrrReviewLinkRefused(UserError):
    """A link that does not decide: ``code`` says why (invalid, other_user, expired, used, superseded,
    decided, closed, no_access); the message says it to the user."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class CrrReviewLink(models.Model):
    _name = "crr.review.link"
    _description = "Review Decision from the E-mail"
    _inherit = ["crr.record.guard.mixin"]
    _order = "used_date desc, id desc"
    _rec_name = "line_id"

    _crr_action_fields = {
        "nonce": LINK_ACTION,
        "line_id": LINK_ACTION,
        "user_id": LINK_ACTION,
        "round": LINK_ACTION,
        "decision": LINK_ACTION,
        "used_date": LINK_ACTION,
    }

    nonce = fields.Char(required=True, readonly=True)
    # ondelete restrict: the record of a decision is never deleted with its line (lines are kept anyway)
    line_id = fields.Many2one("crr.review.line", string="Review Line", required=True, readonly=True,
                              index=True, ondelete="restrict")
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Reviewer", required=True, readonly=True, ondelete="restrict")
    round = fields.Integer(readonly=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("conditions", "Approve with Conditions"), ("reject", "Reject")],
        required=True,
        readonly=True,
    )
    used_date = fields.Datetime(string="Used On", required=True, readonly=True)

    _nonce_uniq = models.UniqueIndex("(nonce)", "A link of the review request mail decides only once.")

    def _crr_kept_message(self):
        if self:
            return self.env._("The decisions taken from the review request mail are kept and cannot be deleted.")
        return None

    # -- issuing ------------------------------------------------------------------------------------
    @api.model
    def _crr_sign(self, line_id, user_id, round_no, expiry, nonce):
        return hmac(self.env(su=True), LINK_SCOPE, (int(line_id), int(user_id), int(round_no), int(expiry), nonce))

    @api.model
    def _crr_link_days(self, company):
        days = company._crr_review_setting("crr_review_link_days") or 0
        return min(max(days, LINK_MIN_DAYS), LINK_MAX_DAYS)

    @api.model
    def _crr_issue_token(self, line, user, now=None):
        """A new token of ``user`` for ``line`` (its current round), valid for the company's days."""
        now = now or fields.Datetime.now()
        expiry = int((now + datetime.timedelta(days=self._crr_link_days(line.company_id)))
                     .replace(tzinfo=datetime.UTC).timestamp())
        nonce = secrets.token_hex(12)
        signature = self._crr_sign(line.id, user.id, line.round, expiry, nonce)
        return f"{line.id}.{user.id}.{line.round}.{expiry}.{nonce}.{signature}"

    @api.model
    def _crr_link_urls(self, line, user, now=None):
        """``{decision: absolute url}`` of the links of one mail (one token for the three choices)."""
        token = self._crr_issue_token(line, user, now=now)
        base = line.get_base_url()
        return {decision: f"{base}/crr/review/link/{token}?decision={decision}" for decision in LINK_DECISIONS}

    # -- checking -------------------------------------------------------------------------------------
    @api.model
    def _crr_parse(self, token):
        """``(line_id, user_id, round, expiry, nonce)`` of a well-signed token, or a refusal (invalid)."""
        invalid = CrrReviewLinkRefused(
            "invalid",
            self.env._(
                "This link is not valid: it is incomplete or was changed. Open the review line in Odoo, or use "
                "the link of the latest review request mail."
            ),
        )
        parts = token.split(".") if isinstance(token, str) and len(token) < 300 else []
        if len(parts) != 6 or not all(part.isdigit() for part in parts[:4]):
            raise invalid
        line_id, user_id, round_no, expiry = (int(part) for part in parts[:4])
        nonce, signature = parts[4], parts[5]
        if not nonce.isalnum() or not consteq(signature, self._crr_sign(line_id, user_id, round_no, expiry, nonce)):
            raise invalid
        return line_id, user_id, round_no, expiry, nonce

    @api.model
    def _crr_check_token(self, token):
        """The line of a link the current user may decide now; otherwise a ``CrrReviewLinkRefused`` saying
        why. Checks the signature, the user, the expiry, the single use, the round and the line's state (the
        decision itself checks the department, substitute, four-eyes and the subject's prerequisites)."""
        line_id, user_id, round_no, expiry, nonce = self._crr_parse(token)
        if user_id != self.env.uid:
            raise CrrReviewLinkRefused(
                "other_user",
                self.env._(
                    "This link was sent to another user. Log in as the reviewer it was sent to, or open your own "
                    "review lines in Odoo."
                ),
            )
        now = fields.Datetime.now()
        if now.replace(tzinfo=datetime.UTC).timestamp() >= expiry:
            raise CrrReviewLinkRefused(
                "expired",
                self.env._(
                    "This link expired on %(date)s. Open the review line in Odoo to decide it.",
                    date=fields.Datetime.to_string(
                        datetime.datetime.fromtimestamp(expiry, datetime.UTC).replace(tzinfo=None)
                    ),
                ),
            )
        Line = self.env["crr.review.line"]
        line = Line.browse(line_id)
        # the user's own rights first (record rules, company): the page shows the order after this check only
        try:
            Line._crr_check_records(line, "read")
        except UserError as error:  # AccessError, MissingError
            raise CrrReviewLinkRefused(
                "no_access",
                self.env._("You have no access to this review line: %(error)s", error=str(error.args[0])),
            ) from error
        used = self.sudo().search([("nonce", "=", nonce)], limit=1)
        if used:
            raise CrrReviewLinkRefused(
                "used",
                self.env._(
                    "This link was already used on %(date)s: a link of the review request mail decides only once. "
                    "Open the review line in Odoo.",
                    date=fields.Datetime.to_string(used.used_date),
                ),
            )
        line = line.sudo()
        subject = line._crr_subject()
        if round_no != line.round or line.round != subject._crr_review_round() or line.state == "superseded":
            raise CrrReviewLinkRefused(
                "superseded",
                self.env._(
                    "This link belongs to a review round of %(subject)s that has ended: the review was requested "
                    "again or closed, and this round takes no more decisions. Use the link of the latest review "
                    "request mail, or open the review in Odoo.",
                    subject=subject.display_name,
                ),
            )
        state_labels = dict(line._fields["state"]._description_selection(self.env))
        if line.state not in OPEN_LINE_STATES:
            raise CrrReviewLinkRefused(
                "decided",
                self.env._(
                    "The review line %(line)s is already decided (%(state)s by %(reviewer)s): nothing was "
                    "changed.",
                    line=line.display_name,
                    state=state_labels.get(line.state, line.state),
                    reviewer=line.reviewer_id.name or "",
                ),
            )
        if line.state != "pending" or not line._crr_decision_open():
            raise CrrReviewLinkRefused(
                "closed",
                self.env._(
                    "The review line %(line)s does not take a decision now (%(state)s).",
                    line=line.display_name,
                    state=state_labels.get(line.state, line.state),
                ),
            )
        return line.with_env(self.env), nonce

    # -- deciding -------------------------------------------------------------------------------------
    @api.model
    def _crr_decide_by_link(self, token, decision, opinion=None, conditions=None):
        """Record the decision of a link as the current user, through the line's own action methods (the
        same checks as the form), and use the link up. Raises a UserError (nothing written) when refused."""
        if decision not in LINK_DECISIONS:
            raise UserError(self.env._("Choose Approve, Approve with Conditions or Reject."))
        line, nonce = self._crr_check_token(token)
        opinion = self._crr_text_arg_link(opinion, self.env._("opinion"))
        conditions = self._crr_text_arg_link(conditions, self.env._("conditions"))
        if decision == "reject":
            if not opinion:
                raise UserError(self.env._("Write an opinion explaining why you reject."))
            line.action_reject(opinion=opinion)
        elif decision == "conditions":
            if not conditions:
                raise UserError(self.env._("Write the conditions of your approval."))
            line.action_approve(opinion=opinion or None, conditions=conditions)
        else:
            line.action_approve(opinion=opinion or None)
        with crr_scope():
            self.sudo().create(
                {
                    "nonce": nonce,
                    "line_id": line.id,
                    "user_id": self.env.uid,
                    "round": line.sudo().round,
                    "decision": decision,
                    "used_date": fields.Datetime.now(),
                }
            )
        return line

    @api.model
    def _crr_text_arg_link(self, value, label):
        value = self.env["crr.review.line"]._crr_text_arg(value or None, label)
        return (value or "").strip() or None
