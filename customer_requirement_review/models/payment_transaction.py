from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """The customer paid a quotation online: the company's policy decides before Odoo confirms it.

        Sale confirms the one quotation of a transaction once the amount is reached. A quotation that needs its
        requirement review is confirmed before it (policy "confirm, then review"), exempt, or held: it stays a
        quotation, the payment stays recorded on the transaction, and the salesperson gets an activity. The
        held transactions are left out of the confirmation; nothing is refused, so the payment flow never fails
        because of the review.
        """
        held = self.browse()
        for tx in self:
            if len(tx.sale_order_ids) != 1:
                continue
            quotation = tx.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent"))
            if quotation and quotation._is_confirmation_amount_reached() \
                    and not quotation._crr_confirm_without_salesperson("payment"):
                held |= tx
        confirmed = super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
        return confirmed
