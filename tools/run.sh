#!/usr/bin/env bash
# `make run`: Odoo with the addon and its demo data, served on 127.0.0.1:$PORT.
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"

DB=${CRR_DB:-crr_demo}
PORT=${PORT:-8069}
WORKERS=${WORKERS:-2}

started=$(pg_start)
cleanup() { [ "$started" = started ] && pg_stop || true; }
trap cleanup EXIT

conf=$(write_odoo_conf "$DB")
hash_file=$CRR_STATE/$DB.addon-hash
if ! db_exists "$DB"; then
    log "creating database $DB with demo data and the addon (a few minutes, once)"
    odoo_cmd -c "$conf" -d "$DB" -i "$CRR_ADDONS" --with-demo --load-language=en_US,zh_CN \
        --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
    # Chinese is installed (users switch in their preferences); the users start in CRR_LANG
    psql_admin -d "$DB" -c "UPDATE res_partner SET lang = '${CRR_LANG:-en_US}'
                            WHERE id IN (SELECT partner_id FROM res_users)" >/dev/null
    addon_hash >"$hash_file"
elif [ "$(cat "$hash_file" 2>/dev/null)" != "$(addon_hash)" ]; then
    log "the addons changed: updating them in $DB"
    odoo_cmd -c "$conf" -d "$DB" -i "$CRR_ADDONS" -u "$CRR_ADDONS" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
    addon_hash >"$hash_file"
fi

log "Odoo is starting on http://127.0.0.1:$PORT/web/login  (login: admin, password: admin; database $DB)"
log "demo reviewers and their passwords are listed in README.md; Ctrl-C stops the server"
server_args=(-c "$conf" -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT")
if [ "$WORKERS" -gt 0 ]; then
    server_args+=(--workers="$WORKERS" --gevent-port="$((PORT + 3))" --max-cron-threads=1
                  --limit-time-real=600 --limit-time-cpu=300)
fi
# run in the foreground of this script (not exec) so that the cluster is stopped afterwards
(ODOO_EXEC=1 odoo_cmd "${server_args[@]}") &
server=$!
stop_server() {
    # a first TERM asks for a graceful stop; the prefork master may need a second one
    kill -TERM "$server" 2>/dev/null || return 0
    for _ in $(seq 1 20); do kill -0 "$server" 2>/dev/null || return 0; sleep 0.5; done
    kill -TERM "$server" 2>/dev/null || return 0
    for _ in $(seq 1 10); do kill -0 "$server" 2>/dev/null || return 0; sleep 0.5; done
    kill -KILL "$server" 2>/dev/null || true
}
trap stop_server INT TERM HUP
wait $server || true
wait $server 2>/dev/null || true
