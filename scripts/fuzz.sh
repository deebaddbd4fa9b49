#!/usr/bin/env bash
# Fuzzes the session-file parser, the bank-file parser and the import planner
# with cargo-fuzz (libFuzzer, nightly toolchain).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# The test command runs it with a short bound; longer runs (docs/FUZZING.md)
# give a larger number. Crashes are written to fuzz/artifacts/TARGET/ and
# make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(session_file bank_file import_plan)
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing (cargo install cargo-fuzz --locked)" >&2
  exit 1
fi
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
  echo "fuzz: $t for ${secs}s"
  log="$(mktemp)"
  rc=0
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || rc=$?
  grep -E "^stat::number_of_executed_units|SUMMARY|Test unit written|panicked" "$log" || true
  if [ "$rc" != 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $t failed (exit $rc)" >&2
    exit 1
  fi
  rm -f "$log"
  if [ -n "$(ls -A "fuzz/artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz: $t found a crash: fuzz/artifacts/$t" >&2
    exit 1
  fi
done
