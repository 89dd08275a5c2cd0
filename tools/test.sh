#!/usr/bin/env bash
# `make test`: lint, then the addons' tests with pytest-odoo in a fresh throw-away database, then (full
# runs: PYTEST_ARGS not set) the steps of CRR_STEPS:
#   queue        the addons of CRR_LATER_ADDONS (the job queue bridge and OCA's queue_job) installed into
#                the same database after the tests above, which so run without them, and their own tests
#   upgrade      tools/upgrade_test.sh: the release of tools/upgrade_base.txt upgraded to the working tree
#   multiserver  tools/multi_server_test.sh: two Odoo servers on one database (the upgraded one)
# Each step's result and duration is printed, then one closing line "total: N passed, N failed" counting
# the tests and the steps; the exit code is non-zero when any test or step failed.
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

# Addons installed into the test database and tested: CRR_ADDONS (tools/lib.sh; a new addon of this
# repository adds itself there).
# Addons installed afterwards (they change how the addons above work, e.g. jobs instead of work done at
# once): the tests of CRR_ADDONS run without them, theirs with them.
CRR_LATER_ADDONS=${CRR_LATER_ADDONS:-customer_requirement_review_queue}
if [ -z "${PYTEST_ARGS:-}" ]; then
    CRR_STEPS=${CRR_STEPS-queue upgrade multiserver}
else
    CRR_STEPS=${CRR_STEPS-}
fi

"$REPO_ROOT/tools/lint.sh"

DB=${CRR_TEST_DB:-crr_test_$$}
UPGRADE_DB=${DB}_upgrade
# the e-commerce and the demo payment provider are installed too (not dependencies of the addons): the tests
# of online payment and checkout (tests/test_online_payment.py) run only where they are installed
CRR_TEST_EXTRA_MODULES=${CRR_TEST_EXTRA_MODULES-website_sale,payment_demo}
started=$(pg_start)
conf=$(write_odoo_conf "$DB")
work=$(mktemp -d "${TMPDIR:-/tmp}/crr-test.XXXXXX")
drop_db() {
    if db_exists "$1" 2>/dev/null; then psql_admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true; fi
    rm -rf "$CRR_CACHE/data/filestore/$1"
}
cleanup() {
    if [ "${CRR_KEEP_DB:-0}" != 1 ]; then drop_db "$DB"; rm -f "$conf"; fi
    drop_db "$UPGRADE_DB"
    rm -f "$CRR_STATE/odoo-$UPGRADE_DB.conf"
    rm -rf "$work"
    [ "$started" = started ] && pg_stop 2>/dev/null || true
}
trap cleanup EXIT

addons=$(echo "$CRR_ADDONS" | tr ' ' ',')
odoo_quiet=(--stop-after-init --log-level=warn --log-handler=py.warnings:ERROR)
t0=$SECONDS
if [ "${CRR_KEEP_DB:-0}" = 1 ] && db_exists "$DB"; then
    # development loop: reuse the database, only update the addons
    log "updating $addons in the kept database $DB"
    odoo_cmd -c "$conf" -d "$DB" -i "$addons" -u "$addons" "${odoo_quiet[@]}"
else
    log "installing $addons${CRR_TEST_EXTRA_MODULES:+,$CRR_TEST_EXTRA_MODULES} into the throw-away database $DB"
    psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
    odoo_cmd -c "$conf" -d "$DB" -i "$addons${CRR_TEST_EXTRA_MODULES:+,$CRR_TEST_EXTRA_MODULES}" "${odoo_quiet[@]}"
fi
steps=("install $addons|ok|$((SECONDS - t0))")

