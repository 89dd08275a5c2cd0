from odoo import api, fields, models
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "crr.record.guard.mixin"]
    _crr_action_fields = {
        "crr_late_risk": "the daily check of shipments (scheduled action \"Delivery: flag deliveries that will miss "
        "their date\")",
        "crr_complaint_return_id": "Create Return Picking of the complaint's return",
    }

    crr_promised_date = fields.Date(
        string="Promised Date",
        compute="_compute_crr_promised_date",
        store=True,
        index="btree_not_null",
        help="Earliest promised date of the order lines this delivery serves.",
    )
    crr_late_risk = fields.Boolean(
        string="Will Miss Its Date",
        readonly=True,
        index=True,
        copy=False,
        help="Set by the daily check of shipments: this delivery is not done and is scheduled after its promised "
        "date, or the promised date has passed.",
    )
    crr_complaint_return_id = fields.Many2one(
        "crr.complaint.return", string="Complaint Return", readonly=True, index="btree_not_null", copy=False
    )
    crr_complaint_id = fields.Many2one(related="crr_complaint_return_id.complaint_id", string="Complaint", tracking=False)
    crr_countermeasure_ids = fields.One2many("crr.delivery.countermeasure", "picking_id", string="Delay Countermeasures")

    @api.model_create_multi
    def create(self, vals_list):
        # values that are not dictionaries are refused before Inventory's own create reads them
        self._crr_check_values_shape(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._crr_check_values_shape([vals])
        return super().write(vals)

    @api.depends("move_ids.sale_line_id.crr_promised_date")
    def _compute_crr_promised_date(self):
        for picking in self:
            dates = [date for date in picking.move_ids.sale_line_id.mapped("crr_promised_date") if date]
            picking.crr_promised_date = min(dates) if dates else False

    crr_review_held = fields.Boolean(
        string="Held for Review", compute="_compute_crr_review_held",
        help="The order was confirmed before its requirement review (paid or confirmed online): the delivery "
        "cannot be validated until the review is approved.",
    )

    @api.depends("sale_id.crr_online_state", "sale_id.state")
    def _compute_crr_review_held(self):
        for picking in self:
            picking.crr_review_held = (
                picking.picking_type_code == "outgoing" and bool(picking.sale_id)
                and picking.sale_id._crr_delivery_held()
            )

    def _crr_check_review_hold(self):
        held = self.filtered("crr_review_held")
        if held:
            raise UserError(
                self.env._(
                    "%(picking)s is held: its order %(order)s was confirmed before its requirement review. Validate the "
                    "delivery once the review is approved (the order's Review page says who is still to decide).",
                    picking=held[0].name,
                    order=held[0].sale_id.name,
                )
            )

    def button_validate(self):
        self.env["crr.guard.mixin"]._crr_check_ids(self)
        self._crr_check_review_hold()
        return super().button_validate()

    def _action_done(self):
        result = super()._action_done()
        self.sudo()._crr_after_done()
        return result

    def _crr_after_done(self):
        """Validated deliveries: open a delay countermeasure for a late or short one. Validated returns of a
        complaint: the return's goods are received."""
        for picking in self:
            if picking.crr_complaint_return_id:
                picking.crr_complaint_return_id._crr_goods_received()
            if picking.picking_type_code != "outgoing" or not picking.sale_id or picking.return_id:
                continue
            lines = picking.move_ids.filtered(lambda m: m.state == "done").sale_line_id
            if not lines:
                continue
            done_on = picking.company_id._crr_local_date(picking.date_done)
            late = lines.browse([line.id for line in lines if line.crr_promised_date and done_on > line.crr_promised_date])
            short = lines.filtered(lambda line: line.crr_delivery_state == "short")
            if picking.crr_late_risk:
                with crr_scope():
                    picking.crr_late_risk = False
            if late or short:
                self.env["crr.delivery.countermeasure"]._crr_open_for_picking(picking, late, short)

    @api.model
    def _cron_crr_flag_late_pickings(self):
        """Daily check of shipments (物流部每日查询出货情况): flag open deliveries that will miss their promised
        date (scheduled after it, or the date is past) and give their responsible a to-do; clear the flag of
        those back on time."""
        pickings = self.sudo().search([
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
            ("sale_id", "!=", False),
            ("crr_promised_date", "!=", False),
        ])
        newly = self.browse()
        back = self.browse()
        for picking in pickings:
            today = fields.Date.context_today(picking)
            scheduled = picking.company_id._crr_local_date(picking.scheduled_date)
            at_risk = picking.crr_promised_date < today or (scheduled and scheduled > picking.crr_promised_date)
            if at_risk and not picking.crr_late_risk:
                newly |= picking
            elif not at_risk and picking.crr_late_risk:
                back |= picking
        with crr_scope():
            back.write({"crr_late_risk": False})
            newly.write({"crr_late_risk": True})
        for picking in newly:
            user = picking.user_id or picking.sale_id.user_id
            message = self.env._(
                "Delivery %(picking)s of %(order)s will miss its promised date %(date)s: call the meeting, decide "
                "the countermeasure and tell the customer.",
                picking=picking.name, order=picking.sale_id.name, date=picking.crr_promised_date,
            )
            if user:
                picking.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Delivery will miss its date"),
                    note=message,
                    user_id=user.id,
                    date_deadline=fields.Date.context_today(picking),
                )
            picking.message_post(body=message, subtype_xmlid="mail.mt_note")
        return True
