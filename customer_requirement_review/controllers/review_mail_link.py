from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.crr_review_link import LINK_DECISIONS, CrrReviewLinkRefused

# the order's flags the review rules use, shown on the decision page when set
RULE_FLAGS = (
    "crr_is_urgent", "crr_has_new_product", "crr_is_first_order", "crr_large_order", "crr_over_authority",
    "crr_low_margin", "crr_long_payment",
)


class CrrReviewMailLink(http.Controller):
    """The page a link of the review request mail opens: the order summary and the decision form.

    ``auth="user"``: a visitor who is not logged in is sent to the login page, then back here. GET only
    shows (mail scanners open links); the decision is a POST with the CSRF token, recorded by the line's
    own action methods as the logged-in user (``crr.review.link._crr_decide_by_link``); every refusal is
    a page saying why, with nothing written.
    """

    @http.route("/crr/review/link/<string:token>", type="http", auth="user", methods=["GET"], website=True)
    def crr_review_link(self, token, decision=None, **kwargs):
        self._crr_user_lang()
        Link = request.env["crr.review.link"]
        try:
            line, _nonce = Link._crr_check_token(token)
        except CrrReviewLinkRefused as refusal:
            return self._crr_refused(refusal)
        return self._crr_page(line, token, decision if decision in LINK_DECISIONS else "approve")

    @http.route(
        "/crr/review/link/<string:token>/decide", type="http", auth="user", methods=["POST"], website=True
    )
    def crr_review_link_decide(self, token, decision=None, opinion=None, conditions=None, **kwargs):
        self._crr_user_lang()
        Link = request.env["crr.review.link"]
        try:
            # nothing half-written: a refused decision rolls back everything it did
            with request.env.cr.savepoint():
                line = Link._crr_decide_by_link(token, decision, opinion=opinion, conditions=conditions)
        except CrrReviewLinkRefused as refusal:
            return self._crr_refused(refusal)
        except UserError as error:
            request.env.invalidate_all()
            try:
                line, _nonce = Link._crr_check_token(token)
            except CrrReviewLinkRefused as refusal:
                return self._crr_refused(refusal)
            return self._crr_page(
                line, token, decision if decision in LINK_DECISIONS else "approve",
                error=str(error.args[0]) if error.args else "", opinion=opinion, conditions=conditions,
            )
        return self._crr_done(line, decision)

    # -- pages --------------------------------------------------------------------------------------
    def _crr_user_lang(self):
        """The page in the reviewer's own language (as their mail), not the website's visitor language."""
        lang = request.env.user.lang
        if lang and lang != request.env.lang and lang in dict(request.env["res.lang"].get_installed()):
            request.update_context(lang=lang)
            if getattr(request, "lang", None) is not None:
                request.lang = request.env["res.lang"]._get_data(code=lang)

    def _crr_refused(self, refusal):
        return request.render(
            "customer_requirement_review.crr_review_link_refused",
            {"code": refusal.code, "message": str(refusal.args[0])},
            status=403 if refusal.code in ("invalid", "other_user", "no_access") else 200,
        )

    def _crr_line_values(self, line):
        """What the page shows of the line (read as superuser: the token and the user's read access to the
        line were checked by ``_crr_check_token``)."""
        line = line.sudo()
        env = request.env
        order = line.order_id
        values = {
            "line": line,
            "subject_record": line._crr_subject(),
            "order": order,
            "state_label": dict(line._fields["state"]._description_selection(env)).get(line.state, line.state),
            "order_lines": order.order_line.filtered(lambda ol: not ol.display_type),
            "flags": [],
            "requirements": [],
            "requirements_title": env._(
                "Requirements of the %(department)s department", department=line.department_id.name or ""
            ),
        }
        if order:
            values["flags"] = [
                order._fields[name]._description_string(env) for name in RULE_FLAGS
                if name in order._fields and order[name]
            ]
            categories = dict(env["crr.requirement"]._fields["category"]._description_selection(env))
            responses = dict(env["crr.requirement"]._fields["response"]._description_selection(env))
            values["requirements"] = [
                {
                    "name": requirement.name,
                    "category": categories.get(requirement.category, ""),
                    "response": responses.get(requirement.response, ""),
                    "note": requirement.response_note or "",
                    "deficiency_open": requirement.is_deficiency_open,
                }
                for requirement in order.requirement_ids.filtered(
                    lambda r: r.department_id == line.department_id
                )
            ]
        return values

    def _crr_page(self, line, token, decision, error=None, opinion=None, conditions=None):
        values = self._crr_line_values(line)
        values.update(
            {
                "token": token,
                "decision": decision,
                "error": error,
                "opinion": opinion if isinstance(opinion, str) else "",
                "conditions": conditions if isinstance(conditions, str) else "",
            }
        )
        return request.render("customer_requirement_review.crr_review_link_page", values)

    def _crr_done(self, line, decision):
        values = self._crr_line_values(line)
        values["decision"] = decision
        values["recorded_text"] = request.env._("Your decision was recorded: %(state)s.", state=values["state_label"])
        return request.render("customer_requirement_review.crr_review_link_done", values)
