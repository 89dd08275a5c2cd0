from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class CrrReviewCommon(TransactionCase):
    """Users per role, departments' reviewers, products and customers for review tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "crr_review_mode": "all",
                "crr_four_eyes": True,
                "crr_block_unreviewed_send": True,
                "crr_amount_threshold": 100000.0,
                "crr_margin_threshold": 15.0,
                "crr_payment_days_threshold": 60,
            }
        )
        ref = cls.env.ref
        cls.dep = {
            code: ref(f"customer_requirement_review.crr_department_{code}")
            for code in ("sales", "technical", "quality", "production", "procurement", "logistics", "finance",
                         "general_manager")
        }
        cls.salesperson = new_test_user(
            cls.env, login="crr_t_sales", groups="sales_team.group_sale_salesman", name="Test Salesperson"
        )
        cls.manager = new_test_user(
            cls.env, login="crr_t_manager", groups="customer_requirement_review.group_crr_manager",
            name="Test Review Manager",
        )
        cls.reviewers = {}
        for code, department in cls.dep.items():
            user = new_test_user(
                cls.env, login=f"crr_t_rev_{code}", groups="customer_requirement_review.group_crr_reviewer",
                name=f"Reviewer {code}",
            )
            department.user_ids = [Command.set(user.ids)]
            cls.reviewers[code] = user
        cls.customer = cls.env["res.partner"].create({"name": "Review Customer"})
        cls.new_customer = cls.env["res.partner"].create({"name": "Brand New Customer"})
        cls.good = cls.env["product.product"].create(
            {"name": "Gear Box", "type": "consu", "list_price": 100.0, "standard_price": 50.0}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Installation", "type": "service", "list_price": 100.0, "standard_price": 50.0}
        )
        cls.new_good = cls.env["product.product"].create(
            {"name": "Prototype", "type": "consu", "list_price": 100.0, "standard_price": 50.0}
        )
        # history: the customer already bought the gear box and the installation (confirmed order)
        cls.company.crr_review_mode = "off"
        history = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create({"product_id": cls.good.id, "product_uom_qty": 1}),
                    Command.create({"product_id": cls.service.id, "product_uom_qty": 1}),
                ],
            }
        )
        history.action_confirm()
        cls.company.crr_review_mode = "all"

    @classmethod
    def _order(cls, partner=None, products=None, qty=2, user=None, **vals):
        products = products or [cls.good]
        Order = cls.env["sale.order"].with_user(user or cls.salesperson)
        return Order.create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.salesperson).id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": qty}) for p in products],
                **vals,
            }
        )

    def _flush_tracking(self):
        """Run what the end of a request runs: pending writes and the tracking messages."""
        self.env.cr.flush()
        # the messages' inverse (model, res_id) is not kept in the cache of the records
        self.env.invalidate_all()

    def _approve_all(self, order, codes=None):
        # in the order of the steps (a later step opens when the previous ones are approved)
        for line in order._crr_round_lines().sorted(lambda line: (line.is_final_approval, line.step)):
            if line.state == "waiting":
                line.invalidate_recordset(["state"])
            code = line.department_id.code
            if codes is not None and code not in codes:
                continue
            if line.state == "pending" or line.state == "waiting":
                line.with_user(self.reviewers[code]).action_approve()
