import re
from pathlib import Path

import polib

from odoo.addons.customer_requirement_review.tests.test_i18n import _placeholders
from odoo.tests import TransactionCase, tagged

I18N = Path(__file__).resolve().parent.parent / "i18n"
MODULE = "customer_requirement_review_stock"
CJK = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestZhCnCatalog(TransactionCase):
    """The bridge's zh_CN catalogue is complete, with the procedures' own terms."""

    def test_po_complete(self):
        pot = polib.pofile(str(I18N / f"{MODULE}.pot"))
        po = polib.pofile(str(I18N / "zh_CN.po"))
        self.assertEqual(po.metadata.get("Language"), "zh_CN")
        translations = {entry.msgid: entry for entry in po if not entry.obsolete}
        missing = [entry.msgid for entry in pot if entry.msgid not in translations]
        self.assertFalse(missing, f"msgids of the .pot missing from zh_CN.po (run tools/i18n.sh): {missing}")
        empty = [msgid for msgid, entry in translations.items() if not entry.msgstr.strip()]
        self.assertFalse(empty, f"untranslated entries in zh_CN.po: {empty}")
        fuzzy = [msgid for msgid, entry in translations.items() if "fuzzy" in entry.flags]
        self.assertFalse(fuzzy, f"fuzzy entries in zh_CN.po: {fuzzy}")
        broken = [entry.msgid for entry in po if not entry.obsolete
                  and _placeholders(entry.msgid) != _placeholders(entry.msgstr)]
        self.assertFalse(broken, f"placeholders or markup changed in the translation of: {broken}")

    def test_terms_loaded(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        report = zh.ref(f"{MODULE}.action_report_crr_delivery_countermeasure")
        self.assertEqual(report.name, "交货延误对策表")
        self.assertEqual(zh.ref(f"{MODULE}.action_crr_execution_summary").name, "销售订单执行情况汇总表")
        self.assertEqual(zh.ref(f"{MODULE}.action_crr_on_time_rate").name, "交货及时率")
        self.assertEqual(zh.ref(f"{MODULE}.action_crr_customer_property").name, "顾客财产")
        self.assertEqual(zh.ref(f"{MODULE}.action_crr_complaint_return").name, "退货")
        states = dict(zh["sale.order.line"]._fields["crr_delivery_state"]._description_selection(zh))
        self.assertEqual(states, {"open": "待交货", "on_time": "准时", "late": "延误", "short": "短交"})
        template = zh.ref(f"{MODULE}.mail_template_crr_customer_property_incident")
        self.assertTrue(CJK.search(template.subject))
        menus = zh["ir.ui.menu"].search([("id", "child_of", zh.ref(f"{MODULE}.menu_crr_delivery_root").id)])
        self.assertFalse([m.with_context(lang="en_US").name for m in menus if not CJK.search(m.name)])
