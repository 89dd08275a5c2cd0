#!/usr/bin/env bash
# `make lint`: OCA's checks on the whole repository, in their own virtualenv (requirements-lint.txt):
#   - oca-checks-odoo-module and oca-checks-po (oca-odoo-pre-commit-hooks: manifests, XML, CSV, PO files);
#   - pylint with pylint-odoo and OCA's mandatory checks (.pylintrc-mandatory) on every addon;
#   - ruff on every Python file (ruff.toml);
#   - the addons' README.rst and static/description/index.html up to date with their readme/ fragments.
# `make test` runs a smaller, basic lint (tools/lint.sh), so that a stricter rule met when branches are
# merged cannot break CI; run `make lint` before a merge request.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

LINT_VENV=${CRR_LINT_VENV:-$CRR_CACHE/lint-venv}
want=$(sha1sum <"$REPO_ROOT/requirements-lint.txt" | cut -c1-40)
if [ "$(cat "$LINT_VENV/.requirements" 2>/dev/null)" != "$want" ]; then
    log "installing the lint tools into $LINT_VENV"
    [ -x "$LINT_VENV/bin/python" ] || "$CRR_PYTHON" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REPO_ROOT/requirements-lint.txt" 2>&1 \
        | grep -v "^WARNING: Location" >&2 || true
    "$LINT_VENV/bin/python" -c "import docutils, oca_pre_commit_hooks, pylint_odoo" || die "the lint tools did not install"
    echo "$want" >"$LINT_VENV/.requirements"
fi
L=$LINT_VENV/bin

if [ "${1:-}" = readme ]; then  # `make readme`: (re)generate instead of checking
    exec "$L/python" tools/gen_addon_readme.py
fi

mapfile -t addons < <(for m in */__manifest__.py; do dirname "$m"; done)
status=0
run() {
    local name=$1; shift
    log "lint: $name"
    "$@" || { status=1; log "lint: $name FAILED"; }
}
run "oca-checks-odoo-module (${addons[*]})" "$L/oca-checks-odoo-module" --no-verbose "${addons[@]}"
mapfile -t po_files < <(find "${addons[@]}" -path '*/i18n/*' \( -name '*.po' -o -name '*.pot' \) | sort)
if [ ${#po_files[@]} -gt 0 ]; then
    run "oca-checks-po" "$L/oca-checks-po" --no-verbose --disable=po-pretty-format "${po_files[@]}"
fi
run "pylint-odoo, OCA's mandatory checks" "$L/pylint" --rcfile=.pylintrc-mandatory "${addons[@]}"
run "ruff" "$L/ruff" check --quiet .
run "README.rst and index.html from readme/" "$L/python" tools/gen_addon_readme.py --check
[ "$status" = 0 ] && log "lint: all OCA checks clean"
exit $status
