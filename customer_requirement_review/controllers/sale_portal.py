from odoo import http
from odoo.addons.sale.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class CrrCustomerPortal(CustomerPortal):
    """Refuse the portal signature of a quotation whose requirement review is not approved."""

    @http.route()
    def portal_quote_accept(self, order_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return super().portal_quote_accept(order_id, access_token=access_token, name=name, signature=signature)
        if order_sudo._crr_portal_blocked():
            return {
                "error": request.env._(
                    "This quotation is still being reviewed by our company and cannot be signed yet. "
                    "Your contact will send it again once the review is finished."
                )
            }
        return super().portal_quote_accept(order_id, access_token=access_token, name=name, signature=signature)
