"""19.0.2.1.0: review steps, the large-order rule, the salesperson's authority limit.

Existing review lines get step 1 (the column's default), the final approval lines the step after: their
rounds go on as before. The shipped rules that the administrator left as they were get the procedures' order:

- the special rule no longer lists the large order (a large order goes to the general manager through the new
  rule "Large order: the general manager approves", the contract type unchanged);
- the regular "not in stock" rule: production and procurement in step 1, then sales in step 2;
- the companies other than the main one get the new rules and the sales manager department as new companies do.
"""

from odoo import SUPERUSER_ID, api

OLD_SPECIAL = (
    "['|', '|', '|', '|', ('crr_has_new_product', '=', True), ('crr_is_first_order', '=', True), "
    "('crr_low_margin', '=', True), ('crr_long_payment', '=', True), ('crr_large_order', '=', True)]"
)
NEW_SPECIAL = (
    "['|', '|', '|', ('crr_has_new_product', '=', True), ('crr_is_first_order', '=', True), "
    "('crr_low_margin', '=', True), ('crr_long_payment', '=', True)]"
)
NOT_IN_STOCK = "[('crr_all_in_stock', '=', False)]"


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE crr_review_line SET step = 2 WHERE is_final_approval AND step = 1")
    env = api.Environment(cr, SUPERUSER_ID, {})
    Rule = env["crr.review.rule"].with_context(active_test=False)
    Rule.search([("domain", "=", OLD_SPECIAL)]).write({"domain": NEW_SPECIAL})
    for rule in Rule.search([("domain", "=", NOT_IN_STOCK), ("contract_type", "=", "regular")]):
        if rule.step_ids:
            continue
        codes = {department.code: department for department in rule.department_ids}
        if set(codes) != {"sales", "production", "procurement"}:
            continue
        rule.write(
            {
                "step_ids": [
                    (0, 0, {"department_id": codes["production"].id, "step": 1}),
                    (0, 0, {"department_id": codes["procurement"].id, "step": 1}),
                    (0, 0, {"department_id": codes["sales"].id, "step": 2}),
                ]
            }
        )
    main = env.ref("base.main_company", raise_if_not_found=False)
    others = env["res.company"].search([("id", "!=", main.id)]) if main else env["res.company"]
    if others:
        Rule._crr_setup_companies(others, xmlids=("crr_review_rule_large_order", "crr_review_rule_over_authority"))
    # orders confirmed without a salesperson (payment, portal signature, e-commerce): a database that had the
    # module before keeps what it did then, the portal closed to unreviewed quotations ("review first"); the
    # new default "confirm, then review" is for new installations
    cr.execute("UPDATE res_company SET crr_online_policy = 'review_first'")
