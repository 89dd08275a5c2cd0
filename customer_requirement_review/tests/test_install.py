from odoo.fields import Command
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module is installed, its menus and actions load, and a salesperson sells."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="crr_install_sales", groups="sales_team.group_sale_salesman", name="Install Salesperson"
        )
        cls.partner = cls.env["res.partner"].create({"name": "Install Customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Install Widget", "type": "consu", "list_price": 25.0}
        )

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "customer_requirement_review")])
        self.assertEqual(module.state, "installed")
        # the installed version is the manifest's (19.0.2.1.0 since the review steps, with its migration)
        self.assertEqual(module.latest_version, get_manifest("customer_requirement_review")["version"])
        self.assertEqual(module.latest_version, "19.0.2.1.0")

    def test_menus_and_actions_load(self):
        root = self.env.ref("customer_requirement_review.menu_crr_root")
        self.assertEqual(root.parent_id, self.env.ref("sale.sale_menu_root"))
        data = self.env["ir.model.data"].search(
            [("module", "=", "customer_requirement_review"), ("model", "=", "ir.ui.menu")]
        )
        menus = self.env["ir.ui.menu"].browse(data.mapped("res_id"))
        self.assertTrue(menus)
        for menu in menus.filtered("action"):
            action = menu.action
            # every action a menu opens exists and renders its views
            self.assertTrue(action.exists(), menu.complete_name)
            if action._name == "ir.actions.act_window":
                model = self.env[action.res_model]
                for mode in action.view_mode.split(","):
                    model.get_views([(False, mode)])

    def test_departments_shipped(self):
        codes = self.env["crr.department"].search([("company_id", "=", self.env.company.id)]).mapped("code")
        for code in ("sales", "technical", "quality", "production", "procurement", "logistics", "finance",
                     "general_manager"):
            self.assertIn(code, codes)
        self.assertTrue(self.env.ref("customer_requirement_review.crr_department_general_manager").is_final_approval)

    def test_salesperson_creates_and_confirms_order(self):
        self.env.company.crr_review_mode = "off"
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.partner.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 4})],
                }
            )
        )
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(order.amount_untaxed, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
