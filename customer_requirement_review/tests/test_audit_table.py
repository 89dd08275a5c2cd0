"""The auditor's table (readme/AUDIT.md): every row names models, forms and tests that exist."""

import ast
import re
from pathlib import Path

from odoo.tests import TransactionCase, tagged

ADDON_DIR = Path(__file__).resolve().parent.parent
AUDIT_FILE = ADDON_DIR / "readme" / "AUDIT.md"
PLANNED = re.compile(r"planned \((issue \d+|roadmap)\)")
TEST_REF = re.compile(r"^(?P<file>[\w/]+\.py)::(?P<cls>\w+)::(?P<method>test_\w+)$")


def parse_audit_table(text):
    """The rows of the first Markdown table of ``text``: dicts with the clause, the requirement and the
    backquoted names of its record, form and test columns, and whether the row is planned."""
    rows = []
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    for line in lines[2:]:  # header and separator
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 5:
            raise ValueError(f"a row of the audit table has {len(cells)} cells instead of 5: {line}")
        clause, requirement, models, forms, tests = cells
        rows.append({
            "clause": clause,
            "requirement": requirement,
            "models": re.findall(r"`([^`]+)`", models),
            "forms": re.findall(r"`([^`]+)`", forms),
            "tests": re.findall(r"`([^`]+)`", tests),
            "planned": bool(PLANNED.search(tests)),
        })
    return rows


def models_declared_by(addon_dir):
    """The model names that the addon at ``addon_dir`` defines or extends (``_name``/``_inherit`` of its
    models/*.py and wizard/*.py)."""
    names = set()
    for path in sorted([*addon_dir.glob("models/*.py"), *addon_dir.glob("wizard/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if (isinstance(item, ast.Assign) and len(item.targets) == 1
                        and getattr(item.targets[0], "id", None) in ("_name", "_inherit")):
                    value = ast.literal_eval(item.value)
                    names.update([value] if isinstance(value, str) else value)
    return names


def repo_addons():
    """{addon name: its directory} of the addons of this repository (the bridges next to the main addon)."""
    return {path.parent.name: path.parent for path in sorted(ADDON_DIR.parent.glob("*/__manifest__.py"))}


def class_methods_of(path):
    """{class name: set of method names} defined in the Python file ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
        for node in tree.body if isinstance(node, ast.ClassDef)
    }


@tagged("post_install", "-at_install")
class TestAuditTable(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows = parse_audit_table(AUDIT_FILE.read_text(encoding="utf-8"))
        cls.checked = [row for row in cls.rows if not row["planned"]]
        # rows of a bridge (e.g. customer_requirement_review_stock): its models and forms are checked where it
        # is installed; a database without it (CRR_ADDONS=customer_requirement_review) checks the rest only
        cls.addons = repo_addons()
        installed = cls.env["ir.module.module"].search(
            [("name", "in", list(cls.addons)), ("state", "=", "installed")]
        ).mapped("name")
        cls.absent_addons = set(cls.addons) - set(installed)
        cls.declared = {name: models_declared_by(path) for name, path in cls.addons.items()}

    def _model_checked(self, model):
        """False only for a model that the repository's addons not installed here alone define or extend."""
        owners = {addon for addon, names in self.declared.items() if model in names}
        return not owners or not owners <= self.absent_addons

    def test_table_parses_and_covers_the_procedures(self):
        self.assertGreaterEqual(len(self.checked), 30)
        clauses = [row["clause"] for row in self.rows]
        self.assertEqual(len(clauses), len(set(clauses)), "a clause is listed twice")
        # every section of the procedures' digest (1 to 10) has its rows
        self.assertEqual({clause.split(".")[0] for clause in clauses}, {str(n) for n in range(1, 11)})
        for row in self.rows:
            with self.subTest(clause=row["clause"]):
                if row["planned"]:
                    self.assertFalse(row["tests"], "a planned row names no test")
                else:
                    self.assertTrue(row["tests"], "an implemented row names the test that proves it")
                    self.assertTrue(row["models"] or row["forms"], "an implemented row names its record")

    def test_models_exist(self):
        for row in self.checked:
            for model in row["models"]:
                if not self._model_checked(model):
                    continue
                with self.subTest(clause=row["clause"], model=model):
                    self.assertIn(model, self.env.registry, f"clause {row['clause']}: no model {model}")

    def test_forms_exist(self):
        for row in self.checked:
            for xmlid in row["forms"]:
                if xmlid.split(".")[0] in self.absent_addons:
                    continue
                with self.subTest(clause=row["clause"], form=xmlid):
                    record = self.env.ref(xmlid, raise_if_not_found=False)
                    self.assertTrue(record, f"clause {row['clause']}: no record {xmlid}")
                    self.assertIn(record._name, ("ir.actions.report", "ir.actions.server"), xmlid)

    def test_tests_exist(self):
        repo = ADDON_DIR.parent
        methods_by_file = {}
        for row in self.checked:
            for ref in row["tests"]:
                with self.subTest(clause=row["clause"], test=ref):
                    match = TEST_REF.match(ref)
                    self.assertTrue(match, f"clause {row['clause']}: '{ref}' is not file::class::method")
                    path = repo / match["file"]
                    self.assertTrue(path.is_file(), f"clause {row['clause']}: no file {match['file']}")
                    if match["file"] not in methods_by_file:
                        methods_by_file[match["file"]] = class_methods_of(path)
                    classes = methods_by_file[match["file"]]
                    self.assertIn(match["cls"], classes, f"clause {row['clause']}: no class {match['cls']}")
                    self.assertIn(match["method"], classes[match["cls"]],
                                  f"clause {row['clause']}: no test {match['cls']}.{match['method']}")

    def test_check_fails_on_a_missing_name(self):
        """The checks above can fail: a row naming what does not exist is caught."""
        rows = parse_audit_table(
            "| a | b | c | d | e |\n| - | - | - | - | - |\n"
            "| 1.1 | x | `crr.no.such.model` | `customer_requirement_review.no_such_report` | "
            "`customer_requirement_review/tests/test_install.py::TestInstall::test_no_such_test` |\n"
            "| 1.2 | y | | | planned (issue 99) |\n"
        )
        self.assertEqual([row["planned"] for row in rows], [False, True])
        self.assertNotIn(rows[0]["models"][0], self.env.registry)
        self.assertFalse(self.env.ref(rows[0]["forms"][0], raise_if_not_found=False))
        classes = class_methods_of(ADDON_DIR / "tests" / "test_install.py")
        self.assertNotIn("test_no_such_test", classes["TestInstall"])
        with self.assertRaises(ValueError):
            parse_audit_table("| a | b |\n| - | - |\n| 1 | 2 |\n")

    def test_bridge_rows_checked_where_the_bridge_is_installed(self):
        """A model of the Inventory bridge is skipped only where the bridge is not installed; a model of the
        main addon, or of Odoo, is always checked."""
        self.assertIn("crr.customer.property", self.declared["customer_requirement_review_stock"])
        self.assertIn("crr.review.line", self.declared["customer_requirement_review"])
        self.assertNotIn("customer_requirement_review", self.absent_addons)
        for model in ("crr.review.line", "sale.order", "survey.user_input", "crr.no.such.model"):
            self.assertTrue(self._model_checked(model), model)
        bridge_installed = "customer_requirement_review_stock" not in self.absent_addons
        self.assertEqual(self._model_checked("crr.customer.property"), bridge_installed)
        self.assertEqual("crr.customer.property" in self.env.registry, bridge_installed)
