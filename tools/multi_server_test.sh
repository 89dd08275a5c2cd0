#!/usr/bin/env bash
# Two Odoo servers on one database (tools/multi_server_test.py says what is checked). The database is
# CRR_MS_DB: when it exists (make test passes the upgrade test's database, which holds the working tree's
# module with demo data) it is used as it is; otherwise it is created with the module and demo data and
# dropped at the end. CRR_MS_PORTS="8075 8077" fixes the ports (default: two free ones); CRR_MS_WORKERS
# is the number of workers of server A (default 2; server B is threaded).
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

DB=${CRR_MS_DB:-crr_multiserver_$$}
started=$(pg_start)
conf=$(write_odoo_conf "$DB")
created=0
cleanup() {
    if [ "$created" = 1 ] && [ "${CRR_KEEP_DB:-0}" != 1 ]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
        rm -rf "$CRR_CACHE/data/filestore/$DB"
    fi
    [ "$started" = started ] && pg_stop 2>/dev/null || true
}
trap cleanup EXIT

if ! db_exists "$DB"; then
    log "two-server test: creating $DB with $ADDON and demo data"
    created=1
    odoo_cmd -c "$conf" -d "$DB" -i "$ADDON" --with-demo --stop-after-init --log-level=warn \
        --log-handler=py.warnings:ERROR
fi
odoo_cmd --version >/dev/null  # writes the launcher
dsn="host=$(db_host) port=$(db_port) user=$(db_user) dbname=$DB"
[ -n "$(db_password)" ] && dsn="$dsn password=$(db_password)"
log "two-server test on $DB"
"$PY" "$REPO_ROOT/tools/multi_server_test.py" --db "$DB" --conf "$conf" --dsn "$dsn" --python "$PY" \
    --launcher "$CRR_STATE/odoo-bin" --odoo-src "$(odoo_src)" --admin-password "${CRR_MASTER_PASSWORD:-admin}"
