#!/usr/bin/env bash
# Idempotent setup shared by `make run` and `make test`: Odoo 19, the Python virtualenv, the
# system packages (root only) and the project's PostgreSQL cluster. A second run only checks.
source "$(dirname "$0")/lib.sh"

mkdir -p "$CRR_CACHE" "$CRR_STATE"

# --- system packages (wkhtmltopdf, fonts, chromium, PostgreSQL server) ------------------------------
missing_system_packages() {
    local p missing=()
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf xfonts-75dpi xfonts-base)
    command -v chromium >/dev/null || missing+=(chromium)
    ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    # the PDF forms' Chinese font: its text copies and searches as the right characters
    ls /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc >/dev/null 2>&1 || missing+=(fonts-wqy-zenhei)
    [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
    if ! using_external_pg; then pg_bindir >/dev/null || missing+=(postgresql); fi
    command -v psql >/dev/null || missing+=(postgresql-client)
    command -v "$CRR_PYTHON" >/dev/null || missing+=(python3 python3-venv)
    for p in "${missing[@]}"; do echo "$p"; done
}

setup_system() {
    local missing
    mapfile -t missing < <(missing_system_packages)
    [ ${#missing[@]} = 0 ] && return 0
    if is_root && [ "${CRR_NO_APT:-0}" != 1 ]; then
        log "installing Debian packages: ${missing[*]}"
        local stamp=/var/lib/apt/lists
        if [ -z "$(find "$stamp" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
            apt-get update -qq
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        log "missing system packages; as root run:"
        log "  apt-get install --no-install-recommends ${missing[*]}"
        case " ${missing[*]} " in
            *" postgresql "*|*" postgresql-client "*|*" python3 "*) die "cannot continue without them" ;;
        esac
        log "(going on: PDF reports or browser tours will not work until then)"
    fi
}

# --- Odoo 19 from Debian's odoo-19 package (sid), verified by apt --------------------------------------
# The packages whose files the odoo-19 package links to (javascript libraries and fonts) are fetched
# the same way and extracted into the same root, so that every link of the tree resolves.
# odoo-19 and fonts-montserrat exist only in sid; the others are taken from bookworm, whose versions
# (Font Awesome 4.7 among them) are the ones the package's links name.
ODOO_DEBS=(odoo-19/sid fonts-montserrat/sid libjs-jquery/bookworm libjs-underscore/bookworm
           libjs-jquery-form/bookworm fonts-font-awesome/bookworm fonts-roboto-unhinted/bookworm
           fonts-inconsolata/bookworm fonts-ocr-b/bookworm)

private_apt() {
    local dir=$CRR_CACHE/apt
    local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$dir/sources.list.d"
                -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
                -o "Acquire::Check-Valid-Until=false" -o "Debug::NoLocking=true"
                -o "APT::Sandbox::User=$(id -un)")
    "$@" "${opts[@]}"
}

setup_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC does not hold the odoo package (odoo/release.py)"
        grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" || die "ODOO_SRC=$ODOO_SRC is not Odoo 19.0"
        return 0
    fi
    local root=$CRR_CACHE/odoo dir=$CRR_CACHE/apt
    [ -f "$root/.complete" ] && { stub_excluded_assets "$root"; return 0; }
    log "fetching Odoo 19 (Debian package odoo-19) into $root"
    local uri
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" {print ($2 ~ /^\[/ ? $3 : $2); exit}' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set ODOO_SRC"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -f "$keyring" ] || die "$keyring is missing (package debian-archive-keyring)"
    mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
    cat >"$dir/sources.list.d/sid.sources" <<SRC
