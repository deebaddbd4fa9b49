#!/usr/bin/env bash
# The Debian package, tested as a person installs it: build the .deb
# (scripts/package.sh), install it with apt, smoke-test the installed CLI and
# the installed app (a real window under Xvfb over WebDriver: create an
# interview, score, quit; tests/e2e/tests/installed.rs), remove it, and check
# that the user's data is still there and the programs are gone.
# Needs root (or sudo). Refuses to run over a panelist package already
# installed on the machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
fail() { echo "package-test: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' panelist 2>/dev/null | grep -q "install ok installed"; then
  fail "a panelist package is already installed here; remove it first (dpkg -r panelist)"
fi

DEB="$(scripts/package.sh "$@" | tail -1)"
[ -f "$DEB" ] || fail "no package was built"
echo "package-test: $(basename "$DEB"), $(du -h "$DEB" | cut -f1)"
dpkg-deb --contents "$DEB" | awk '{print $6}' | grep -qx './usr/bin/panelist' || fail "the CLI is not in the package"
dpkg-deb --contents "$DEB" | awk '{print $6}' | grep -qx './usr/share/applications/panelist.desktop' \
  || fail "the desktop entry is not in the package"

# The RPM beside it (scripts/package.sh builds one where rpmbuild is
# installed): the same files, and its library dependencies found.
RPM="$(ls "$(dirname "$DEB")"/panelist-*.rpm 2>/dev/null | head -1 || true)"
if command -v rpm >/dev/null; then
  [ -n "$RPM" ] || fail "no .rpm was built although rpmbuild is installed"
  echo "package-test: $(basename "$RPM"), $(du -h "$RPM" | cut -f1)"
  for f in /usr/bin/panelist /usr/bin/panelist-app /usr/share/applications/panelist.desktop; do
    rpm -qpl "$RPM" 2>/dev/null | grep -qx "$f" || fail "$f is not in the RPM"
  done
  rpm -qp --requires "$RPM" 2>/dev/null | grep -q '^libwebkit2gtk-4\.1\.so' \
    || fail "the RPM does not require WebKitGTK"
fi

removed=0
remove() { [ "$removed" = 1 ] || $SUDO dpkg -r panelist >/dev/null 2>&1 || true; }
trap remove EXIT
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$DEB" >/dev/null

VERSION="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
[ "$(command -v panelist)" = /usr/bin/panelist ] || fail "panelist is not on PATH from the package"
[ "$(/usr/bin/panelist --version)" = "panelist $VERSION" ] || fail "panelist --version is not $VERSION"

# The installed CLI on a user's default database (a throwaway HOME).
HOME_DIR="$(mktemp -d)"
user() { env -u PANELIST_DB -u XDG_DATA_HOME HOME="$HOME_DIR" PANELIST_TOKEN_STORE=file PANELIST_KEYRING=off "$@"; }
sid="$(user /usr/bin/panelist session start --candidate "Package Smoke" --interviewer "Pat Doe" --kit "Backend fundamentals")"
user /usr/bin/panelist session score "$sid" rest-api-design 3 2>/dev/null
user /usr/bin/panelist export "$sid" --format md | grep -q "Package Smoke" || fail "the installed CLI's export lacks the candidate"
DB="$HOME_DIR/.local/share/dev.panelist.app/panelist.db"
[ -f "$DB" ] || fail "the installed CLI did not create $DB"

# The installed app in a real window.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo test -q -p panelist-e2e --test installed --no-run
PANELIST_APP_BIN=/usr/bin/panelist-app timeout --signal=TERM --kill-after=30 300 \
  xvfb-run -a -s "-screen 0 480x800x24 -nolisten tcp" \
  cargo test -q -p panelist-e2e --test installed -- --include-ignored --test-threads=1

# Removing the package leaves the user's data.
$SUDO dpkg -r panelist >/dev/null
removed=1
[ ! -e /usr/bin/panelist ] && [ ! -e /usr/bin/panelist-app ] || fail "dpkg -r left the programs behind"
[ ! -e /usr/share/applications/panelist.desktop ] || fail "dpkg -r left the desktop entry behind"
n="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from session").fetchone()[0])' "$DB")"
[ "$n" = 1 ] || fail "after removal the user's database holds $n sessions, not 1"
rm -rf "$HOME_DIR"
echo "package-test: installed, app and CLI smoke-tested, removed; the user's data stayed"