passed=0 failed=0 skipped=0 rc=0
# pytest with the project's options; adds its counts to the totals
run_pytest() {
    local out=$work/pytest-$1.log status; shift
    set +e
    (cd "$REPO_ROOT" && PYTHONPATH="$(odoo_src)" CRR_REQUIRE_BROWSER=${CRR_REQUIRE_BROWSER:-1} \
        "$PY" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$DB" --odoo-http \
        -W ignore::DeprecationWarning -rfEs "$@") 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    set -e
    # counts of pytest's summary line, e.g. "=== 2 failed, 300 passed, 1 skipped in 150.2s ==="
    local counts
    counts=$(grep -E '^=+ .* in [0-9.]+s' "$out" | tail -n 1 | awk '{
        for (i = 2; i <= NF; i++) { w = $i; gsub(/[,=]/, "", w)
            if (w == "passed") p += $(i-1); else if (w == "failed" || w == "error" || w == "errors") f += $(i-1);
            else if (w == "skipped") s += $(i-1) }
        printf "%d %d %d", p, f, s }')
    read -r p f s <<<"${counts:-0 0 0}"
    # pytest failed without a failed test (collection error, no test run): one failure
    [ "$status" != 0 ] && [ "${f:-0}" = 0 ] && f=1
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
    return "$status"
}
record_step() {  # name status seconds
    local result=ok
    if [ "$2" != 0 ]; then result=FAILED; rc=1; failed=$((failed + 1)); else passed=$((passed + 1)); fi
    steps+=("$1|$result|$3")
}

log "running the tests"
test_paths=()
for addon in $(addon_list); do test_paths+=("$addon/tests"); done
if [ -n "${PYTEST_ARGS:-}" ]; then read -r -a test_paths <<<"$PYTEST_ARGS"; fi
t0=$SECONDS
if run_pytest main "${test_paths[@]}" "$@"; then result=ok; else result=FAILED; rc=1; fi
steps+=("tests of $addons|$result|$((SECONDS - t0))")

for step in $CRR_STEPS; do
    t0=$SECONDS
    set +e
    case $step in
        queue)
            later=$(echo "$CRR_LATER_ADDONS" | tr ' ' ',')
            log "step queue: installing $later (with OCA's queue_job) into $DB, then their tests"
            odoo_cmd -c "$conf" -d "$DB" -i "$later" "${odoo_quiet[@]}"
            status=$?
            if [ "$status" = 0 ]; then
                later_paths=()
                for addon in $CRR_LATER_ADDONS; do later_paths+=("$addon/tests"); done
                # in a condition: run_pytest turns errexit back on, and a failed step must not end the run
                if run_pytest later "${later_paths[@]}"; then status=0; else status=$?; fi
                [ "$status" = 0 ] || rc=1
                steps+=("install and tests of $later|$([ "$status" = 0 ] && echo ok || echo FAILED)|$((SECONDS - t0))")
            else
                record_step "install $later" "$status" $((SECONDS - t0))
            fi
            ;;
        upgrade)
            CRR_UPGRADE_DB=$UPGRADE_DB CRR_UPGRADE_KEEP=1 bash "$REPO_ROOT/tools/upgrade_test.sh"
            record_step "upgrade test (tools/upgrade_test.sh)" $? $((SECONDS - t0))
            ;;
        multiserver)
            # on the upgraded database (the working tree's module with demo data) when there is one
            CRR_MS_DB=$UPGRADE_DB bash "$REPO_ROOT/tools/multi_server_test.sh"
            record_step "two-server test (tools/multi_server_test.sh)" $? $((SECONDS - t0))
            ;;
        *) log "unknown step '$step' in CRR_STEPS"; record_step "$step (unknown)" 1 0 ;;
    esac
    set -e
done

log "summary:"
for row in "${steps[@]}"; do
    IFS='|' read -r name result seconds <<<"$row"
    printf '[crr]   %-60s %-7s %5ss\n' "$name" "$result" "$seconds" >&2
done
# silent cleanup, so that the totals stay the last line printed
trap - EXIT
cleanup >/dev/null 2>&1
line="total: $passed passed, $failed failed"
[ "$skipped" = 0 ] || line="$line, $skipped skipped"
echo "$line"
exit $rc
