#!/usr/bin/env bash
# Runs every check and test Panelist has. README's test command; .ci/run calls it.
# On a fresh Debian machine it first installs whatever is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
last=$start
# Each step's title, and how long the one before it took (for the CI budget).
step() {
  local now
  now=$(date +%s)
  if [ "$now" != "$last" ] || [ "$last" != "$start" ]; then printf '   (%d s)\n' $((now - last)); fi
  last=$now
  printf '\n== %s  [%d s in, %s free on disk]\n' "$*" $((now - start)) "$(df -h --output=avail . | tail -1 | tr -d ' ')"
}
# A full run builds every target once; incremental caches would only add
# gigabytes to a clean clone's disk (a developer can set CARGO_INCREMENTAL=1).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

if [ -x scripts/setup-debian.sh ]; then
  step "install what is missing"
  scripts/setup-debian.sh
fi

step "format"
cargo fmt --all --check

step "rooms: no production file over 700 lines, no function over 150"
python3 scripts/rooms.py

step "lint (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "IPC types and commands (ui/src/bindings, commands.ts from src-tauri/src/ipc.in) are generated from Rust and committed"
fresh=$(mktemp -d)
TS_RS_EXPORT_DIR="$fresh" cargo test -q --locked -p panelist-core -p panelist-app export_bindings >/dev/null
if ! diff -r "$fresh" ui/src/bindings >/dev/null; then
  diff -r "$fresh" ui/src/bindings || true
  echo "ui/src/bindings is stale: run 'cargo test -p panelist-core -p panelist-app export_bindings' and commit" >&2
  exit 1
fi
rm -rf "$fresh"

if [ -f ui/package.json ]; then
  step "UI type check and unit tests"
  (cd ui && npm run check && npm run format:check && npm test)
fi

step "Rust tests (core, CLI, durability, team server on a throwaway PostgreSQL)"
cargo test --workspace --locked

step "doc-driven test: an implementation written from docs/ alone (Python, PyNaCl) against the real CLI and server"
tests/docs/run.sh

step "bounded fuzzing: session files, bank files, the import planner (20 s each)"
scripts/fuzz.sh 20

if [ -x scripts/e2e.sh ]; then
  step "end-to-end tests in the real window"
  scripts/e2e.sh
fi

if [ -x scripts/package-test.sh ]; then
  step "Debian package: build, install, smoke-test the installed app and CLI, remove"
  scripts/package-test.sh
fi

step "all checks passed in $(( $(date +%s) - start )) s"
