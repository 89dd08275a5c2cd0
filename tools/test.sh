#!/usr/bin/env bash
# `make test`: lint, then the addon's tests with pytest-odoo in a fresh throw-away database.
# The pytest summary line is the last line printed; the exit code is pytest's.
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

"$REPO_ROOT/tools/lint.sh"

DB=${CRR_TEST_DB:-crr_test_$$}
# the e-commerce and the demo payment provider are installed too (not dependencies of the addon): the tests of
# online payment and checkout (tests/test_online_payment.py) run only where they are installed
MODULES=${CRR_TEST_MODULES:-$ADDON,website_sale,payment_demo}
started=$(pg_start)
conf=$(write_odoo_conf "$DB")
cleanup() {
    if [ "${CRR_KEEP_DB:-0}" != 1 ] && db_exists "$DB" 2>/dev/null; then psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true; fi
    [ "${CRR_KEEP_DB:-0}" = 1 ] || rm -f "$conf"
    [ "$started" = started ] && pg_stop 2>/dev/null || true
}
trap cleanup EXIT

if [ "${CRR_KEEP_DB:-0}" = 1 ] && db_exists "$DB"; then
    # development loop: reuse the database, only update the addon
    log "updating $ADDON in the kept database $DB"
    odoo_cmd -c "$conf" -d "$DB" -u "$ADDON" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
else
    log "installing $MODULES into the throw-away database $DB"
    psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
    odoo_cmd -c "$conf" -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
fi

log "running the tests"
set +e
(cd "$REPO_ROOT" && PYTHONPATH="$(odoo_src)" CRR_REQUIRE_BROWSER=${CRR_REQUIRE_BROWSER:-1} \
    "$PY" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$DB" --odoo-http \
    -W ignore::DeprecationWarning -rfEs ${PYTEST_ARGS:-"$ADDON/tests"} "$@")
rc=$?
set -e
# silent cleanup, so that pytest's summary line stays the last line printed
trap - EXIT
cleanup >/dev/null 2>&1
exit $rc
