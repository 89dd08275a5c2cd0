#!/usr/bin/env bash
# `make compat`: Odoo's own test suites of the apps the addon extends (sale, sale_management), run with
# the addon installed at its install defaults, in a throw-away database. Passes when the only failing
# tests are those README.md lists under "Compatibility with Odoo's own tests" (expectations the module
# changes on purpose); prints the tests run, the failures and the duration.
# Variables: CRR_COMPAT_DB (database, default crr_compat_<pid>), CRR_COMPAT_MODULES (what is installed,
# default sale_management and the addon), CRR_COMPAT_TAGS (Odoo test tags, default /sale,/sale_management),
# PORT (HTTP port of the browser tests, default 8069), CRR_KEEP_DB=1 (keep the database).
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

DB=${CRR_COMPAT_DB:-crr_compat_$$}
MODULES=${CRR_COMPAT_MODULES:-sale_management,$ADDON}
TAGS=${CRR_COMPAT_TAGS:-/sale,/sale_management}
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
log "running Odoo's tests $TAGS (log: $logfile)"
set +e
odoo_cmd -c "$conf" -d "$DB" --test-tags "$TAGS" --stop-after-init --http-port="$PORT" \
    --log-level=info --log-handler=py.warnings:ERROR >"$logfile" 2>&1
set -e
t2=$(date +%s)
grep -E "(FAIL|ERROR): |post-tests in|tests when loading|failed, .* error" "$logfile" | tail -n 80 || true
log "install $((t1 - t0)) s, tests $((t2 - t1)) s"
