#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster on a loopback port, for the store tests.
#
#   scripts/pg-cluster.sh start      prints KEY=VALUE lines (PG_TEST_DIR, PG_TEST_PORT,
#                                    PG_TEST_MAJOR and BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING)
#   scripts/pg-cluster.sh stop DIR   stops the cluster and removes its directory
#
# Exits 3 when no PostgreSQL server binaries are installed. As root, the cluster runs as the
# user postgres (initdb refuses root).
set -euo pipefail

find_bindir() {
  local dir
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for port in $(seq 54320 54419); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port in 54320-54419" >&2
  return 1
}

case "${1:-}" in
  start)
    bindir=$(find_bindir) || { echo "PostgreSQL server binaries not found" >&2; exit 3; }
    major=$("$bindir/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    dir=$(mktemp -d /tmp/airworthy-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(free_port)
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "PG_TEST_DIR=$dir"
    echo "PG_TEST_PORT=$port"
    echo "PG_TEST_MAJOR=$major"
    echo "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port"
    ;;
  stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    bindir=$(find_bindir) || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    case "$dir" in /tmp/airworthy-pg.*) rm -rf "$dir" ;; esac
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
