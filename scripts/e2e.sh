#!/usr/bin/env bash
# End-to-end tests of the desktop app in a real window under Xvfb, driven over
# tauri-driver -> WebKitWebDriver (tests/e2e). Each app run gets its own temp
# data folders and database; each tauri-driver its own ports.
#
#   scripts/e2e.sh                    all E2E tests (flow + 20 random kills)
#   scripts/e2e.sh --kills N          N kills in the crash test
#   scripts/e2e.sh --seed S           replay a crash-test run
#   scripts/e2e.sh --screenshots DIR  also save screenshots of the main screens
#   scripts/e2e.sh -- FILTER          pass a test-name filter to cargo test
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) export PANELIST_E2E_KILLS="$2"; shift 2 ;;
    --seed) export PANELIST_E2E_SEED="$2"; shift 2 ;;
    --screenshots) export PANELIST_SCREENSHOTS="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "e2e.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

"$ROOT/scripts/setup-debian.sh"
(cd ui && npm run --silent build)
# The app as it ships (custom-protocol; scripts/package.sh builds the same)
# plus its test hooks (env variables that replace the file dialogs), which
# only the `e2e` feature compiles in.
cargo build -p panelist -p panelist-app -p panelist-server --features panelist-app/custom-protocol,panelist-app/e2e
cargo test -p panelist-e2e --no-run --quiet


export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# One window at a time (tests share nothing, but two cores are enough for one).
# The whole run is bounded; each test also has its own time limit.
exec timeout --signal=TERM --kill-after=30 1800 \
  xvfb-run -a -s "-screen 0 480x800x24 -nolisten tcp" \
  cargo test -p panelist-e2e --quiet -- --include-ignored --test-threads=1 --skip installed_package "${EXTRA[@]}"
