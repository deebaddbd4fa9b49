#!/usr/bin/env bash
# The doc-driven test: tests/docs/independent.py, a small implementation of
# the session file, the bank file and the sync protocol written from docs/
# alone (Python 3 with PyNaCl), against the real `panelist` and
# `panelist-server` on a throwaway PostgreSQL. Called by scripts/test.sh.
# PyNaCl is installed, pinned, into a venv under target/ (kept between runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
PYNACL_VERSION=1.6.2

venv=target/docs-venv
if ! python3 -c 'import venv, ensurepip' 2>/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -q python3-venv >/dev/null   # Debian splits venv out of python3
fi
if ! "$venv/bin/python" -c "import nacl; assert nacl.__version__ == '$PYNACL_VERSION'" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "pynacl==$PYNACL_VERSION"
fi

cargo build -q --locked -p panelist -p panelist-server
bin=$repo/target/debug

# A throwaway PostgreSQL cluster (scripts/pg-throwaway.sh: its own socket
# folder, no TCP) with the deployment README.md describes: an owner role that
# migrates, a server role that is only a member of panelist_app.
pg=scripts/pg-throwaway.sh
work=$(mktemp -d /tmp/panelist-docs-XXXXXX)
chmod 755 "$work"
mkdir "$work/pg"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  "$pg" stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
"$pg" start "$work/pg"
owner=$("$pg" owner "$work/pg")
"$bin/panelist-server" --database-url "$owner" migrate >/dev/null
web=$("$pg" web "$work/pg")
token() { "$bin/panelist-server" --database-url "$owner" user add "$1" --role "$2" 2>/dev/null; }
tokens=$(printf '{"grace":"%s","alan":"%s","bob":"%s","admin":"%s"}' \
  "$(token "Grace Hopper" interviewer)" "$(token "Alan Turing" interviewer)" \
  "$(token "Bob Builder" interviewer)" "$(token "Ada Admin" admin)")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/panelist-server" --database-url "$web" serve --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done

REPO=$repo PANELIST_BIN=$bin/panelist WORK=$work SERVER=http://127.0.0.1:$port TOKENS=$tokens \
  "$venv/bin/python" tests/docs/independent.py || { tail -20 "$work/server.log" >&2; exit 1; }
