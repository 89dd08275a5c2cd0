# Shared settings and helpers of the project's tooling; sourced by setup.sh, run.sh and test.sh.
# Every path below can be overridden from the environment (see README.md, "Variables").
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=customer_requirement_review
# The addons installed, linted, translated and tested (comma-separated, the main addon first). The main addon
# alone (without Inventory): CRR_ADDONS=customer_requirement_review
CRR_ADDONS=${CRR_ADDONS:-customer_requirement_review,customer_requirement_review_stock}
addon_list() { tr ',' ' ' <<<"$CRR_ADDONS"; }

if [ "$(id -u)" = 0 ]; then
    # root's home is private: the PostgreSQL cluster (run as the postgres user) must reach the cache
    CRR_CACHE=${CRR_CACHE:-/var/cache/customer_requirement_review}
else
    CRR_CACHE=${CRR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/customer_requirement_review}
fi
CRR_PYTHON=${CRR_PYTHON:-python3.11}
CRR_VENV=${CRR_VENV:-$CRR_CACHE/venv}
CRR_PGPORT=${CRR_PGPORT:-55432}
CRR_PGDIR=$CRR_CACHE/postgresql
CRR_STATE=$CRR_CACHE/state
PY=$CRR_VENV/bin/python

log() { printf '\033[1m[crr]\033[0m %s\n' "$*" >&2; }
die() { printf '[crr] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- Odoo source -------------------------------------------------------------------------------
# ODOO_SRC is the folder that holds the importable `odoo` package (a git checkout's root, or
# .../dist-packages of the Debian package). Without it, the Debian odoo-19 package is extracted
# into the cache.
odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        echo "$ODOO_SRC"
    else
        echo "$CRR_CACHE/odoo/usr/lib/python3/dist-packages"
    fi
}

odoo_addons_path() {
    local src; src=$(odoo_src)
    local path="$src/odoo/addons"
    [ -d "$src/addons" ] && path="$src/addons,$path"
    # OCA addons of the optional bridges (tools/setup.sh, oca-addons.txt)
    [ -d "$CRR_CACHE/oca-addons/root/odoo/addons" ] && path="$path,$CRR_CACHE/oca-addons/root/odoo/addons"
    echo "$path,$REPO_ROOT${CRR_EXTRA_ADDONS_PATH:+,$CRR_EXTRA_ADDONS_PATH}"
}

