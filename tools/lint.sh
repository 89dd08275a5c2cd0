#!/usr/bin/env bash
# Lint: ruff on the Python code, and every XML file of the addon must parse.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
log "lint: ruff"
"$CRR_VENV/bin/ruff" check --quiet .
log "lint: pylint-odoo"
"$CRR_VENV/bin/pylint" --rcfile=.pylintrc --disable=all --enable=odoolint \
    --disable=missing-readme,manifest-superfluous-key $(addon_list)
log "lint: XML files"
# shellcheck disable=SC2046
"$PY" - $(addon_list) <<'PY'
import pathlib, sys
from lxml import etree
bad = []
for path in sorted(p for addon in sys.argv[1:] for p in pathlib.Path(addon).rglob("*.xml")):
    try:
        etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        bad.append(f"{path}: {exc}")
if bad:
    sys.exit("XML that does not parse:\n" + "\n".join(bad))
PY
