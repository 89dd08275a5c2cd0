import re
from collections import Counter
from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "i18n"
MODULE = "customer_requirement_review"
# what must survive translation unchanged: named and positional placeholders, inline templates, markup
PLACEHOLDER = re.compile(r"%\([a-z_]+\)(?:\.\d+)?[sdf]|%s|\{\{.*?\}\}|<[^>]+>")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _placeholders(text):
    """Placeholders and tags of a message; the string literals of an inline template may be translated."""
    found = PLACEHOLDER.findall(text)
    return Counter(re.sub(r"'[^']*'", "''", item) if item.startswith("{{") else item for item in found)


@tagged("post_install", "-at_install")
class TestZhCnCatalog(TransactionCase):
    """The zh_CN catalogue covers the module's template, completely and without broken placeholders."""

    def test_po_complete(self):
        pot = polib.pofile(str(I18N / f"{MODULE}.pot"))
        po = polib.pofile(str(I18N / "zh_CN.po"))
        self.assertEqual(po.metadata.get("Language"), "zh_CN")
        self.assertEqual(po.metadata.get("Plural-Forms"), "nplurals=1; plural=0;")
        translations = {entry.msgid: entry for entry in po if not entry.obsolete}
        missing = [entry.msgid for entry in pot if entry.msgid not in translations]
        self.assertFalse(missing, f"msgids of the .pot missing from zh_CN.po (run tools/i18n.sh): {missing}")
        empty = [msgid for msgid, entry in translations.items() if not entry.msgstr.strip()]
        self.assertFalse(empty, f"untranslated entries in zh_CN.po: {empty}")
        fuzzy = [msgid for msgid, entry in translations.items() if "fuzzy" in entry.flags]
        self.assertFalse(fuzzy, f"fuzzy entries in zh_CN.po: {fuzzy}")

    def test_pot_current(self):
        """The .pot holds every term the installed addons have now (a term changed in the code or the data, even
        by its indentation in a template, is a new term: its Chinese translation would no longer be found). Run on
        a fresh database, as make test does: a kept one holds the templates of the release it was installed with."""
        modules = self.env["ir.module.module"].search(
            [("name", "=like", f"{MODULE}%"), ("state", "=", "installed")]
        ).mapped("name")
        terms = {module: set() for module in modules}
        for module, _ttype, _name, _res_id, source, _value, _comments in TranslationModuleReader(
            self.env.cr, modules=modules
        ):
            if module in terms and source:
                terms[module].add(source)
        for module, sources in terms.items():
            pot = I18N.parent.parent / module / "i18n" / f"{module}.pot"
            known = {entry.msgid for entry in polib.pofile(str(pot))}
            stale = sorted(sources - known)
            self.assertFalse(stale, f"terms of {module} missing from its .pot (run tools/i18n.sh): {stale}")

    def test_po_placeholders_kept(self):
        po = polib.pofile(str(I18N / "zh_CN.po"))
        broken = [
            entry.msgid
            for entry in po
            if not entry.obsolete
            and _placeholders(entry.msgid) != _placeholders(entry.msgstr)
        ]
        self.assertFalse(broken, f"placeholders or markup changed in the translation of: {broken}")