# OCA addons published on PyPI as odoo-addon-<name> wheels, listed in the file $1: downloaded without their
# dependencies (they declare `odoo`, which PyPI does not have) and unpacked into $2/root once (again when the
# list changes); their addons are in $2/root/odoo/addons.
fetch_oca_wheels() {
    local list=$1 dir=$2 want have= whl
    want=$(sha1sum <"$list" | cut -c1-40)
    [ -f "$dir/.complete" ] && have=$(cat "$dir/.complete")
    [ "$want" = "$have" ] && return 0
    log "fetching the OCA addons of $(basename "$list") into $dir"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/wheels" "$dir.tmp/root"
    "$PY" -m pip download -q --disable-pip-version-check --no-deps -d "$dir.tmp/wheels" -r "$list" 2>&1 \
        | grep -v "^WARNING: Location" >&2 || true
    for whl in "$dir.tmp/wheels"/*.whl; do
        [ -f "$whl" ] || die "pip download of $list fetched nothing"
        "$PY" -m zipfile -e "$whl" "$dir.tmp/root"
    done
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    echo "$want" >"$dir/.complete"
}

# The odoo command of the tree, run with the project's virtualenv. A launcher file (not `python -c`)
# because the multi-worker server re-executes sys.argv[0] for its gevent process.
odoo_cmd() {
    local src launcher=$CRR_STATE/odoo-bin
    src=$(odoo_src)
    if [ ! -f "$launcher" ]; then
        mkdir -p "$CRR_STATE"
        printf '%s\n' '#!/usr/bin/env python3' 'import odoo.cli' 'odoo.cli.main()' >"$launcher"
    fi
    if [ "${ODOO_EXEC:-0}" = 1 ]; then
        PYTHONPATH="$src${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" "$launcher" "$@"
    fi
    PYTHONPATH="$src${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$launcher" "$@"
}

# --- PostgreSQL ----------------------------------------------------------------------------------
# With PGHOST set the user's own server is used as it is; otherwise a cluster of the project's own.
using_external_pg() { [ -n "${PGHOST:-}" ]; }

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] && { pg_config --bindir; return; }
    return 1
}

pg_os_user() { if is_root; then echo postgres; else id -un; fi; }

as_pg_user() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

db_host() { if using_external_pg; then echo "$PGHOST"; else echo "$CRR_PGDIR/run"; fi; }
db_port() { if using_external_pg; then echo "${PGPORT:-5432}"; else echo "$CRR_PGPORT"; fi; }
db_user() { if using_external_pg; then echo "${PGUSER:-$(id -un)}"; else echo odoo; fi; }
db_password() { if using_external_pg; then echo "${PGPASSWORD:-}"; else echo ""; fi; }

psql_admin() {
    # psql as a role that may create and drop databases
    local host port user password
    host=$(db_host) port=$(db_port) user=$(db_user) password=$(db_password)
    PGHOST=$host PGPORT=$port PGUSER=$user PGPASSWORD=$password psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
}

db_exists() {
    [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

pg_running() {
    [ -f "$CRR_PGDIR/data/postmaster.pid" ] && "$(pg_bindir)/pg_isready" -q -h "$CRR_PGDIR/run" -p "$CRR_PGPORT"
}

# A cluster killed with its machine session leaves postmaster.pid behind; if that PID now belongs to
# another process, PostgreSQL would refuse to start, so a lock file of no live postgres is removed.
pg_clear_stale_lock() {
    local lock=$CRR_PGDIR/data/postmaster.pid pid
    [ -f "$lock" ] || return 0
    pid=$(head -n 1 "$lock")
    if ! ps -p "$pid" -o comm= 2>/dev/null | grep -q postgres; then
        rm -f "$lock"
    fi
}

# Start the project's cluster when needed; prints "started" when this call started it.
pg_start() {
    using_external_pg && return 0
    pg_running && return 0
    pg_clear_stale_lock
    log "starting the project's PostgreSQL (port $CRR_PGPORT, socket in $CRR_PGDIR/run)"
    as_pg_user "$(pg_bindir)/pg_ctl" -D "$CRR_PGDIR/data" -l "$CRR_PGDIR/postgresql.log" -w -t 60 \
        -o "-k $CRR_PGDIR/run -p $CRR_PGPORT -c listen_addresses=''" start >/dev/null
    echo started
}

pg_stop() {
    using_external_pg && return 0
    pg_running || return 0
    log "stopping the project's PostgreSQL"
    as_pg_user "$(pg_bindir)/pg_ctl" -D "$CRR_PGDIR/data" -m fast -w stop >/dev/null
}

# --- Odoo configuration ----------------------------------------------------------------------------
# One generated config file per database, shared by the odoo CLI and pytest-odoo.
write_odoo_conf() {
    local db=$1 conf=$CRR_STATE/odoo-$1.conf
    mkdir -p "$CRR_STATE" "$CRR_CACHE/data"
    cat >"$conf" <<CONF
[options]
db_name = $db
db_host = $(db_host)
db_port = $(db_port)
db_user = $(db_user)
db_password = $(db_password)
dbfilter = ^$db\$
addons_path = $(odoo_addons_path)
data_dir = $CRR_CACHE/data
admin_passwd = ${CRR_MASTER_PASSWORD:-admin}
list_db = False
http_interface = 127.0.0.1
CONF
    echo "$conf"
}

addon_hash() {
    # shellcheck disable=SC2046
    (cd "$REPO_ROOT" && find $(addon_list) -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha1sum) \
        | sha1sum | cut -c1-40
}
