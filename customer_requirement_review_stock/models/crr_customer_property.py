from odoo import api, fields, models
from odoo.addons.customer_requirement_review.models.crr_record_guard_mixin import crr_scope
from odoo.exceptions import UserError, ValidationError

GOODS_TYPES = ("material", "tooling", "equipment")


class CrrCustomerProperty(models.Model):
    """Customer property (顾客财产): material, tooling and equipment the customer supplies (goods owned by
    the customer on our premises: Odoo's stock ownership, ``owner_id`` of the receipt and of the quants),
    drawings and data; identified, verified, protected and kept; loss, damage or unsuitability is reported
    to the customer and recorded. Confidential drawings and data are read only by the named users, the
    custodian department and review managers."""

    _name = "crr.customer.property"
    _description = "Customer Property"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "crr.record.guard.mixin", "crr.guard.mixin", "crr.stock.state.mixin"
    ]
    _order = "id desc"
    _check_company_auto = True

    _crr_create_only_fields = frozenset({"name"})
    _crr_action_fields = {
        "state": "Receive / Report / Return / Cancel",
        "received_date": "Receive",
        "received_by_id": "Receive",
        "inspected_date": "Inspect",
        "inspected_by_id": "Inspect",
        "inspection_result": "Inspect",
        "reported_date": "Report to Customer",
        "reported_by_id": "Report to Customer",
        "returned_date": "Return to Customer",
    }

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    description = fields.Char(required=True, tracking=True, help="What the customer supplied (identification).")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
        help="The owner of the property.",
    )
    property_type = fields.Selection(
        [
            ("material", "Material"),
            ("tooling", "Tooling"),
            ("equipment", "Equipment"),
            ("drawing", "Drawing"),
            ("data", "Data"),
        ],
        string="Type", required=True, default="material", tracking=True,
    )
    is_goods = fields.Boolean(compute="_compute_is_goods", help="Material, tooling or equipment: kept in stock.")
    product_id = fields.Many2one(
        "product.product", check_company=True, tracking=True,
        help="Material, tooling or equipment: the product under which the customer's goods are kept in stock.",
    )
    quantity = fields.Float(digits="Product Unit", default=1.0, tracking=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit", help="Unit of the quantity.")
    picking_id = fields.Many2one(
        "stock.picking", string="Receipt", check_company=True, index="btree_not_null",
        domain="[('picking_type_code', '=', 'incoming'), ('owner_id', '=', partner_id)]",
        help="The receipt of the goods, with the customer as owner (the goods stay the customer's in stock).",
    )
    location_id = fields.Many2one(
        "stock.location", check_company=True, tracking=True,
        help="Where the goods are kept (their receipt's destination by default).",
    )
    storage_place = fields.Char(help="Where drawings and data are kept (archive, folder, document system).")
    owned_qty = fields.Float(
        string="Owned Quantity in Stock", compute="_compute_owned_qty", digits="Product Unit",
        help="Quantity of the product in stock owned by this customer.",
    )
    custodian_department_id = fields.Many2one(
        "crr.department", check_company=True, tracking=True,
        help="The department that keeps and protects the property.",
    )
    custodian_user_id = fields.Many2one("res.users", string="Custodian", check_company=True, tracking=True)
    confidential = fields.Boolean(
        tracking=True,
        help="Customer development data: only the readers, the custodian department and review managers read it.",
    )
    reader_user_ids = fields.Many2many(
        "res.users", "crr_customer_property_reader_rel", "property_id", "user_id", string="May Read",
        help="Users who may read a confidential property record.",
    )
    received_date = fields.Date(string="Received On", readonly=True, tracking=True)
    received_by_id = fields.Many2one("res.users", readonly=True)
    inspected_date = fields.Date(string="Inspected On", readonly=True, tracking=True)
    inspected_by_id = fields.Many2one("res.users", readonly=True)
    inspection_result = fields.Selection(
        [("conforming", "Conforming"), ("nonconforming", "Nonconforming")], readonly=True, tracking=True
    )
    inspection_note = fields.Text(tracking=True)
    incident_type = fields.Selection(
        [("loss", "Loss"), ("damage", "Damage"), ("unsuitable", "Unsuitable for Use")], tracking=True
    )
    incident_date = fields.Date(tracking=True)
    incident_description = fields.Text(tracking=True, help="What happened, found by whom, what was done.")
    reported_date = fields.Datetime(string="Reported to Customer On", readonly=True, tracking=True)
    reported_by_id = fields.Many2one("res.users", readonly=True)
    returned_date = fields.Date(string="Returned On", readonly=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_custody", "In Custody"),
            ("reported", "Reported to Customer"),
            ("returned", "Returned"),
            ("cancelled", "Cancelled"),
        ],
        string="Status", default="draft", required=True, readonly=True, index=True, tracking=True, copy=False,
    )

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A property reference is unique.")
    _quantity_positive = models.Constraint("CHECK(quantity >= 0)", "The quantity cannot be negative.")

    @api.depends("property_type")
    def _compute_is_goods(self):
        for record in self:
            record.is_goods = record.property_type in GOODS_TYPES

    def _compute_owned_qty(self):
        goods = self.filtered(lambda r: r.is_goods and r.product_id and r.partner_id)
        groups = self.env["stock.quant"].sudo()._read_group(
            [("product_id", "in", goods.product_id.ids), ("owner_id", "in", goods.partner_id.ids),
             ("location_id.usage", "=", "internal")],
            ["product_id", "owner_id", "company_id"], ["quantity:sum"],
        ) if goods else []
        owned = {(product.id, owner.id, company.id): qty for product, owner, company, qty in groups}
        for record in self:
            record.owned_qty = owned.get((record.product_id.id, record.partner_id.id, record.company_id.id), 0.0)

    @api.onchange("picking_id")
    def _onchange_picking_id(self):
        if self.picking_id:
            self.location_id = self.picking_id.location_dest_id
            self.partner_id = self.picking_id.owner_id or self.partner_id

    @api.constrains("property_type", "product_id", "picking_id", "partner_id")
    def _check_goods(self):
        for record in self:
            if record.picking_id and record.picking_id.owner_id != record.partner_id:
                raise ValidationError(self.env._(
                    "The receipt %(picking)s of %(name)s must have the customer %(customer)s as owner: the goods "
                    "stay the customer's in stock.",
                    picking=record.picking_id.name, name=record.name, customer=record.partner_id.display_name,
                ))
            if record.picking_id and record.product_id and record.product_id not in record.picking_id.move_ids.product_id:
                raise ValidationError(self.env._(
                    "The receipt %(picking)s does not contain %(product)s.",
                    picking=record.picking_id.name, product=record.product_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._crr_check_values_shape(vals_list)  # before the values are read here
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
                    "crr.customer.property") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            incident = {"incident_type", "incident_date", "incident_description"} & set(vals)
            reported = self.filtered(lambda r: r.reported_date)
            if incident and reported:
                raise UserError(self.env._(
                    "The incident of %(name)s was reported to the customer and is kept as reported; record a new "
                    "customer property report for a new incident.", name=reported[0].name,
                ))
            closed = self.filtered(lambda r: r.state in ("returned", "cancelled"))
            if closed and set(vals) - {"message_main_attachment_id", "activity_ids"}:
                raise UserError(self.env._("%(name)s is returned or cancelled and read-only.", name=closed[0].name))
        return super().write(vals)

    # -- actions --------------------------------------------------------------------------------------
    def action_receive(self):
        """The property is identified and received into custody. Goods need their receipt validated with
        the customer as owner: the quants then carry the customer as owner."""
        self._crr_check_access("write")
        self._crr_check_state(("draft",), self.env._("Receive"))
        for record in self:
            if record.is_goods:
                if not record.product_id:
                    raise UserError(self.env._("Set the product of %(name)s before receiving it.", name=record.name))
                if not record.picking_id or record.picking_id.state != "done":
                    raise UserError(self.env._(
                        "Validate the receipt of %(name)s first (a receipt whose owner is the customer), then "
                        "receive the property.", name=record.name,
                    ))
            date = record.picking_id.date_done and record.company_id._crr_local_date(record.picking_id.date_done)
            with crr_scope():
                record.sudo().write({
                    "state": "in_custody",
                    "received_date": date or fields.Date.context_today(record),
                    "received_by_id": self.env.uid,
                    "location_id": record.location_id.id or record.picking_id.location_dest_id.id,
                })
        return True

    def _crr_inspect(self, result):
        self._crr_check_access("write")
        self._crr_check_state(("in_custody", "reported"), self.env._("Inspect"))
        with crr_scope():
            self.sudo().write({
                "inspection_result": result,
                "inspected_date": fields.Date.context_today(self),
                "inspected_by_id": self.env.uid,
            })
        return True

    def action_inspect_conforming(self):
        return self._crr_inspect("conforming")

    def action_inspect_nonconforming(self):
        """Found unsuitable at inspection: record it; report it to the customer with Report to Customer."""
        self._crr_inspect("nonconforming")
        for record in self.filtered(lambda r: not r.incident_type):
            record.write({"incident_type": "unsuitable", "incident_date": fields.Date.context_today(record)})
        return True

    def action_report_incident(self):
        """Report loss, damage or unsuitability to the customer: e-mail from the template (posted in the
        chatter, the customer as recipient) and print the report."""
        self._crr_check_single(self)
        self._crr_check_access("write")
        self._crr_check_state(("in_custody",), self.env._("Report to Customer"))
        missing = [
            self._fields[name]._description_string(self.env)
            for name in ("incident_type", "incident_date", "incident_description") if not self[name]
        ]
        if missing:
            raise UserError(self.env._(
                "Describe the incident of %(name)s before reporting it, missing: %(missing)s.",
                name=self.name, missing=", ".join(missing),
            ))
        if not self.partner_id.email:
            raise UserError(self.env._(
                "The customer %(customer)s has no e-mail address: add one to report the incident.",
                customer=self.partner_id.display_name,
            ))
        with crr_scope():
            self.sudo().write(
                {"state": "reported", "reported_date": fields.Datetime.now(), "reported_by_id": self.env.uid}
            )
        template = self.env.ref("customer_requirement_review_stock.mail_template_crr_customer_property_incident")
        self.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
        return self.env.ref("customer_requirement_review_stock.action_report_crr_customer_property").report_action(self)

    def action_resume_custody(self):
        """After the report: the customer decided; the property stays in custody (e.g. repaired, replaced)."""
        self._crr_check_access("write")
        self._crr_check_state(("reported",), self.env._("Back in Custody"))
        with crr_scope():
            self.sudo().write({"state": "in_custody"})
        return True

    def action_return(self):
        """Given back to the customer (or used up in production)."""
        self._crr_check_access("write")
        self._crr_check_state(("in_custody", "reported"), self.env._("Return to Customer"))
        with crr_scope():
            self.sudo().write({"state": "returned", "returned_date": fields.Date.context_today(self)})
        return True

    def action_cancel(self):
        self._crr_check_access("write")
        self._crr_check_state(("draft",), self.env._("Cancel"))
        with crr_scope():
            self.sudo().write({"state": "cancelled"})
        return True

    def _crr_kept_message(self):
        kept = self.filtered(lambda record: record.state != "draft")
        if kept:
            return self.env._(
                "The customer property record %(name)s is a quality record and cannot be deleted: cancel it "
                "instead.",
                name=kept[0].name,
            )
        return None

    def action_open_quants(self):
        self._crr_check_single(self)
        self._crr_check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Owned by %(customer)s", customer=self.partner_id.display_name),
            "res_model": "stock.quant",
            "view_mode": "list",
            "domain": [("owner_id", "=", self.partner_id.id), ("product_id", "=", self.product_id.id),
                       ("location_id.usage", "=", "internal")],
        }
