#!/usr/bin/env bash
# Regenerate i18n/<addon>.pot of every addon of CRR_ADDONS (installed in a scratch database)
# and merge it into their i18n/zh_CN.po (new terms appear untranslated; the zh_CN test then fails until
# they are translated). Usage: bash tools/i18n.sh
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/tools/setup.sh"
DB=${CRR_I18N_DB:-crr_i18n}
started=$(pg_start)
trap '[ "$started" = started ] && pg_stop || true' EXIT
conf=$(write_odoo_conf "$DB")
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
# with the e-shop too, as the tests install it: the fields it adds to every model with a chatter (ratings...)
# are named after the addons that define the models, so their labels belong to the addons' catalogues
odoo_cmd -c "$conf" -d "$DB" -i "$CRR_ADDONS,${CRR_I18N_EXTRA_MODULES-website_sale}" --stop-after-init --log-level=warn \
    --log-handler=py.warnings:ERROR
for addon in $(addon_list); do
    i18n=$REPO_ROOT/$addon/i18n
    mkdir -p "$i18n"
    odoo_cmd i18n export -c "$conf" -d "$DB" -l pot -o "$i18n/$addon.pot" "$addon"
    if [ -f "$i18n/zh_CN.po" ]; then
        msgmerge --quiet --no-fuzzy-matching --update --backup=none --no-wrap "$i18n/zh_CN.po" "$i18n/$addon.pot"
    else
        msginit --no-translator --no-wrap --locale=zh_CN.UTF-8 --input="$i18n/$addon.pot" --output-file="$i18n/zh_CN.po"
    fi
    log "updated $i18n/$addon.pot and $i18n/zh_CN.po"
done
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
