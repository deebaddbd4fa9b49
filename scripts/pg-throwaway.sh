#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, in a folder of its own: its own
# unix socket there, no TCP, no durability (fsync off), gone with the folder.
# The one place that decides how tests run PostgreSQL (initdb flags, socket
# and port, the roles of the deployment README.md describes, teardown): the
# Rust tests use it through server/tests/common/cluster.rs, tests/docs/run.sh
# directly.
#
#   scripts/pg-throwaway.sh start DIR        initdb into DIR/data and start it
#   scripts/pg-throwaway.sh start-ssl DIR PORT  the same with ssl = on, also
#                                            listening on TCP 127.0.0.1:PORT,
#                                            its certificate (for `localhost`
#                                            only) signed by a throwaway CA
#                                            made in DIR/tls (ca.crt)
#   scripts/pg-throwaway.sh ca DIR           a throwaway CA in DIR (ca.key,
#                                            ca.crt); prints the ca.crt path
#   scripts/pg-throwaway.sh dump DIR OUT     back up into folder OUT: the roles
#                                            (pg_dumpall --roles-only) and
#                                            database `panelist` (pg_dump -Fc)
#   scripts/pg-throwaway.sh restore DIR IN   restore such a backup into the
#                                            (new, empty) cluster in DIR
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
usage() { sed -n '9,31p' "$0" >&2; exit 2; }
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
# A cluster started with start-ssl keeps its TCP port (its socket is named
# after it too).
[ -f "$dir/port" ] && PORT=$(cat "$dir/port")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url() { echo "host=$dir port=$PORT user=$1 dbname=$2"; }
# A throwaway CA (P-256, one day) in $1: ca.key, ca.crt.
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=panelist throwaway CA $(date +%s%N)" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$1/ca.key" -out "$1/ca.crt" 2>/dev/null
}
start() {
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C -N --no-instructions >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -w -s -l "$dir/log" \
    -o "-k $dir -c listen_addresses='${1:-}' -p $PORT -c fsync=off -c full_page_writes=off -c synchronous_commit=off ${2:-}" start
}
su_psql() { "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -p "$PORT" -U postgres -d "$1" -c "$2"; }

case "$cmd" in
start) start ;;
start-ssl)
  [ $# = 1 ] || usage
  PORT=$1
  echo "$PORT" >"$dir/port"
  tls=$dir/tls
  mkdir -p "$tls"
  make_ca "$tls"
  # The server's certificate names `localhost` only (no IP address), so a
  # client asking for 127.0.0.1 with verify-full is refused: a wrong host.
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 1 -extfile "$tls/ext" -out "$tls/server.crt" 2>/dev/null
  chmod 600 "$tls/server.key"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$tls"
  start 127.0.0.1 "-c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key"
  ;;
ca) mkdir -p "$dir"; make_ca "$dir"; echo "$dir/ca.crt" ;;
dump)
  [ $# = 1 ] || usage
  mkdir -p "$1"
  "$pgbin/pg_dumpall" -h "$dir" -p "$PORT" -U postgres --roles-only >"$1/roles.sql"
  "$pgbin/pg_dump" -h "$dir" -p "$PORT" -U postgres -Fc -d panelist -f "$1/panelist.dump"
  ;;
restore)
  [ $# = 1 ] || usage
  # The roles first (the bootstrap superuser exists already), then the
  # database, owned by its owner as before, then its contents.
  grep -v '^CREATE ROLE postgres;' "$1/roles.sql" |
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$PORT" -U postgres -d postgres >/dev/null
  su_psql postgres "CREATE DATABASE panelist OWNER panelist_owner"
  "$pgbin/pg_restore" -h "$dir" -p "$PORT" -U postgres --exit-on-error -d panelist "$1/panelist.dump"
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
