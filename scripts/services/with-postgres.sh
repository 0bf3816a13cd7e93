#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server (scripts/services/postgres.sh) whose URL is in
# TRACKD_TEST_PG_URL; the server is stopped and its files removed when the command ends.
#   scripts/services/with-postgres.sh npx vitest run test/api/postgres-replicas.test.ts
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -n "${TRACKD_TEST_PG_URL:-}" ]]; then
  exec "$@" # a server was given: use it
fi

started="$(bash "$HERE/postgres.sh" start)"
PGDIR="$(sed -n 's/^PGDIR=//p' <<<"$started")"
export TRACKD_TEST_PG_URL="$(sed -n 's/^TRACKD_TEST_PG_URL=//p' <<<"$started")"
trap 'bash "$HERE/postgres.sh" stop "$PGDIR"' EXIT
echo "PostgreSQL for tests: $TRACKD_TEST_PG_URL" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
