#!/usr/bin/env bash
# Desktop-app figures for docs/BENCHMARKS.md ("Desktop app"): builds the UI
# and the release app, prints the binary and ui/dist sizes, then runs the
# startup (side by side with a hello-world Tauri app), memory and note-save
# IPC benchmark (tests/e2e/benches/app.rs) under Xvfb.
# Prints figures; asserts nothing.
#
#   scripts/bench-app.sh               build, sizes, 20 launches, 500 saves
#   scripts/bench-app.sh --no-build    measure the binaries already built
#
# The start-up runs side by side, in every round, the hello-world app and
# Panelist on a plain database, on one encrypted with a passphrase
# (PANELIST_PASSPHRASE) and on one encrypted with a random raw key from a
# throwaway gnome-keyring on a private D-Bus bus (PANELIST_BENCH_ENCRYPTION
# narrows this: e.g. "plain").
#
# Environment: PANELIST_BENCH_LAUNCHES (20), PANELIST_BENCH_SAVES (500),
# PANELIST_APP_BIN (app to measure; default target/release/panelist-app),
# PANELIST_APP_BIN_BEFORE (another release app, e.g. built from main: only the
# note saves run, both apps alternately, PANELIST_BENCH_ROUNDS runs each),
# CARGO_TARGET_DIR (default ./target), PANELIST_E2E_VERBOSE=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "bench-app.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [ "$BUILD" = 1 ]; then
  "$ROOT/scripts/setup-debian.sh"
  (cd ui && npm run --silent build)
  cargo build --release -p panelist-app --features custom-protocol
  # The hello-world Tauri app for the start-up ratio: same Tauri version
  # (tests/e2e/hello pins it), built with the workspace's lock file.
  cp Cargo.lock tests/e2e/hello/Cargo.lock
  CARGO_TARGET_DIR="$TARGET" cargo build --release \
    --manifest-path tests/e2e/hello/Cargo.toml --features custom-protocol
fi

BIN="${PANELIST_APP_BIN:-$TARGET/release/panelist-app}"
if [ -f "$BIN" ]; then
  STRIPPED="$(mktemp)"
  strip -o "$STRIPPED" "$BIN"
  echo "== sizes =="
  printf '%-40s %12s bytes\n' "$BIN" "$(stat -c %s "$BIN")"
  printf '%-40s %12s bytes\n' "  stripped (strip -o)" "$(stat -c %s "$STRIPPED")"
  printf '%-40s %12s bytes (%s files)\n' "ui/dist" "$(du -sb ui/dist | cut -f1)" \
    "$(find ui/dist -type f | wc -l)"
  rm -f "$STRIPPED"
fi

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PANELIST_APP_BIN="$BIN"
export PANELIST_HELLO_BIN="${PANELIST_HELLO_BIN:-$TARGET/release/tauri-hello}"
exec timeout --signal=TERM --kill-after=30 1800 \
  xvfb-run -a -s "-screen 0 480x800x24 -nolisten tcp" \
  cargo bench -p panelist-e2e --bench app
