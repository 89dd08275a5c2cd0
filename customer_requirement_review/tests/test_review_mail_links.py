import datetime
import re
from urllib.parse import urlsplit

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_review import CrrReviewCommon


@tagged("post_install", "-at_install")
class TestReviewMailLinks(CrrReviewCommon, HttpCase):
    """Deciding from the review request mail: signed, expiring, single-use links of one reviewer and one
    line; the page shows the order and records the decision through the line's own actions, on POST only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Link = cls.env["crr.review.link"]
        cls.sales = cls.dep["sales"]
        cls.reviewer = cls.reviewers["sales"]
        cls.colleague = new_test_user(
            cls.env, login="crr_t_rev_sales_two", groups="customer_requirement_review.group_crr_reviewer",
            name="Second Sales Reviewer",
        )
        cls.sales.user_ids = [Command.link(cls.colleague.id)]
        cls.company.crr_review_link_days = 7

    def _request(self):
        order = self._order(products=[self.service], commitment_date=fields.Datetime.now())
        self.env["crr.requirement"].create(
            {"order_id": order.id, "name": "Installation within two weeks", "department_id": self.sales.id,
             "response": "comply"}
        )
        order.with_user(self.salesperson).action_request_review()
        line = order._crr_round_lines().filtered(lambda line: line.department_id == self.sales)
        self.assertEqual(line.state, "pending")
        return order, line

    def _token(self, line, user, **kwargs):
        return self.Link._crr_issue_token(line, user, **kwargs)

    def _snapshot(self, line):
        self._flush_tracking()
        return (line.state, line.reviewer_id, line.opinion, line.conditions, len(line.message_ids),
                self.Link.sudo().search_count([]))

    def _csrf(self, text):
        return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)

    def _open(self, token, decision="approve"):
        return self.url_open(f"/crr/review/link/{token}?decision={decision}")

    def _decide(self, token, decision, opinion="", conditions="", csrf=None):
        if csrf is None:
            csrf = self._csrf(self.url_open("/web/login").text)
        return self.url_open(
            f"/crr/review/link/{token}/decide",
            data={"csrf_token": csrf, "decision": decision, "opinion": opinion, "conditions": conditions},
        )

    def _refused(self, response, code):
        self.assertIn(f'data-code="{code}"', response.text, response.text[-3000:])
        self.assertIn("Nothing was recorded.", response.text)

    # -- the mail ---------------------------------------------------------------------------------------
    def test_mail_carries_each_reviewers_own_links(self):
        order, line = self._request()
        mails = self.env["mail.mail"].search([("subject", "=", f"Review {order.name}")])
        self.assertEqual(mails.recipient_ids, (self.reviewer | self.colleague).partner_id)
        self.assertEqual(len(mails), 2)
        for user, other in ((self.reviewer, self.colleague), (self.colleague, self.reviewer)):
            mail = mails.filtered(lambda m, user=user: m.recipient_ids == user.partner_id)
            body = str(mail.body_html)
            tokens = set(re.findall(r"/crr/review/link/([\w.]+)\?decision=(\w+)", body))
            self.assertEqual({decision for _token, decision in tokens}, {"approve", "conditions", "reject"})
            self.assertEqual(len({token for token, _decision in tokens}), 1, "one token for the three choices")
            token = tokens.pop()[0]
            self.assertTrue(token.startswith(f"{line.id}.{user.id}.{line.round}."))
            self.assertNotIn(f"/crr/review/link/{line.id}.{other.id}.", body)
        # the links are not in the line's chatter
        self.assertNotIn("/crr/review/link/", "".join(str(body) for body in line.message_ids.mapped("body")))

    def test_no_mail_for_the_requester_blocked_by_four_eyes(self):
        self.sales.user_ids = [Command.link(self.salesperson.id)]
        self.salesperson.group_ids = [Command.link(self.env.ref("customer_requirement_review.group_crr_reviewer").id)]
        order, _line = self._request()
        mails = self.env["mail.mail"].search([("subject", "=", f"Review {order.name}")])
        self.assertNotIn(self.salesperson.partner_id, mails.recipient_ids)
        self.assertIn(self.reviewer.partner_id, mails.recipient_ids)

    def test_substitute_of_an_absent_reviewer_gets_the_mail(self):
        """The substitute in force of an absent reviewer gets the mail with their own links (and decides with
        them); a substitution that ended, that is archived or of another department sends nothing."""
        today = fields.Date.today()
        Substitute = self.env["crr.review.substitute"]
        substitute = self.reviewers["technical"]
        ended, archived, elsewhere = (
            new_test_user(self.env, login=f"crr_t_sub_{name}", groups="customer_requirement_review.group_crr_reviewer")
            for name in ("ended", "archived", "elsewhere")
        )
        Substitute.create([
            {"user_id": self.reviewer.id, "substitute_id": substitute.id, "date_from": today, "date_to": today},
            {"user_id": self.reviewer.id, "substitute_id": ended.id,
             "date_from": today - datetime.timedelta(days=9), "date_to": today - datetime.timedelta(days=1)},
            {"user_id": self.reviewer.id, "substitute_id": archived.id, "date_from": today, "date_to": today,
             "active": False},
            {"user_id": self.reviewer.id, "substitute_id": elsewhere.id, "date_from": today, "date_to": today,
             "department_ids": [Command.set(self.dep["finance"].ids)]},
        ])
        order, line = self._request()
        mails = self.env["mail.mail"].search([("subject", "=", f"Review {order.name}")])
        self.assertEqual(mails.recipient_ids, (self.reviewer | self.colleague | substitute).partner_id)
        mail = mails.filtered(lambda m: m.recipient_ids == substitute.partner_id)
        token = re.search(r"/crr/review/link/([\w.]+)\?decision=approve", str(mail.body_html)).group(1)
        self.assertTrue(token.startswith(f"{line.id}.{substitute.id}.{line.round}."))
        # the substitute's link decides for the absent reviewer
        self.authenticate(substitute.login, substitute.login)
        page = self._open(token)
        response = self._decide(token, "approve", opinion="Approved as substitute", csrf=self._csrf(page.text))
        self.assertIn("o_crr_review_link_done", response.text)
        self.env.invalidate_all()
        self.assertEqual((line.state, line.reviewer_id), ("approved", substitute))

    # -- deciding -------------------------------------------------------------------------------------
    def test_approve_through_the_link_then_reuse_refused(self):
        order, line = self._request()
        token = self._token(line, self.reviewer)
        self.authenticate(self.reviewer.login, self.reviewer.login)
        before = self._snapshot(line)
        page = self._open(token)
        self.assertEqual(page.status_code, 200)
        for text in (order.name, order.partner_id.name, "Installation", "Installation within two weeks",
                     "Record my decision"):
            self.assertIn(text, page.text)
        self.assertEqual(self._snapshot(line), before, "GET decided something")
        # a POST without the session's CSRF token decides nothing
        response = self.url_open(f"/crr/review/link/{token}/decide", data={"decision": "approve"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._snapshot(line), before, "a POST without CSRF token decided")
        response = self._decide(token, "approve", csrf=self._csrf(page.text))
        self.assertIn("o_crr_review_link_done", response.text)
        self.env.invalidate_all()
        self.assertEqual(line.state, "approved")
        self.assertEqual(line.reviewer_id, self.reviewer)
        used = self.Link.sudo().search([("line_id", "=", line.id)])
        self.assertEqual((used.user_id, used.decision, used.round), (self.reviewer, "approve", line.round))

        # used once: the same link refuses, even after a manager reopened the line
        self._refused(self._open(token), "used")
        line.with_user(self.manager).action_reopen(reason="Price changed")
        before = self._snapshot(line)
        self._refused(self._decide(token, "approve"), "used")
        self.assertEqual(self._snapshot(line), before)
        self.assertEqual(line.state, "pending")

    def test_approve_with_conditions_and_reject(self):
        _order, line = self._request()
        token = self._token(line, self.reviewer)
        self.authenticate(self.reviewer.login, self.reviewer.login)
        # conditions required: the page says so and nothing is written
        before = self._snapshot(line)
        response = self._decide(token, "conditions", opinion="Fine")
        self.assertIn("o_crr_review_link_error", response.text)
        self.assertIn("Write the conditions of your approval.", response.text)
        self.assertEqual(self._snapshot(line), before)
        response = self._decide(token, "conditions", opinion="Fine with a deposit", conditions="30% deposit")
        self.assertIn("o_crr_review_link_done", response.text)
        self.env.invalidate_all()
        # approved (with conditions: a state of its own where the engine has one)
        self.assertNotIn(line.state, ("pending", "waiting", "rejected", "superseded"))
        self.assertEqual((line.opinion, line.conditions), ("Fine with a deposit", "30% deposit"))

        order2, line2 = self._request()
        token2 = self._token(line2, self.colleague)
        self.authenticate(self.colleague.login, self.colleague.login)
        before = self._snapshot(line2)
        response = self._decide(token2, "reject")
        self.assertIn("Write an opinion explaining why you reject.", response.text)
        self.assertEqual(self._snapshot(line2), before)
        response = self._decide(token2, "reject", opinion="No capacity in March")
        self.assertIn("o_crr_review_link_done", response.text)
        self.env.invalidate_all()
        self.assertEqual((line2.state, line2.reviewer_id, line2.opinion),
                         ("rejected", self.colleague, "No capacity in March"))
        self.assertEqual(order2.review_state, "rejected")

    # -- refusals -------------------------------------------------------------------------------------
    def test_validity_setting_is_bounded(self):
        for days in (0, -1, 31):
            with self.assertRaises(ValidationError):
                self.company.crr_review_link_days = days
        self.company.crr_review_link_days = 30
        self.assertEqual(self.Link._crr_link_days(self.company), 30)

    def test_validity_change_applies_at_once(self):
        """The validity is one of the review settings cached per company: a change is read by the next link."""
        self.assertEqual(self.Link._crr_link_days(self.company), 7)
        self.company.crr_review_link_days = 12
        self.assertEqual(self.Link._crr_link_days(self.company), 12)

    def test_forged_expired_and_other_users_links_refused(self):
        _order, line = self._request()
        token = self._token(line, self.reviewer)
        self.authenticate(self.reviewer.login, self.reviewer.login)
        before = self._snapshot(line)
        parts = token.split(".")
        forged = [
            ".".join([parts[0], parts[1], parts[2], str(int(parts[3]) + 86400 * 30), parts[4], parts[5]]),
            ".".join([parts[0], parts[1], parts[2], parts[3], parts[4], parts[5][:-1] + ("0" if parts[5][-1] != "0" else "1")]),
            ".".join([str(line.id + 1), *parts[1:]]),
            "garbage",
            token + ".1",
        ]
        for bad in forged:
            response = self._open(bad)
            self.assertEqual(response.status_code, 403, bad)
            self._refused(response, "invalid")
            self._refused(self._decide(bad, "approve"), "invalid")
        expired = self._token(line, self.reviewer, now=fields.Datetime.now() - datetime.timedelta(days=8))
        self._refused(self._open(expired), "expired")
        self._refused(self._decide(expired, "approve"), "expired")
        # the colleague's link, opened by the reviewer
        theirs = self._token(line, self.colleague)
        response = self._open(theirs)
        self.assertEqual(response.status_code, 403)
        self._refused(response, "other_user")
        self._refused(self._decide(theirs, "reject", opinion="Not mine"), "other_user")
        self.assertEqual(self._snapshot(line), before)

    def test_superseded_and_decided_lines_refused(self):
        order, line = self._request()
        token = self._token(line, self.reviewer)
        # decided in the form by the colleague
        line.with_user(self.colleague).action_approve()
        self.authenticate(self.reviewer.login, self.reviewer.login)
        before = self._snapshot(line)
        self._refused(self._open(token), "decided")
        self._refused(self._decide(token, "reject", opinion="Too late"), "decided")
        self.assertEqual(self._snapshot(line), before)

        # a pending line whose round ended: the quotation was cancelled, then its review requested again
        self.company.crr_review_link_days = 30
        order, line = self._request()
        token = self._token(line, self.reviewer)
        order.with_user(self.salesperson).action_cancel()
        self.env.invalidate_all()
        self.assertEqual(line.state, "superseded")
        before = self._snapshot(line)
        self._refused(self._open(token), "superseded")
        self._refused(self._decide(token, "approve"), "superseded")
        self.assertEqual(self._snapshot(line), before)
        order.with_user(self.salesperson).action_draft()
        order.with_user(self.salesperson).action_request_review()
        self.assertGreater(order._crr_review_round(), line.round)
        self._refused(self._open(token), "superseded")
        self.assertEqual(self._snapshot(line), before)

    def test_login_required_and_users_without_access(self):
        _order, line = self._request()
        token = self._token(line, self.reviewer)
        response = self.url_open(f"/crr/review/link/{token}?decision=reject", allow_redirects=False)
        self.assertIn(response.status_code, (301, 302, 303))
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/web/login")
        self.assertIn("redirect=", location.query)
        self.assertIn("crr", location.query)

        # a reviewer who left the department: no access to the line any more
        self.sales.user_ids = [Command.unlink(self.reviewer.id)]
        self.authenticate(self.reviewer.login, self.reviewer.login)
        before = self._snapshot(line)
        response = self._open(token)
        self.assertEqual(response.status_code, 403)
        self._refused(response, "no_access")
        self._refused(self._decide(token, "approve"), "no_access")
        self.assertEqual(self._snapshot(line), before)

        # a salesperson (not a reviewer) reads the line of their order but cannot decide it
        own = self._token(line, self.salesperson)
        self.authenticate(self.salesperson.login, self.salesperson.login)
        page = self._open(own)
        self.assertEqual(page.status_code, 200)
        response = self._decide(own, "approve", csrf=self._csrf(page.text))
        self.assertIn("o_crr_review_link_error", response.text)
        self.assertIn("Only reviewers", response.text)
        self.assertEqual(self._snapshot(line), before)

    def test_mail_and_page_in_the_reviewers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_requirement_review"], ["zh_CN"], overwrite=True)
        self.reviewer.lang = "zh_CN"
        order, line = self._request()
        mail = self.env["mail.mail"].search(
            [("subject", "!=", False), ("recipient_ids", "in", self.reviewer.partner_id.ids)]
        ).filtered(lambda m: f"/crr/review/link/{line.id}.{self.reviewer.id}." in str(m.body_html))
        self.assertEqual(len(mail), 1)
        self.assertIn("您好", str(mail.body_html))
        self.assertIn("有条件批准", str(mail.body_html))
        token = re.search(r"/crr/review/link/([\w.]+)\?", str(mail.body_html)).group(1)
        self.authenticate(self.reviewer.login, self.reviewer.login)
        page = self._open(token, "reject")
        self.assertIn("记录我的决定", page.text)
        self.assertIn(order.name, page.text)
