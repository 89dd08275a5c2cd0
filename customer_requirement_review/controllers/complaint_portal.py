import logging
import math

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from ..models.crr_guard_mixin import CRR_MAX_CHAR, CRR_MAX_QUANTITY, CRR_MAX_TEXT

_logger = logging.getLogger(__name__)

PORTAL_CATEGORIES = ("quality", "delivery", "quantity", "packaging", "documentation", "service", "price", "other")
# photos and documents a customer may attach to a new complaint
PORTAL_MAX_FILES = 5
PORTAL_MAX_FILE_SIZE = 10 * 1024 * 1024
PORTAL_FILE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


class CrrComplaintPortal(CustomerPortal):
    """Customers list, open and follow their complaints on the portal.

    Access always goes through the portal user's own environment (ACL + record rules:
    their commercial partner's complaints only); the internal investigation fields are
    restricted to employees at field level and never rendered by these templates.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crr_complaint_count" in counters:
            Complaint = request.env["crr.complaint"]
            values["crr_complaint_count"] = (
                Complaint.search_count(self._crr_complaint_domain()) if Complaint.has_access("read") else 0
            )
        return values

    def _crr_complaint_domain(self):
        partner = request.env.user.partner_id
        return [("partner_id", "child_of", [partner.commercial_partner_id.id])]

    def _crr_portal_orders(self):
        """The confirmed orders of the portal user's company (the only ones a complaint may be opened on)."""
        partner = request.env.user.partner_id
        return request.env["sale.order"].search(
            [("partner_id", "child_of", [partner.commercial_partner_id.id]), ("state", "=", "sale")],
            order="date_order desc",
        )

    def _crr_portal_products(self, orders):
        """The products of the given orders' lines (the only ones a complaint may name), by order id."""
        # sudo: ``orders`` were searched with the customer's own rights; a portal user may not read products
        lines = request.env["sale.order.line"].sudo().search(
            [("order_id", "in", orders.ids), ("product_id", "!=", False), ("display_type", "=", False)]
        )
        products = {}
        for line in lines:
            products.setdefault(line.order_id.id, line.product_id.browse())
            products[line.order_id.id] |= line.product_id
        return products

    def _crr_portal_files(self):
        """The uploaded files of the form, checked: ``[(name, content, mimetype)]``; raises UserError."""
        env = request.env
        files = [f for f in request.httprequest.files.getlist("attachments") if f and f.filename]
        if len(files) > PORTAL_MAX_FILES:
            raise UserError(env._("Attach at most %(count)s files.", count=PORTAL_MAX_FILES))
        result = []
        for upload in files:
            content = upload.read(PORTAL_MAX_FILE_SIZE + 1)
            if len(content) > PORTAL_MAX_FILE_SIZE:
                raise UserError(
                    env._("The file %(name)s is larger than %(size)s MB.", name=upload.filename,
                          size=PORTAL_MAX_FILE_SIZE // (1024 * 1024))
                )
            mimetype = guess_mimetype(content)
            if mimetype not in PORTAL_FILE_TYPES:
                raise UserError(
                    env._("The file %(name)s is not a photo (JPEG, PNG, GIF, WebP) or a PDF.", name=upload.filename)
                )
            result.append((upload.filename, content, mimetype))
        return result

    @http.route(["/my/complaints/<int:complaint_id>/acceptance"], type="http", auth="user", website=True,
                methods=["POST"])
    def portal_crr_complaint_acceptance(self, complaint_id, accepted=None, comment=None, **kw):
        """The customer accepts (or does not accept) the reply to the complaint."""
        try:
            complaint_sudo = self._document_check_access("crr.complaint", complaint_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if request.env.user.share is False or accepted not in ("1", "0"):
            return request.redirect(complaint_sudo.get_portal_url())
        try:
            complaint_sudo._crr_portal_set_acceptance(accepted == "1", comment=(comment or "").strip()[:2000])
        except (UserError, ValidationError) as exc:
            # nothing to accept any more (e.g. closed meanwhile): the page shows the current state
            _logger.info("Complaint %s: acceptance not recorded: %s", complaint_id, exc)
        return request.redirect(complaint_sudo.get_portal_url())

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_crr_complaints(self, page=1, sortby=None, **kw):
        values = self._prepare_portal_layout_values()
        Complaint = request.env["crr.complaint"]
        domain = self._crr_complaint_domain()
        searchbar_sortings = {
            "date": {"label": request.env._("Newest"), "order": "date_received desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date_received desc"},
        }
        sortby = sortby if sortby in searchbar_sortings else "date"
        total = Complaint.search_count(domain) if Complaint.has_access("read") else 0
        pager = portal_pager(
            url="/my/complaints", url_args={"sortby": sortby}, total=total, page=page, step=self._items_per_page
        )
        complaints = (
            Complaint.search(
                domain, order=searchbar_sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
            )
            if total
            else Complaint
        )
        values.update(
            {
                "complaints": complaints,
                "page_name": "crr_complaint",
                "pager": pager,
                "default_url": "/my/complaints",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("customer_requirement_review.portal_my_crr_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_crr_complaint_page(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access("crr.complaint", complaint_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint_sudo, access_token, {"complaint": complaint_sudo, "page_name": "crr_complaint"},
            "my_crr_complaints_history", False, **kw,
        )
        return request.render("customer_requirement_review.portal_crr_complaint_page", values)

    def _crr_new_values(self, error=None, form=None):
        values = self._prepare_portal_layout_values()
        categories = dict(request.env["crr.complaint"]._fields["category"]._description_selection(request.env))
        orders = self._crr_portal_orders()
        products = self._crr_portal_products(orders)
        all_products = request.env["product.product"].browse()
        for order_products in products.values():
            all_products |= order_products
        values.update(
            {
                "page_name": "crr_complaint_new",
                "orders": orders,
                "order_products": products,
                "products": all_products,
                # the acknowledgement deadline of a new portal complaint (severity minor until triaged)
                "reply_hours": request.env.company.crr_complaint_ack_hours_minor,
                "categories": [(key, categories[key]) for key in PORTAL_CATEGORIES],
                "error": error,
                "form": form or {},
            }
        )
        return values

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True, methods=["GET"])
    def portal_crr_complaint_new(self, order_id=None, **kw):
        form = {"order_id": order_id} if order_id else {}
        return request.render("customer_requirement_review.portal_crr_complaint_new", self._crr_new_values(form=form))

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True, methods=["POST"])
    def portal_crr_complaint_create(self, **post):
        env = request.env
        if env.user.share is False:
            # employees use the back office
            return request.redirect("/odoo/complaints")
        form = {
            key: post.get(key, "")
            for key in ("order_id", "product_id", "subject", "category", "description", "affected_qty")
        }
        error = None
        try:
            order_id = int(post.get("order_id") or 0)
        except ValueError:
            order_id = 0
        # the order must be one of the user's own confirmed orders (checked again by record rules and constraints)
        order = self._crr_portal_orders().filtered(lambda o: o.id == order_id)
        subject = (post.get("subject") or "").strip()
        description = post.get("description") or ""
        category = post.get("category") or "other"
        try:
            affected_qty = float(post.get("affected_qty") or 0.0)
        except ValueError:
            affected_qty = -1.0
        try:
            product_id = int(post.get("product_id") or 0)
        except ValueError:
            product_id = -1
        product = env["product.product"].browse()
        if order and product_id:
            product = self._crr_portal_products(order).get(order.id, product).filtered(lambda p: p.id == product_id)
        files = []
        if not order:
            error = env._("Choose one of your own confirmed orders.")
        elif product_id and not product:
            error = env._("Choose a product of the selected order.")
        elif not subject:
            error = env._("Give your complaint a short subject.")
        elif len(subject) > CRR_MAX_CHAR:
            error = env._("Keep the subject under %(max)s characters; describe the details below.", max=CRR_MAX_CHAR)
        elif len(description) > CRR_MAX_TEXT:
            error = env._(
                "Keep the description under %(max)s characters; attach documents in the conversation of the "
                "complaint once it is sent.",
                max=CRR_MAX_TEXT,
            )
        elif category not in PORTAL_CATEGORIES:
            error = env._("Choose the kind of problem from the list.")
        elif not (math.isfinite(affected_qty) and 0 <= affected_qty <= CRR_MAX_QUANTITY):
            error = env._(
                "The affected quantity must be a number between 0 and %(max)s, e.g. 12.", max=f"{CRR_MAX_QUANTITY:g}"
            )
        if not error:
            try:
                files = self._crr_portal_files()
            except UserError as exc:
                error = str(exc)
        if error:
            response = request.render(
                "customer_requirement_review.portal_crr_complaint_new", self._crr_new_values(error=error, form=form)
            )
            response.status_code = 400
            return response
        partner = env.user.partner_id
        try:
            complaint = env["crr.complaint"].create(
                {
                    "subject": subject,
                    "order_id": order.id,
                    "product_id": product.id,
                    "partner_id": partner.commercial_partner_id.id,
                    "contact_id": partner.id,
                    "email_from": partner.email,
                    "category": category,
                    "affected_qty": affected_qty,
                    "description": plaintext2html(post.get("description") or ""),
                    "company_id": order.company_id.id,
                }
            )
        except (AccessError, UserError) as exc:
            return request.render(
                "customer_requirement_review.portal_crr_complaint_new",
                self._crr_new_values(error=str(exc), form=form),
            )
        if files:
            # sudo: a portal user creates no attachments itself. They are created as pending attachments of
            # the customer (created by them, on the composer model), which message_post moves to the
            # complaint: mail refuses a portal author attachments that are not their own pending ones.
            attachments = env["ir.attachment"].sudo().create(
                [
                    {"name": name, "raw": content, "mimetype": mimetype, "res_model": "mail.compose.message",
                     "res_id": 0}
                    for name, content, mimetype in files
                ]
            )
            complaint.sudo().message_post(
                body=env._("Photos and documents sent with the complaint."),
                attachment_ids=attachments.ids,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return request.redirect(complaint.get_portal_url())
