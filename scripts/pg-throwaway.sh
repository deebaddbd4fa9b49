#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, in a folder of its own: its own
# unix socket there, no TCP, no durability (fsync off), gone with the folder.
# The one place that decides how tests run PostgreSQL (initdb flags, socket
# and port, the roles of the deployment README.md describes, teardown): the
# Rust tests use it through server/tests/common/cluster.rs, tests/docs/run.sh
# directly.
#
#   scripts/pg-throwaway.sh start DIR        initdb into DIR/data and start it
#   scripts/pg-throwaway.sh stop DIR         stop at once (the caller removes DIR)
#   scripts/pg-throwaway.sh restart DIR      fast restart (open connections cut)
#   scripts/pg-throwaway.sh url DIR USER DB  print a libpq connection string
#   scripts/pg-throwaway.sh psql DIR DB SQL  run SQL as the superuser; rows on
#                                            stdout, unaligned, no headers
#   scripts/pg-throwaway.sh owner DIR        make the owner role and database
#                                            `panelist`; print the owner's URL
#   scripts/pg-throwaway.sh web DIR          make the server's login role (a
#                                            member of panelist_app only, so
#                                            after the migrations); print its URL
#
# DIR is an empty folder; when run as root it is given to the `postgres` user
# (PostgreSQL refuses to run as root), so its parent must be searchable by
# that user. The programs come from $PANELIST_PG_BIN, else the newest
# /usr/lib/postgresql/N/bin (Debian's `postgresql`; scripts/setup-debian.sh).
set -euo pipefail
usage() { sed -n '9,19p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

pgbin=${PANELIST_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pgbin/initdb" ] || {
  echo "pg-throwaway: no PostgreSQL (initdb) under /usr/lib/postgresql; set PANELIST_PG_BIN or run scripts/setup-debian.sh" >&2
  exit 1
}
PORT=5432
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url() { echo "host=$dir port=$PORT user=$1 dbname=$2"; }
su_psql() { "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -p "$PORT" -U postgres -d "$1" -c "$2"; }

case "$cmd" in
start)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C -N --no-instructions >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -w -s -l "$dir/log" \
    -o "-k $dir -c listen_addresses='' -p $PORT -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start
  ;;
stop) as_pg "$pgbin/pg_ctl" -D "$dir/data" -w -s -m immediate stop >/dev/null 2>&1 || true ;;
restart) as_pg "$pgbin/pg_ctl" -D "$dir/data" -w -s -m fast -l "$dir/log" restart ;;
url) [ $# = 2 ] || usage; url "$1" "$2" ;;
psql) [ $# = 2 ] || usage; su_psql "$1" "$2" ;;
owner)
  su_psql postgres "CREATE ROLE panelist_owner LOGIN CREATEROLE"
  su_psql postgres "CREATE DATABASE panelist OWNER panelist_owner"
  url panelist_owner panelist
  ;;
web)
  su_psql postgres "CREATE ROLE panelist_web LOGIN NOBYPASSRLS IN ROLE panelist_app"
  url panelist_web panelist
  ;;
*) usage ;;
esac
