#!/usr/bin/env bash
# Load test of the team server (not part of the test command): a throwaway
# PostgreSQL cluster, the real panelist-server as one and then two instances
# on one database, and 200 simulated interviewers in panels of six pushing
# and pulling concurrently. Prints throughput and p50/p99 per endpoint; see
# docs/BENCHMARKS.md, "Team server under load".
#
#   scripts/load-server.sh      PANELIST_LOAD_USERS=200 PANELIST_LOAD_ROUNDS=5 by default
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup-debian.sh"
# The dev profile (the machine is shared; no optimised build here): figures
# are for an unoptimised server; PANELIST_LOAD_PROFILE=release measures an optimised one.
exec cargo bench --profile "${PANELIST_LOAD_PROFILE:-dev}" -p panelist-server --bench load
