#!/usr/bin/env bash
# Upgrade test: the release named in tools/upgrade_base.txt (a commit of this repository) is installed
# with its demo data into a throw-away database, the records a customer cannot lose are counted and the
# decisions checksummed, the module is upgraded to the working tree with `-u`, and the figures are
# compared (tools/upgrade_check.py; deliberate value mappings of migrations: tools/upgrade_mapping.json).
# Exit 0 when nothing was lost. With CRR_UPGRADE_KEEP=1 the upgraded database is kept (make test runs the
# two-server test on it); its name is CRR_UPGRADE_DB.
source "$(dirname "$0")/lib.sh"

DB=${CRR_UPGRADE_DB:-crr_upgrade_$$}
base_commit=$(tr -d '[:space:]' <"$REPO_ROOT/tools/upgrade_base.txt")
git -C "$REPO_ROOT" cat-file -e "$base_commit^{commit}" 2>/dev/null \
    || die "the base release $base_commit (tools/upgrade_base.txt) is not in this clone's history"

started=$(pg_start)
work=$(mktemp -d "${TMPDIR:-/tmp}/crr-upgrade.XXXXXX")
conf=$(write_odoo_conf "$DB")
cleanup() {
    if [ "${CRR_UPGRADE_KEEP:-0}" != 1 ]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
        rm -rf "$CRR_CACHE/data/filestore/$DB" "$conf"
    fi
    rm -rf "$work"
    [ "$started" = started ] && pg_stop 2>/dev/null || true
}
trap cleanup EXIT

# the base release's addon, extracted from git (no tag needed: CI's fresh clone has the commit)
mkdir -p "$work/base"
git -C "$REPO_ROOT" archive "$base_commit" "$ADDON" | tar -x -C "$work/base"
base_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$work/base/$ADDON/__manifest__.py")
new_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$REPO_ROOT/$ADDON/__manifest__.py")
base_conf=$work/odoo-base.conf
src=$(odoo_src)
base_path="$src/odoo/addons"
[ -d "$src/addons" ] && base_path="$src/addons,$base_path"
sed "s|^addons_path = .*|addons_path = $base_path,$work/base|" "$conf" >"$base_conf"

odoo_quiet=(--stop-after-init --log-level=warn --log-handler=py.warnings:ERROR)
log "upgrade test: installing $ADDON $base_version (commit ${base_commit:0:7}) with demo data into $DB"
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
t0=$SECONDS
odoo_cmd -c "$base_conf" -d "$DB" -i "$ADDON" --with-demo "${odoo_quiet[@]}"
t_install=$((SECONDS - t0))

dsn="host=$(db_host) port=$(db_port) user=$(db_user) dbname=$DB"
[ -n "$(db_password)" ] && dsn="$dsn password=$(db_password)"
mapping=$REPO_ROOT/tools/upgrade_mapping.json
"$PY" "$REPO_ROOT/tools/upgrade_check.py" snapshot --dsn "$dsn" --out "$work/before.json"

log "upgrade test: upgrading $DB to the working tree ($ADDON $new_version) with -u"
t0=$SECONDS
odoo_cmd -c "$conf" -d "$DB" -u "$ADDON" "${odoo_quiet[@]}" 2>&1 | tee "$work/upgrade.log" >&2
t_upgrade=$((SECONDS - t0))
if grep -q " ERROR \| CRITICAL " "$work/upgrade.log"; then
    die "the upgrade logged errors (above)"
fi
state=$(psql_admin -d "$DB" -tAc "SELECT state || ' ' || coalesce(latest_version, '') FROM ir_module_module WHERE name = '$ADDON'")
[ "$state" = "installed $new_version" ] || die "after the upgrade, $ADDON is '$state', expected 'installed $new_version'"

"$PY" "$REPO_ROOT/tools/upgrade_check.py" snapshot --dsn "$dsn" --out "$work/after.json" --mapping "$mapping"
log "upgrade test: $ADDON $base_version -> $new_version (install ${t_install}s, upgrade ${t_upgrade}s)"
"$PY" "$REPO_ROOT/tools/upgrade_check.py" compare "$work/before.json" "$work/after.json" --mapping "$mapping"
