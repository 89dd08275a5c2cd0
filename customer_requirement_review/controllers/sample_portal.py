import binascii

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

PORTAL_SAMPLE_STATES = ("approved", "accepted", "rejected")


class CrrSamplePortal(CustomerPortal):
    """Customers see the samples sent to them and approve one by signing the sample approval form
    (样品承认书), or ask for a new sample, or reject it.

    Access goes through the portal user's own environment (ACL and record rules: their commercial
    partner's sample requests only) or the document's access token, before any sudo."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crr_sample_count" in counters:
            Sample = request.env["crr.sample.request"]
            values["crr_sample_count"] = (
                Sample.search_count(self._crr_sample_domain()) if Sample.has_access("read") else 0
            )
        return values

    def _crr_sample_domain(self):
        partner = request.env.user.partner_id
        return [
            ("partner_id", "child_of", [partner.commercial_partner_id.id]),
            ("state", "in", PORTAL_SAMPLE_STATES),
        ]

    @http.route(["/my/samples", "/my/samples/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_crr_samples(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Sample = request.env["crr.sample.request"]
        domain = self._crr_sample_domain()
        total = Sample.search_count(domain) if Sample.has_access("read") else 0
        pager = portal_pager(url="/my/samples", total=total, page=page, step=self._items_per_page)
        samples = Sample.search(domain, limit=self._items_per_page, offset=pager["offset"]) if total else Sample
        # the user may read these samples (searched as the user): their products are shown without the
        # product access portal users do not have
        values.update({"samples": samples.sudo(), "page_name": "crr_sample", "pager": pager, "default_url": "/my/samples"})
        return request.render("customer_requirement_review.portal_my_crr_samples", values)

    def _crr_sample_sudo(self, sample_id, access_token):
        sample_sudo = self._document_check_access("crr.sample.request", sample_id, access_token=access_token)
        if sample_sudo.state not in PORTAL_SAMPLE_STATES:
            raise MissingError(request.env._("This sample is not available."))
        return sample_sudo

    @http.route(["/my/samples/<int:sample_id>"], type="http", auth="public", website=True)
    def portal_crr_sample_page(self, sample_id, access_token=None, message=None, **kw):
        try:
            sample_sudo = self._crr_sample_sudo(sample_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            sample_sudo, access_token,
            {"sample": sample_sudo, "page_name": "crr_sample", "message": message},
            "my_crr_samples_history", False, **kw,
        )
        return request.render("customer_requirement_review.portal_crr_sample_page", values)

    @http.route(["/my/samples/<int:sample_id>/accept"], type="jsonrpc", auth="public", website=True)
    def portal_crr_sample_accept(self, sample_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        # a JSON-RPC client sends any type: the texts are texts, or the call is refused
        if any(value is not None and not isinstance(value, str) for value in (access_token, name, signature)):
            return {"error": request.env._("Invalid sample.")}
        try:
            sample_sudo = self._crr_sample_sudo(sample_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid sample.")}
        if not sample_sudo.can_sign:
            return {"error": request.env._("No sample of this request waits for your approval.")}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        if not (name or "").strip():
            return {"error": request.env._("Give your name.")}
        author = request.env.user.partner_id if not request.env.user._is_public() else sample_sudo.partner_id
        try:
            with request.env.cr.savepoint():
                sample_sudo.last_round_id._crr_set_verdict(
                    "approved", signed_by=name.strip(), signature=signature, author=author
                )
                request.env.cr.flush()
        except (TypeError, binascii.Error, ValueError):
            return {"error": request.env._("Invalid signature data.")}
        except UserError as exc:
            return {"error": str(exc)}
        pdf = request.env["ir.actions.report"].sudo()._render_qweb_pdf(
            "customer_requirement_review.action_report_crr_sample_approval", [sample_sudo.id]
        )[0]
        sample_sudo.message_post(
            attachments=[(f"{sample_sudo.name}.pdf", pdf)],
            author_id=author.id,
            body=request.env._("Sample approval form signed by %(name)s", name=name.strip()),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return {"force_refresh": True, "redirect_url": sample_sudo.get_portal_url(query_string="&message=sign_ok")}

    @http.route(["/my/samples/<int:sample_id>/decline"], type="http", auth="public", methods=["POST"], website=True)
    def portal_crr_sample_decline(self, sample_id, access_token=None, verdict=None, comments=None, **kw):
        try:
            sample_sudo = self._crr_sample_sudo(sample_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        comments = (comments or "").strip()
        if verdict not in ("rework", "rejected") or not comments or not sample_sudo.can_sign:
            return request.redirect(sample_sudo.get_portal_url(query_string="&message=decline_error"))
        author = request.env.user.partner_id if not request.env.user._is_public() else sample_sudo.partner_id
        sample_sudo.last_round_id._crr_set_verdict(verdict, comments=comments, author=author)
        return request.redirect(sample_sudo.get_portal_url(query_string="&message=decline_ok"))
