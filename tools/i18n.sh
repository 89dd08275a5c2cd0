#!/usr/bin/env bash
# Regenerate i18n/customer_requirement_review.pot from the module (installed in a scratch database)
# and merge it into i18n/zh_CN.po (new terms appear untranslated; the zh_CN test then fails until
# they are translated). Usage: bash tools/i18n.sh
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"
DB=${CRR_I18N_DB:-crr_i18n}
started=$(pg_start)
trap '[ "$started" = started ] && pg_stop || true' EXIT
conf=$(write_odoo_conf "$DB")
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
odoo_cmd -c "$conf" -d "$DB" -i "$ADDON" --stop-after-init --log-level=warn --log-handler=py.warnings:ERROR
i18n=$REPO_ROOT/$ADDON/i18n
odoo_cmd i18n export -c "$conf" -d "$DB" -l pot -o "$i18n/$ADDON.pot" "$ADDON"
if [ -f "$i18n/zh_CN.po" ]; then
    msgmerge --quiet --no-fuzzy-matching --update --backup=none --no-wrap "$i18n/zh_CN.po" "$i18n/$ADDON.pot"
else
    msginit --no-translator --no-wrap --locale=zh_CN.UTF-8 --input="$i18n/$ADDON.pot" --output-file="$i18n/zh_CN.po"
fi
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
log "updated $i18n/$ADDON.pot and $i18n/zh_CN.po"
