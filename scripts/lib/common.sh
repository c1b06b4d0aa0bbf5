# Shared by scripts/demo and scripts/test: find Swift, install the Debian packages the
# build needs when they are missing.

# Debian packages needed to build and run: libevdev (key names), SQLite, FreeType and the
# DejaVu fonts (Vietnamese raster text), espeak-ng (the voice), pkg-config.
KIOSK_PACKAGES=(libevdev-dev libsqlite3-dev libfreetype-dev fonts-dejavu-core espeak-ng pkg-config)
# Only for the tests: the hall display is checked in a real browser, the XLSX export in
# LibreOffice; sqlite3 plays another program holding the database, and fills it.
KIOSK_TEST_PACKAGES=(chromium libreoffice-calc-nogui sqlite3)

say() { printf '==> %s\n' "$*" >&2; }

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        say "Swift 6 is not installed: install the toolchain from swift.org (it is not a Debian package) and put it on PATH."
        exit 1
    fi
}

ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
