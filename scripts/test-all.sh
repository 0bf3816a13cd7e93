#!/usr/bin/env bash
# Every test the README promises, in order; `npm test` runs it with a PostgreSQL server started by
# scripts/services/with-postgres.sh (TRACKD_TEST_PG_URL).
#
# The official-client suite and the differential corpus run three times, side by side (each run
# spends most of its time waiting on its servers, so two cores carry the three):
#   - the embedded default: SQLite files and local artifact folders;
#   - PostgreSQL metadata + S3 artifacts (a MinIO per run, scripts/services/minio.sh);
#   - two replicas on one PostgreSQL database and one bucket behind a round-robin nginx
#     (scripts/services/nginx.sh), so consecutive requests of a flow land on different servers.
set -euo pipefail
cd "$(dirname "$0")/.."

npx vitest run
npx vitest run --config vitest.reliability.config.ts
bash test/ui/install-chromium.sh >/dev/null
npx vitest run --config vitest.ui.config.ts

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/trackd-conformance-logs.XXXXXX")"
# The venv and nginx are made once, before the runs that share them start.
bash test/conformance/run.sh --collect-only -q >/dev/null
bash scripts/services/nginx.sh install >/dev/null

conformance_sqlite() { bash test/conformance/run.sh; }
conformance_postgres_s3() {
  CONFORMANCE_ARTIFACTS=s3 DIFFERENTIAL_REPORT="$LOGS/postgres-s3-report.txt" \
    bash test/conformance/run-postgres.sh
}
conformance_replicas() {
  CONFORMANCE_ARTIFACTS=s3 CONFORMANCE_REPLICAS=2 DIFFERENTIAL_REPORT="$LOGS/replicas-report.txt" \
    bash test/conformance/run-postgres.sh
}
declare -A PIDS=()
for name in sqlite postgres_s3 replicas; do
  echo "== conformance [$name] started"
  "conformance_$name" >"$LOGS/$name.log" 2>&1 &
  PIDS[$name]=$!
done
failed=()
for name in sqlite postgres_s3 replicas; do
  status=0
  wait "${PIDS[$name]}" || status=$?
  echo "== conformance [$name]: exit $status"
  if [[ $status == 0 ]]; then
    # The summary lines (pass counts, the differential's tally).
    grep -E '^(differential:|[0-9]+ (passed|failed))' "$LOGS/$name.log" || true
  else
    cat "$LOGS/$name.log"
    failed+=("$name")
  fi
done
rm -rf "$LOGS"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "conformance failed in: ${failed[*]}" >&2
  exit 1
fi
