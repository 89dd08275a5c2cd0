from odoo import api, fields, models

from .crr_complaint import OPEN_STATES

CRR_SCALES = [
    ("micro", "Micro (under 10 people)"),
    ("small", "Small (10-99 people)"),
    ("medium", "Medium (100-999 people)"),
    ("large", "Large (1000 people and more)"),
]
CRR_CREDIT_RATINGS = [
    ("aaa", "AAA - Excellent"),
    ("aa", "AA - Good"),
    ("a", "A - Acceptable"),
    ("b", "B - Watch"),
    ("c", "C - Poor: payment in advance"),
]


class ResPartner(models.Model):
    """The customer file (顾客信息一览表): grade, region, scale, credit and integrity review
    (诚信状况回顾), the communication records (顾客拜访记录), and the figures the review shows
    (overdue receivables, open complaints)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crr_grade_id = fields.Many2one(
        "crr.customer.grade", string="Customer Grade", tracking=True, index="btree_not_null",
        help="Grade of the customer information list (A/B/C), by region, organisation, finances and quality/"
        "technical needs (criteria on the grade).",
    )
    crr_region = fields.Char(string="Sales Region", tracking=True, help="Sales region, e.g. East China, Europe.")
    crr_scale = fields.Selection(CRR_SCALES, string="Scale", tracking=True)
    crr_organisation = fields.Text(
        string="Organisation", help="Organisation structure, key people, decision makers, operating scale."
    )
    crr_finance_notes = fields.Text(string="Finances", help="Revenue, debts, payment habits.")
    crr_quality_needs = fields.Text(
        string="Quality / Technical Needs", help="Quality, technical, environmental (RoHS) and packaging needs."
    )
    crr_credit_rating = fields.Selection(CRR_CREDIT_RATINGS, string="Credit Rating", tracking=True)
    crr_integrity_notes = fields.Text(
        string="Integrity Review",
        help="Review of the customer's integrity and credit in past dealings (诚信状况回顾): payments, "
        "disputes, honoured commitments.",
    )
    crr_integrity_review_date = fields.Date(string="Integrity Reviewed On", tracking=True)
    crr_contact_ids = fields.One2many("crr.customer.contact", "partner_id", string="Communication Records")
    crr_contact_count = fields.Integer(
        string="Communication Records Count", compute="_compute_crr_contact_count", groups="base.group_user"
    )
    crr_last_contact_date = fields.Datetime(
        string="Last Contact", compute="_compute_crr_contact_count", groups="base.group_user"
    )
    crr_overdue_amount = fields.Monetary(
        string="Overdue Receivables", compute="_compute_crr_overdue_amount", currency_field="crr_company_currency_id",
        groups="base.group_user",
        help="Posted customer invoices past their due date and not fully paid, in the company currency.",
    )
    crr_company_currency_id = fields.Many2one("res.currency", compute="_compute_crr_overdue_amount")
    crr_open_complaint_count = fields.Integer(
        string="Open Complaints", compute="_compute_crr_open_complaint_count", groups="base.group_user"
    )

    def _compute_crr_contact_count(self):
        customers = self.commercial_partner_id
        Contact = self.env["crr.customer.contact"]
        counts = dict(Contact._read_group([("partner_id", "in", customers.ids)], ["partner_id"], ["__count"]))
        # the last contact that took place (planned visits and audits are not contacts yet)
        lasts = dict(Contact._read_group(
            [("partner_id", "in", customers.ids), ("date", "<=", fields.Datetime.now())], ["partner_id"], ["date:max"]
        ))
        stats = {partner: (counts.get(partner, 0), lasts.get(partner, False)) for partner in customers}
        for partner in self:
            count, last = stats.get(partner.commercial_partner_id, (0, False))
            partner.crr_contact_count = count
            partner.crr_last_contact_date = last

    @api.depends_context("company")
    def _compute_crr_overdue_amount(self):
        """One grouped query for the whole recordset (lists, review lines): overdue receivables per
        customer, in the current company."""
        company = self.env.company
        amounts = self._crr_overdue_by_customer(company)
        for partner in self:
            partner.crr_company_currency_id = company.currency_id
            partner.crr_overdue_amount = amounts.get(partner.commercial_partner_id.id, 0.0)

    def _crr_overdue_by_customer(self, company):
        """``{commercial partner id: overdue receivables}`` of the customers of ``self`` in ``company`` (its
        currency): posted customer invoices past their due date and not fully paid. One grouped query (the
        customer file's figure and the "collection risk" fact of the review rules)."""
        customers = self.commercial_partner_id
        if not customers:
            return {}
        groups = self.env["account.move"].sudo()._read_group(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ],
            ["commercial_partner_id"],
            ["amount_residual_signed:sum"],
        )
        return {partner.id: amount for partner, amount in groups}

    def _compute_crr_open_complaint_count(self):
        customers = self.commercial_partner_id
        groups = self.env["crr.complaint"]._read_group(
            [
                ("partner_id", "child_of", customers.ids),
                ("state", "in", OPEN_STATES),
                ("company_id", "in", self.env.companies.ids),
            ], ["partner_id"], ["__count"]
        ) if customers else []
        counts = {}
        for complaint_partner, count in groups:
            key = complaint_partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        for partner in self:
            partner.crr_open_complaint_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_crr_contacts(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        customer = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("customer_requirement_review.action_crr_customer_contact")
        action["domain"] = [("partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": customer.id}
        return action

    # -- customer information list (XLSX, shared builder crr.xlsx.export) ---------------------------
    def _crr_xlsx_filename(self):
        return self.env._("Customer information list.xlsx")

    def _crr_customer_file_rows(self):
        """Rows of the customer information list, computed for the whole recordset at once."""
        scales = dict(self._fields["crr_scale"]._description_selection(self.env))
        ratings = dict(self._fields["crr_credit_rating"]._description_selection(self.env))
        for partner in self:
            yield [
                partner.display_name,
                partner.crr_grade_id.code or "",
                partner.crr_region or "",
                partner.country_id.name or "",
                scales.get(partner.crr_scale, ""),
                ratings.get(partner.crr_credit_rating, ""),
                partner.crr_overdue_amount,
                partner.crr_open_complaint_count,
                partner.crr_satisfaction_score if partner.crr_satisfaction_count else None,
                partner.crr_last_contact_date,
                partner.crr_integrity_review_date,
                partner.crr_integrity_notes or "",
                partner.crr_quality_needs or "",
                partner.phone or "",
                partner.email or "",
                partner.user_id.name or "",
            ]

    def _crr_xlsx_sheets(self):
        return [
            {
                "name": self.env._("Customer Information List"),
                "columns": [
                    {"header": self.env._("Customer"), "type": "char", "width": 30},
                    {"header": self.env._("Grade"), "type": "char", "width": 8},
                    {"header": self.env._("Sales Region"), "type": "char", "width": 16},
                    {"header": self.env._("Country"), "type": "char", "width": 14},
                    {"header": self.env._("Scale"), "type": "char", "width": 20},
                    {"header": self.env._("Credit Rating"), "type": "char", "width": 20},
                    {"header": self.env._("Overdue Receivables"), "type": "monetary", "width": 16},
                    {"header": self.env._("Open Complaints"), "type": "integer", "width": 12},
                    {"header": self.env._("Last Satisfaction Score"), "type": "float", "width": 14},
                    {"header": self.env._("Last Contact"), "type": "datetime"},
                    {"header": self.env._("Integrity Reviewed On"), "type": "date", "width": 14},
                    {"header": self.env._("Integrity Review"), "type": "text"},
                    {"header": self.env._("Quality / Technical Needs"), "type": "text"},
                    {"header": self.env._("Phone"), "type": "char", "width": 16},
                    {"header": self.env._("E-mail"), "type": "char", "width": 24},
                    {"header": self.env._("Salesperson"), "type": "char", "width": 18},
                ],
                "rows": self._crr_customer_file_rows(),
            }
        ]
