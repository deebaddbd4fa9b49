#!/usr/bin/env bash
# Installs what Panelist's desktop app needs on Debian/Ubuntu, skipping what
# is already there (safe to run again):
#   - Debian packages to build the Tauri app (WebKitGTK 4.1 and friends),
#   - unless --app-only: packages to run it headless and test it (Xvfb,
#     WebKitWebDriver, ImageMagick, Chromium for the HTML report test,
#     PostgreSQL for the team server tests) and
#     tauri-driver (cargo install),
#   - the UI's npm dependencies (the versions in ui/package-lock.json).
set -euo pipefail

APP_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --app-only) APP_ONLY=1 ;;
    -h|--help) echo "usage: scripts/setup-debian.sh [--app-only]"; exit 0 ;;
    *) echo "setup-debian.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BUILD_PKGS=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
TEST_PKGS=(xvfb xauth webkit2gtk-driver xdotool x11-utils imagemagick chromium postgresql
           gnome-keyring dbus-x11 libsecret-tools sqlite3 rpm poppler-utils)

pkgs=("${BUILD_PKGS[@]}")
[ "$APP_ONLY" = 1 ] || pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

# npm dependencies: reinstall only when the lock file changed since the last install.
if ! command -v npm >/dev/null; then
  echo "setup: installing Node.js and npm (Debian packages nodejs, npm)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
# The UI's build tool (Vite 7) needs Node.js 20.19 or later.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js $(node --version) is too old: the UI needs 20.19 or later (e.g. from nodejs.org or NodeSource)" >&2
  exit 1
fi
if [ ! -f "$ROOT/ui/node_modules/.package-lock.json" ] \
   || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
  # `npm install`, not `npm ci`: the lock records only the platform packages
  # the registry here serves (e.g. rollup's Linux binaries), and `npm ci`
  # refuses a lock without every platform's optional package. `npm install`
  # installs exactly the locked versions and leaves the lock unchanged.
  echo "setup: npm install in ui/ (locked versions)"
  (cd "$ROOT/ui" && npm install --no-fund --no-audit --loglevel=error)
else
  echo "setup: npm dependencies present"
fi

if [ "$APP_ONLY" = 0 ]; then
  if command -v tauri-driver >/dev/null || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
    echo "setup: tauri-driver present"
  else
    echo "setup: cargo install tauri-driver --locked (about a minute)"
    cargo install tauri-driver --locked --quiet
  fi
fi

if [ "$APP_ONLY" = 0 ]; then
  # Fuzzing (scripts/fuzz.sh) needs the nightly toolchain and cargo-fuzz.
  if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "setup: installing the nightly toolchain for fuzzing"
    rustup toolchain install nightly --profile minimal
  fi
  if cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "setup: cargo-fuzz present"
  else
    echo "setup: cargo install cargo-fuzz --locked (about two minutes)"
    cargo install cargo-fuzz --locked --quiet
  fi
fi
