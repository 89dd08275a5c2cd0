#!/usr/bin/env bash
# `make bench`: run the benchmark scripts of bench/ against a benchmark database with the module
# installed (created once, updated when the module changed). Each script prints its figures.
# Usage: make bench                 (all scripts)
#        BENCH=bench/bench_review_overhead.py BENCH_ARGS="--orders 200" make bench
#        CRR_BENCH_WITH=stock make bench   (a database where Inventory is installed too: crr_bench_stock)
#        CRR_BENCH_WITH=peer make bench    (a database where OCA's sale_tier_validation is installed too:
#                                          crr_bench_peer; runs bench_vs_tier_validation.py)
#        CRR_BENCH_WITH=peer_apart make bench  (each product in a database of its own, as a company installs
#                                          one: crr_bench_peer_apart with the addon, crr_bench_peer_apart_peer with
#                                          sale_tier_validation and the addon's dependencies; runs
#                                          bench_vs_tier_validation.py on both, interleaved)
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"
WITH=${CRR_BENCH_WITH:-}
PEER_SCRIPT=$REPO_ROOT/bench/bench_vs_tier_validation.py
case "$WITH" in
    "") MODULES=$ADDON ;;
    # with Inventory: the bridge addon too (it depends on sale_stock)
    stock) MODULES=$ADDON,customer_requirement_review_stock ;;
    # the peer of the review: OCA's tier validation, in a folder of the benchmark only (never a dependency)
    peer|peer_apart) fetch_oca_wheels "$REPO_ROOT/bench/oca-peer-addons.txt" "$CRR_CACHE/oca-peer"
          CRR_EXTRA_ADDONS_PATH=$CRR_CACHE/oca-peer/root/odoo/addons
          export CRR_EXTRA_ADDONS_PATH
          # peer_apart: the peer goes into a database of its own (below)
          if [ "$WITH" = peer ]; then MODULES=$ADDON,sale_tier_validation; else MODULES=$ADDON; fi ;;
    *) die "CRR_BENCH_WITH must be empty, stock, peer or peer_apart (got '$WITH')" ;;
esac
DB=${CRR_BENCH_DB:-crr_bench${WITH:+_$WITH}}
started=$(pg_start)
trap '[ "$started" = started ] && pg_stop || true' EXIT
conf=$(write_odoo_conf "$DB")
hash_file=$CRR_STATE/$DB.addon-hash
# the code whose change updates the database: this repository's addons among the modules (not the peer's)
CRR_ADDONS=$(tr ',' '\n' <<<"$MODULES" | while read -r module; do if [ -d "$REPO_ROOT/$module" ]; then echo "$module"; fi; done | paste -sd, -)
if ! db_exists "$DB"; then
    log "creating the benchmark database $DB"
    odoo_cmd -c "$conf" -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
    addon_hash >"$hash_file"
elif [ "$(cat "$hash_file" 2>/dev/null)" != "$(addon_hash)" ]; then
    odoo_cmd -c "$conf" -d "$DB" -i "$MODULES" -u "$MODULES" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
    addon_hash >"$hash_file"
fi
# the benchmarks roll back what they create: clear the dead rows of earlier runs and refresh the planner's
# statistics, as autovacuum does on a live database
psql_admin -d "$DB" -c "VACUUM ANALYZE"
PEER_ARGS=
if [ "$WITH" = peer_apart ]; then
    # the peer's database: the addon's dependencies and the peer, not the addon (nothing of ours to update)
    PEER_DB=${CRR_BENCH_PEER_DB:-${DB}_peer}
    if ! db_exists "$PEER_DB"; then
        log "creating the peer's benchmark database $PEER_DB"
        deps=$("$PY" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
            "$REPO_ROOT/$ADDON/__manifest__.py")
        odoo_cmd -c "$(write_odoo_conf "$PEER_DB")" -d "$PEER_DB" -i "$deps,sale_tier_validation" --stop-after-init \
            --log-level=warn --log-handler=py.warnings:ERROR
    fi
    psql_admin -d "$PEER_DB" -c "VACUUM ANALYZE"
    PEER_ARGS="--peer-database $PEER_DB"
fi
if [ "$WITH" = peer ] || [ "$WITH" = peer_apart ]; then
    scripts=${BENCH:-$PEER_SCRIPT}
else
    # the comparison with the peer needs the peer's database
    scripts=${BENCH:-$(ls "$REPO_ROOT"/bench/bench_*.py | grep -v "$PEER_SCRIPT")}
fi
for script in $scripts; do
    log "benchmark: $(basename "$script")"
    # shellcheck disable=SC2086
    PYTHONPATH="$(odoo_src):$REPO_ROOT/bench" "$PY" "$script" --config "$conf" --database "$DB" $PEER_ARGS ${BENCH_ARGS:-}
done
