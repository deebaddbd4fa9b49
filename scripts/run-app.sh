#!/usr/bin/env bash
# Sets up (missing packages only), builds the UI and the app, and starts it.
# Arguments go to the app, e.g. `scripts/run-app.sh --db /tmp/scratch.db`.
# Environment: PANELIST_DB (database file), CARGO_TARGET_DIR (default: ./target).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/setup-debian.sh" --app-only
(cd ui && npm run --silent build)
cargo build -p panelist-app
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display (DISPLAY/WAYLAND_DISPLAY unset); try: xvfb-run -a scripts/run-app.sh" >&2
fi
exec "$TARGET/debug/panelist-app" "$@"
