from odoo import api, fields, models, tools

from .crr_change_kinds import CUSTOMER_KIND, KIND_DEPARTMENT_FLAGS


class CrrDepartment(models.Model):
    _name = "crr.department"
    _description = "Review Department"
    _inherit = ["mail.thread", "crr.config.cache.mixin", "crr.guard.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Technical code, unique per company, used by integrations and default rules "
        "(sales, technical, quality, production, procurement, logistics, finance, general_manager).",
    )
    sequence = fields.Integer(default=10, help="Order in which departments are listed and review lines are created.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    user_ids = fields.Many2many(
        "res.users",
        "crr_department_res_users_rel",
        "department_id",
        "user_id",
        string="Reviewers",
        domain=[("share", "=", False)],
        help="Internal users who may decide this department's review lines.",
    )
    head_id = fields.Many2one(
        "res.users",
        string="Department Head",
        domain=[("share", "=", False)],
        tracking=True,
        help="Receives the department's review to-do (one activity per review line) when one of its reviewers, "
        "and the escalation of its overdue review lines.",
    )
    is_final_approval = fields.Boolean(
        string="Final Approval",
        tracking=True,
        help="The general manager's step: its review lines open only when every other line of the "
        "same review round is approved.",
    )
    # Which kinds of change this department reviews again: used by change requests and by the
    # re-review of an approved quotation whose reviewed fields were edited.
    review_quantity_date = fields.Boolean(
        string="Reviews Quantity and Date Changes",
        tracking=True,
        help="Asked again when quantities, products or delivery dates change.",
    )
    review_price_payment = fields.Boolean(
        string="Reviews Price and Payment Changes",
        tracking=True,
        help="Asked again when prices, discounts or payment terms change.",
    )
    review_specification = fields.Boolean(
        string="Reviews Specification Changes",
        tracking=True,
        help="Asked again when the specification or the customer's requirements change.",
    )
    description = fields.Text(
        translate=True, help="What this department checks during a review (shown to the reviewers)."
    )
    color = fields.Integer()

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A department code must be unique per company."
    )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for department in self:
            department.display_name = department.name or department.code or ""

    @api.model
    def _crr_for_change_kinds(self, kinds, company=None):
        """Active departments of ``company`` that review the given kinds of change.

        ``kinds`` is an iterable of 'quantity', 'date', 'price', 'payment', 'specification', 'transport',
        'packaging'; with 'customer' (a change of customer), every active department of the company.
        """
        company = company or self.env.company
        if CUSTOMER_KIND in kinds:
            return self.search([("company_id", "=", company.id)])
        flags = sorted({KIND_DEPARTMENT_FLAGS[kind] for kind in kinds})
        if not flags:
            return self.browse()
        domain = [("company_id", "=", company.id)]
        domain += ["|"] * (len(flags) - 1) + [(flag, "=", True) for flag in flags]
        return self.search(domain)

    @api.model
    @tools.ormcache("user_id")
    def _crr_department_ids_of(self, user_id):
        """ids of the departments (of every company) whose reviewers name the user: a decision checks that its
        decider reviews for the line's department at no query. The departments' reviewers change only through
        the departments, whose every change clears the cache (``crr.config.cache.mixin``)."""
        self.flush_model(["user_ids"])
        self.env.cr.execute(
            "SELECT department_id FROM crr_department_res_users_rel WHERE user_id = %s", [user_id]
        )
        return frozenset(department_id for (department_id,) in self.env.cr.fetchall())

    def _crr_has_reviewer(self, user):
        """Whether ``user`` (an active user: the one deciding) is a reviewer of the department."""
        self.ensure_one()
        return self.id in self._crr_department_ids_of(user.id)

    @api.model
    def _crr_for_user(self, user=None):
        """Departments (of the current companies) the given user reviews for."""
        user = user or self.env.user
        return self.search([("user_ids", "in", user.ids)])

    def _crr_active_reviewers(self):
        """``{department id: res.users}``: the active internal reviewers of ``self`` (as superuser: this
        serves the scheduling of their activities, not a display).

        One query. It also gives what ``mail.activity`` reads of the users it assigns (their partner and
        its time zone) and what the review request mails read of them (their e-mail address): these go to the
        record cache, so that scheduling the reviewers' activities and mails does not read the users' and
        partners' rows, which are wide (the partners one by one: they are not read together).
        """
        if not self:
            return {}
        self.flush_model(["user_ids"])
        self.env["res.users"].flush_model(["active", "share", "partner_id"])
        self.env["res.partner"].flush_model(["tz", "email"])
        self.env.cr.execute(
            """
            SELECT rel.department_id, users.id, users.partner_id, partner.tz, partner.email
              FROM crr_department_res_users_rel rel
              JOIN res_users users ON users.id = rel.user_id
              JOIN res_partner partner ON partner.id = users.partner_id
             WHERE rel.department_id IN %s AND users.active AND NOT users.share
             ORDER BY rel.department_id, users.id
            """,
            [tuple(self.ids)],
        )
        Users = self.env["res.users"].sudo()
        Partner = self.env["res.partner"].sudo()
        reviewer_ids = {department_id: [] for department_id in self.ids}
        for department_id, user_id, partner_id, tz, email in self.env.cr.fetchall():
            reviewer_ids[department_id].append(user_id)
            # the values just read from the flushed tables: the cache cannot hold other ones
            # and the user's own time zone and address, which are its partner's: not computed user by user
            Users.browse(user_id)._update_cache({"partner_id": partner_id, "tz": tz, "email": email}, validate=False)
            Partner.browse(partner_id)._update_cache({"tz": tz, "email": email}, validate=False)
        return {department_id: Users.browse(user_ids) for department_id, user_ids in reviewer_ids.items()}

    def _crr_todo_user(self, reviewers=None, exclude=None):
        """Who gets the department's to-do (the activity of a review line): its head when a reviewer of the
        department, else its first reviewer; never ``exclude`` (the requester, under four-eyes).
        ``reviewers``: the department's active reviewers when known (``_crr_active_reviewers``)."""
        self.ensure_one()
        reviewers = reviewers if reviewers is not None else self.sudo().user_ids.filtered(
            lambda user: user.active and not user.share
        )
        if exclude:
            reviewers -= exclude
        head = self.sudo().head_id
        if head and head in reviewers:
            return head
        return reviewers[:1]

    # -- XLSX register -------------------------------------------------------------------------
    def _crr_xlsx_filename(self):
        return self.env._("Review departments.xlsx")

    def _crr_xlsx_sheets(self):
        return [
            {
                "name": self.env._("Departments"),
                "columns": [
                    {"header": self.env._("Department"), "type": "char", "width": 24},
                    {"header": self.env._("Code"), "type": "char", "width": 18},
                    {"header": self.env._("Sequence"), "type": "integer"},
                    {"header": self.env._("Final Approval"), "type": "boolean", "width": 14},
                    {"header": self.env._("Reviewers"), "type": "text", "width": 40},
                    {"header": self.env._("Company"), "type": "char"},
                ],
                "rows": (
                    [
                        department.name,
                        department.code,
                        department.sequence,
                        department.is_final_approval,
                        ", ".join(department.user_ids.mapped("name")),
                        department.company_id.name,
                    ]
                    for department in self
                ),
            }
        ]