Types: deb
URIs: $uri
Suites: sid bookworm
Components: main
Signed-By: $keyring
SRC
    private_apt apt-get -qq update
    rm -rf "$dir/debs"/*.deb
    (cd "$dir/debs" && private_apt apt-get -qq download "${ODOO_DEBS[@]}")
    rm -rf "$root.tmp" && mkdir -p "$root.tmp"
    local deb
    for deb in "$dir/debs"/*.deb; do dpkg-deb -x "$deb" "$root.tmp"; done
    local dangling
    dangling=$(cd "$root.tmp" && find usr/lib/python3/dist-packages/odoo -xtype l | head -5)
    [ -z "$dangling" ] || die "links of the Odoo tree still dangle after extraction: $dangling"
    rm -rf "$root" && mv "$root.tmp" "$root" && touch "$root/.complete"
    rm -rf "$dir/debs"/*.deb
    stub_excluded_assets "$root"
}

# Debian's package leaves out MediaPipe's selfie_segmentation.js (not DFSG-free: see its
# copyright file, Files-Excluded), which mail's backend asset bundle still lists; without a file
# there the web client reports a missing asset (and browser tours fail). A stand-in script keeps
# the bundle whole; only the video-call background blur is unavailable.
stub_excluded_assets() {
    local stub=$1/usr/lib/python3/dist-packages/odoo/addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js
    [ -f "$stub" ] && return 0
    mkdir -p "$(dirname "$stub")"
    printf '%s\n' "/* Stand-in for MediaPipe's selfie_segmentation.js, which Debian's odoo-19 package excludes:" \
        "   video-call background blur is unavailable. Written by customer_requirement_review's setup. */" >"$stub"
}

# --- Python virtualenv -------------------------------------------------------------------------
setup_venv() {
    local want have=
    want=$(cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-test.txt" | sha1sum | cut -c1-40)
    [ -f "$CRR_VENV/.requirements" ] && have=$(cat "$CRR_VENV/.requirements")
    [ "$want" = "$have" ] && [ -x "$PY" ] && return 0
    command -v "$CRR_PYTHON" >/dev/null || die "$CRR_PYTHON not found (set CRR_PYTHON to a Python 3.11 interpreter)"
    log "installing the Python dependencies into $CRR_VENV"
    [ -x "$PY" ] || "$CRR_PYTHON" -m venv "$CRR_VENV"
    "$PY" -m pip install -q --disable-pip-version-check -r "$REPO_ROOT/requirements-test.txt"
    echo "$want" >"$CRR_VENV/.requirements"
}

# --- OCA addons of the optional bridges (oca-addons.txt) -------------------------------------------
# Wheels fetched without their dependencies (they name `odoo`, which is no PyPI package), extracted into
# the cache; lib.sh puts their addons folder on the addons path.
setup_oca_addons() {
    fetch_oca_wheels "$REPO_ROOT/oca-addons.txt" "$CRR_CACHE/oca-addons"
}

# --- the project's PostgreSQL cluster ----------------------------------------------------------
setup_pg() {
    using_external_pg && {
        psql_admin -c 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at PGHOST=$PGHOST PGPORT=${PGPORT:-5432} as ${PGUSER:-$(id -un)}"
        return 0
    }
    local bindir; bindir=$(pg_bindir) || die "PostgreSQL server binaries (initdb) not found"
    if [ ! -f "$CRR_PGDIR/data/PG_VERSION" ]; then
        log "creating the project's PostgreSQL cluster in $CRR_PGDIR"
        if is_root && ! id postgres >/dev/null 2>&1; then
            useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        fi
        rm -rf "$CRR_PGDIR" && mkdir -p "$CRR_PGDIR/run"
        is_root && chown -R postgres: "$CRR_PGDIR"
        as_pg_user "$bindir/initdb" -D "$CRR_PGDIR/data" -U "$(pg_os_user)" -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=reject >/dev/null
        pg_start >/dev/null
        as_pg_user "$bindir/psql" -X -q -h "$CRR_PGDIR/run" -p "$CRR_PGPORT" -U "$(pg_os_user)" -d postgres \
            -c "CREATE ROLE odoo LOGIN SUPERUSER"
        pg_stop
    fi
}

setup_system
setup_odoo
setup_venv
setup_oca_addons
setup_pg
