#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and benchmarks: Debian's package (installed when missing), one
# cluster in a temporary folder, listening on 127.0.0.1 only, trust authentication.
#   scripts/services/postgres.sh install       → installs it when missing (nothing else)
#   scripts/services/postgres.sh start [PORT]  → prints TRACKD_TEST_PG_URL=… and PGDIR=…
#   scripts/services/postgres.sh stop PGDIR
set -euo pipefail

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
  done
  return 1
}

install_postgres() {
  if ! find_bin >/dev/null; then
    echo "installing PostgreSQL from Debian's archive" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  install)
    install_postgres
    ;;
  start)
    install_postgres
    BIN="$(find_bin)"
    PORT="${2:-$(free_port)}"
    PGDIR="$(mktemp -d /tmp/trackd-pg.XXXXXX)"
    [[ "$(id -u)" == 0 ]] && chown postgres "$PGDIR"
    as_postgres "$BIN/initdb" -D "$PGDIR/data" -A trust -U postgres >"$PGDIR/initdb.log" 2>&1
    as_postgres "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
      -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" \
      start >&2
    echo "TRACKD_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
    echo "PGDIR=$PGDIR"
    ;;
  stop)
    BIN="$(find_bin)"
    PGDIR="${2:?usage: postgres.sh stop PGDIR}"
    as_postgres "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2 || true
    rm -rf "$PGDIR"
    ;;
  *)
    echo "usage: $0 install | start [PORT] | stop PGDIR" >&2
    exit 2
    ;;
esac
