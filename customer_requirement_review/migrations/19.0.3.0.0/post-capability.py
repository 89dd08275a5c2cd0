"""19.0.3.0.0: the capability commitment (初始评审报告) and the collection risk in the special rule.

The shipped special rule that the administrator left as it was gets the procedures' condition: only the orders
beyond the approved capability commitment are special for a new product or a first order (专项评审的对象: 超出年度
能力承诺的销售合同), and the orders beyond the committed monthly capacity or with a collection risk (收汇风险) are
special. A company without an approved commitment reviews as before (nothing is within the commitment).
"""

from odoo import SUPERUSER_ID, api

OLD_SPECIAL = (
    "['|', '|', '|', ('crr_has_new_product', '=', True), ('crr_is_first_order', '=', True), "
    "('crr_low_margin', '=', True), ('crr_long_payment', '=', True)]"
)
NEW_SPECIAL = (
    "['|', '|', '|', '|', '&', ('crr_within_commitment', '=', False), '|', ('crr_has_new_product', '=', True), "
    "('crr_is_first_order', '=', True), ('crr_low_margin', '=', True), ('crr_long_payment', '=', True), "
    "('crr_beyond_capacity', '=', True), ('crr_collection_risk', '=', True)]"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rules = env["crr.review.rule"].with_context(active_test=False).search(
        [("domain", "=", OLD_SPECIAL), ("contract_type", "=", "special")]
    )
    rules.write({"domain": NEW_SPECIAL})
