# Shared by scripts/demo and scripts/test: find Swift, install the Debian packages the
# build needs when they are missing.

# Debian packages needed to build and run: libevdev (key names), SQLite, FreeType and the
# DejaVu fonts (Vietnamese raster text), espeak-ng (the voice), pkg-config.
KIOSK_PACKAGES=(libevdev-dev libsqlite3-dev libfreetype-dev libqrencode-dev fonts-dejavu-core espeak-ng pkg-config)
# Only for the tests: the hall display is checked in a real browser, the XLSX export in
# LibreOffice; sqlite3 plays another program holding the database, and fills it; zbarimg
# reads the printed QR codes back; postgresql is the province's server (each test starts a
# private one, in a temporary folder, as an unprivileged user, with TLS certificates made by
# openssl); faketime sets the daemon's clock back, as an RTC reset does.
KIOSK_TEST_PACKAGES=(chromium libreoffice-calc-nogui sqlite3 python3-venv systemd zbar-tools postgresql openssl faketime)

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

# Playwright (from PyPI) drives Debian's chromium through the staff pages' end-to-end test
# (Tests/Browser/staff_pages.py); it downloads no browser of its own.
PLAYWRIGHT_VERSION=1.65.2
ensure_browser_venv() {
    local venv=.build/browser-venv
    if ! "$venv/bin/python" -c "import playwright" >/dev/null 2>&1; then
        say "installing Playwright $PLAYWRIGHT_VERSION into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "playwright==$PLAYWRIGHT_VERSION"
    fi
    export KIOSK_BROWSER_PYTHON="$PWD/$venv/bin/python"
}