@tagged("post_install", "-at_install")
class TestZhCnLoaded(TransactionCase):
    """With zh_CN loaded, the users of a Chinese company read the procedures' own terms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # with the module's bridge addons installed (e.g. customer_requirement_review_stock), their menus sit
        # under the module's menus: their terms are loaded too
        modules = cls.env["ir.module.module"].search(
            [("name", "=like", f"{MODULE}%"), ("state", "=", "installed")]
        ).mapped("name")
        cls.env["ir.module.module"]._load_module_terms(modules, ["zh_CN"], overwrite=True)
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _labels(self, model, field):
        return dict(self.zh[model]._fields[field]._description_selection(self.zh))

    def test_department_names(self):
        expected = {
            "sales": "销售部",
            "technical": "技术部",
            "quality": "质量部",
            "production": "生产部",
            "procurement": "采购部",
            "logistics": "物流部",
            "finance": "财务部",
            "general_manager": "总经理",
        }
        for code, name in expected.items():
            department = self.zh.ref(f"{MODULE}.crr_department_{code}")
            self.assertEqual(department.name, name)
            self.assertTrue(CJK.search(department.description), department.description)
            # the English source stays for English users
            self.assertNotEqual(department.with_context(lang="en_US").name, name)

    def test_selection_labels(self):
        self.assertEqual(
            self._labels("sale.order", "review_state"),
            {
                "not_requested": "未提交评审",
                "not_required": "无需评审",
                "to_review": "待评审",
                "in_review": "评审中",
                "approved": "已批准",
                "rejected": "已驳回",
            },
        )
        self.assertEqual(
            self._labels("sale.order", "contract_type"), {"regular": "常规合同", "special": "特殊合同"}
        )
        states = self._labels("crr.complaint", "state")
        self.assertEqual(states["new"], "新建")
        self.assertEqual(states["investigating"], "调查中")
        self.assertEqual(states["closed"], "已关闭")
        for key, label in states.items():
            self.assertTrue(CJK.search(label), f"crr.complaint state {key} is not translated: {label}")
        self.assertEqual(self._labels("crr.requirement", "response")["deviation"], "偏离")
        self.assertEqual(self._labels("crr.complaint.action", "action_type")["corrective"], "纠正措施")

    def test_data_records(self):
        rule = self.zh.ref(f"{MODULE}.crr_review_rule_special")
        self.assertIn("特殊合同", rule.name)
        template = self.zh.ref(f"{MODULE}.mail_template_crr_complaint_ack")
        self.assertIn("您的投诉", template.subject)
        self.assertIn("您好", template.body_html)
        activity = self.zh.ref(f"{MODULE}.mail_activity_crr_review")
        self.assertEqual(activity.name, "合同/订单评审")

    def test_procedure_terms(self):
        """The procedures' own words: 合同/订单评审, 双人复核, 得分变化, 上次得分; 待评审 means one thing."""
        po = {entry.msgid: entry.msgstr for entry in polib.pofile(str(I18N / "zh_CN.po")) if not entry.obsolete}
        self.assertEqual(po["Requirement Review"], "合同/订单评审")
        self.assertEqual(po["Four-Eyes Review"], "双人复核")
        self.assertEqual(po["Score Change"], "得分变化")
        self.assertEqual(po["Previous Score"], "上次得分")
        self.assertFalse([msgid for msgid, msgstr in po.items() if "要求评审" in msgstr or "四眼" in msgstr])
        # a change request being reviewed is 评审中 (as a quotation in review), not 待评审
        self.assertEqual(self._labels("crr.change.request", "state")["to_review"], "评审中")
        # full-width colons in Chinese
        ascii_colons = [msgstr for msgstr in po.values()
                        if CJK.search(msgstr) and re.search(r"(?<![0-9a-z/]):(?![0-9/])", re.sub(r"<[^>]+>", "", msgstr))]
        self.assertFalse(ascii_colons)

    def test_satisfaction_survey(self):
        survey = self.zh.ref(f"{MODULE}.crr_satisfaction_survey")
        self.assertEqual(survey.title, "顾客满意度调查表")
        self.assertIn("感谢您", survey.description)
        question = self.zh.ref(f"{MODULE}.crr_satisfaction_question_product_quality")
        self.assertEqual(question.title, "产品质量")
        self.assertEqual(
            question.suggested_answer_ids.sorted("sequence").mapped("value"),
            ["非常满意", "满意", "一般", "不太满意", "非常不满意"],
        )
        self.assertEqual(
            self._labels("survey.user_input", "crr_band"),
            {
                "very_satisfied": "非常满意",
                "satisfied": "满意",
                "neutral": "一般",
                "dissatisfied": "不太满意",
                "very_dissatisfied": "非常不满意",
            },
        )
        invite = self.zh.ref(f"{MODULE}.mail_template_crr_satisfaction_invite")
        self.assertIn("您对我们满意吗", invite.subject)
        self.assertIn("填写调查问卷", invite.body_html)

    def test_user_error_in_chinese(self):
        user = new_test_user(self.env, login="crr_t_zh_sales", groups="sales_team.group_sale_salesman", lang="zh_CN")
        self.env.company.crr_review_mode = "all"
        partner = self.env["res.partner"].create({"name": "Shanghai Pump Co."})
        product = self.env["product.product"].create({"name": "Pump", "type": "consu", "list_price": 100.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        self.assertEqual(order.review_state, "not_requested")
        # the web client sends the user's language in the context
        with self.assertRaisesRegex(UserError, f"{re.escape(order.name)} 须先完成合同/订单评审才能确认.*销售部"):
            order.with_user(user).with_context(lang=user.lang).action_confirm()

    def test_menus(self):
        roots = self.env.ref(f"{MODULE}.menu_crr_root") | self.env.ref(f"{MODULE}.menu_crr_complaint_root")
        menus = self.env["ir.ui.menu"].with_context(lang="zh_CN").search([("id", "child_of", roots.ids)])
        self.assertGreaterEqual(len(menus), 10)
        untranslated = [menu.with_context(lang="en_US").name for menu in menus if not CJK.search(menu.name)]
        self.assertFalse(untranslated, f"menus without a Chinese name: {untranslated}")
        self.assertEqual(roots[0].with_context(lang="zh_CN").name, "评审")
        self.assertEqual(roots[1].with_context(lang="zh_CN").name, "客户投诉")
