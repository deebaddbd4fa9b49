#!/usr/bin/env bash
# Runs a Panelist team server on this machine, to try it out or for a small
# team on one host: installs PostgreSQL from Debian if it is missing, starts
# a private cluster in a data folder (kept between runs; unix socket only, no
# TCP), applies the migrations, creates an admin user, prints the admin's
# token and the URL, and serves until Ctrl-C (which also stops PostgreSQL).
#
#   scripts/run-server.sh [DATA_DIR]     default: ./target/panelist-server-data
#
# Environment: PANELIST_LISTEN (default 127.0.0.1:8787), PANELIST_ADMIN
# (default "admin"), PANELIST_TLS_CERT + PANELIST_TLS_KEY (serve HTTPS).
# For a real deployment (existing PostgreSQL, TLS, several instances) see
# README.md, "Team server".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DATA="$(mkdir -p "${1:-$ROOT/target/panelist-server-data}" && cd "${1:-$ROOT/target/panelist-server-data}" && pwd)"
LISTEN="${PANELIST_LISTEN:-127.0.0.1:8787}"
ADMIN="${PANELIST_ADMIN:-admin}"

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  echo "run-server: installing PostgreSQL (Debian package postgresql)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
PGBIN="$(pg_bin)"

# PostgreSQL refuses to run as root: run its programs as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"

PGDATA="$DATA/pg"
SOCK="$DATA"
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  echo "run-server: new cluster in $PGDATA"
  # No TCP, and a socket only its owner (and root) can open: trust is
  # limited to the user running this script.
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C --no-instructions >/dev/null
fi
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -s -l "$DATA/postgresql.log" \
  -o "-k $SOCK -c listen_addresses='' -p 5432 -c unix_socket_permissions=0700" start
stop_pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -s -m fast stop || true; }
trap stop_pg EXIT

psql_su() { as_pg "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$SOCK" -p 5432 -U postgres -d "$1" -c "$2"; }
if [ -z "$(psql_su postgres "SELECT 1 FROM pg_roles WHERE rolname = 'panelist_owner'")" ]; then
  psql_su postgres "CREATE ROLE panelist_owner LOGIN CREATEROLE"
  psql_su postgres "CREATE DATABASE panelist OWNER panelist_owner"
fi

cargo build -q -p panelist-server
SERVER="${CARGO_TARGET_DIR:-$ROOT/target}/debug/panelist-server"
OWNER_URL="host=$SOCK port=5432 user=panelist_owner dbname=panelist"
WEB_URL="host=$SOCK port=5432 user=panelist_web dbname=panelist"

"$SERVER" --database-url "$OWNER_URL" migrate
if [ -z "$(psql_su postgres "SELECT 1 FROM pg_roles WHERE rolname = 'panelist_web'")" ]; then
  psql_su postgres "CREATE ROLE panelist_web LOGIN NOBYPASSRLS IN ROLE panelist_app"
fi

if "$SERVER" --database-url "$OWNER_URL" user list | grep -q "^$ADMIN "; then
  TOKEN="$("$SERVER" --database-url "$OWNER_URL" token new "$ADMIN" 2>/dev/null)"
else
  TOKEN="$("$SERVER" --database-url "$OWNER_URL" user add "$ADMIN" --role admin 2>/dev/null)"
fi

TLS_ARGS=()
SCHEME=http
if [ -n "${PANELIST_TLS_CERT:-}" ]; then
  TLS_ARGS=(--tls-cert "$PANELIST_TLS_CERT" --tls-key "${PANELIST_TLS_KEY:?set PANELIST_TLS_KEY too}")
  SCHEME=https
fi
cat <<MSG

Panelist team server
  URL:          $SCHEME://$LISTEN
  admin user:   $ADMIN
  admin token:  $TOKEN
  data:         $DATA
Add interviewers:  $SERVER --database-url "$OWNER_URL" user add "Grace Hopper" --role interviewer
Connect a client:  panelist remote set $SCHEME://$LISTEN (it asks for TOKEN) && panelist sync

MSG
"$SERVER" --database-url "$WEB_URL" serve --listen "$LISTEN" "${TLS_ARGS[@]}"
