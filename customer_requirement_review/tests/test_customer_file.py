from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCustomerFileSmoke(TransactionCase):
    def test_smoke(self):
        self.assertTrue(self.env.ref("customer_requirement_review.crr_customer_grade_a"))
