#!/usr/bin/env bash
# The official-client conformance suite and the differential corpus once more, with trackd's
# metadata on PostgreSQL (a fresh database per trackd process on the server TRACKD_TEST_PG_URL
# names; scripts/services/with-postgres.sh starts one).
set -euo pipefail
: "${TRACKD_TEST_PG_URL:?run through scripts/services/with-postgres.sh, or set TRACKD_TEST_PG_URL}"
export CONFORMANCE_PG_URL="$TRACKD_TEST_PG_URL"
echo "== conformance on PostgreSQL"
exec bash "$(dirname "$0")/run.sh" "$@"
