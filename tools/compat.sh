#!/usr/bin/env bash
# `make compat`: Odoo's own test suites of the apps the addon extends, run with the addon installed at its
# install defaults, in a throw-away database. It passes when every failing test is listed in README.md under
# "Compatibility with Odoo's own tests" (tests whose expectations the module changes on purpose, each with its
# reason); it prints the tests run, the failures and the durations.
# Variables: CRR_COMPAT_WITH=stock (Inventory too: sale_stock and the bridge addon, and sale_stock's tests),
# CRR_COMPAT_DB (database, default crr_compat_<pid>), PORT (HTTP port of the browser tests, default 8069),
# CRR_KEEP_DB=1 (keep the database). The log of the run stays in the state folder ($CRR_STATE/<db>.compat.log).
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

MODULES=sale_management,$ADDON
# post-install tests only: the at-install tests of sale ran when sale was installed, before the addon
TAGS=post_install/sale,post_install/sale_management
case "${CRR_COMPAT_WITH:-}" in
    "") ;;
    stock)
        [ -d "$REPO_ROOT/${ADDON}_stock" ] || die "CRR_COMPAT_WITH=stock needs the bridge addon ${ADDON}_stock"
        MODULES=$MODULES,sale_stock,${ADDON}_stock
        TAGS=$TAGS,post_install/sale_stock ;;
    *) die "CRR_COMPAT_WITH must be empty or stock (got '$CRR_COMPAT_WITH')" ;;
esac
DB=${CRR_COMPAT_DB:-crr_compat_$$}
PORT=${PORT:-8069}
started=$(pg_start)
conf=$(write_odoo_conf "$DB")
logfile=$CRR_STATE/$DB.compat.log
cleanup() {
    if [ "${CRR_KEEP_DB:-0}" != 1 ]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
        rm -f "$conf"
    fi
    [ "$started" = started ] && pg_stop 2>/dev/null || true
}
trap cleanup EXIT

t0=$(date +%s)
log "installing $MODULES into the throw-away database $DB"
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
odoo_cmd -c "$conf" -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
t1=$(date +%s)
log "running Odoo's tests $TAGS"
set +e
odoo_cmd -c "$conf" -d "$DB" --test-tags "$TAGS" --stop-after-init --http-port="$PORT" \
    --log-level=info --log-handler=py.warnings:ERROR >"$logfile" 2>&1
set -e
t2=$(date +%s)

# failing tests of the log against the README's list (a table row: | `Class.test` | module | reason |)
"$PY" - "$logfile" "$REPO_ROOT/README.md" "$((t1 - t0))" "$((t2 - t1))" <<'PY'
import re, sys
log_path, readme_path, install_s, tests_s = sys.argv[1:5]
log = open(log_path, encoding="utf-8", errors="replace").read()
failed = set()
for match in re.finditer(r" (?:FAIL|ERROR): (\S+)(?: \((.*)\))?\s*$", log, re.M):
    name, where = match.groups()
    # "setUpClass (odoo.addons.sale.tests.x.Class)" -> "Class.setUpClass"; "Class.test (x=1)": a subtest
    failed.add(f"{where.rsplit('.', 1)[-1]}.{name}" if where and "=" not in where else name)
readme = open(readme_path, encoding="utf-8").read()
section = readme.split("<!-- compat-list -->")
expected = set(re.findall(r"^\| `([\w.]+)` \|", section[1], re.M)) if len(section) == 3 else set()
runs = re.findall(r"(\d+) post-tests in ([\d.]+)s", log)
run = sum(int(count) for count, _seconds in runs)
print(f"[crr] Odoo's tests run: {run}, failing: {len(failed)} (install {install_s} s, tests {tests_s} s)")
for name in sorted(failed & expected):
    print(f"[crr]   expected (README): {name}")
unexpected = sorted(failed - expected)
for name in unexpected:
    print(f"[crr]   UNEXPECTED failure: {name}")
for name in sorted(expected - failed):
    print(f"[crr]   listed in the README but passed (update the list): {name}")
if not run:
    sys.exit("[crr] no test ran: see the log " + log_path)
if unexpected:
    sys.exit(f"[crr] {len(unexpected)} unexpected failure(s): see the log {log_path}")
print("[crr] compatibility: OK")
PY
