#!/usr/bin/env bash
# Builds and runs the C# example against a live trackd: installs Mono if missing (install-mono.sh),
# starts the built server (dist/, `npm run build` first if absent) on a free 127.0.0.1 port with a
# temporary data folder, compiles TrackdExample.cs with mcs, runs it against a fresh project and
# checks its output, then stops the server and removes the folder. Exit status 0 only when the
# program ran and every check it printed passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trackd-csharp.XXXXXX")"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '== csharp example: %s\n' "$*" >&2; }

bash "$HERE/install-mono.sh"
[ -f "$ROOT/dist/src/main.js" ] || (cd "$ROOT" && npm run build --silent)

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"
log "starting trackd on $URL"
# With authentication on: the program signs its requests with a token of a user who may edit the
# project and nothing else, as a CI job would.
TRACKD="node $ROOT/dist/src/main.js"
node "$ROOT/dist/src/main.js" serve --host 127.0.0.1 --port "$PORT" --data-dir "$WORK/data" \
  --auth basic >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$URL/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

log "compiling with $(mcs --version)"
mcs -nologo -warnaserror+ -out:"$WORK/TrackdExample.exe" \
  -r:System.Net.Http.dll -r:System.Runtime.Serialization.dll "$HERE/TrackdExample.cs"

PROJECT="csharp-$(date +%s)"
$TRACKD users add csharp-ci --no-password --data-dir "$WORK/data" >/dev/null
$TRACKD grant csharp-ci "$PROJECT" edit --data-dir "$WORK/data" >/dev/null
TOKEN="$($TRACKD tokens create csharp-ci --name csharp-example --project "$PROJECT" --data-dir "$WORK/data")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/projects/$PROJECT/api/2.0/mlflow/experiments/search")" = 401 ] ||
  { echo "csharp example: the server answered a request without a token" >&2; exit 1; }
log "running against project $PROJECT with a bearer token"
set +e
MLFLOW_TRACKING_TOKEN="$TOKEN" mono "$WORK/TrackdExample.exe" "$URL" "$PROJECT" | tee "$WORK/output.txt"
status=${PIPESTATUS[0]}
set -e

# The program checks values itself; the harness checks that it said so, and that the server
# holds what the program wrote (read back with curl, not with the program's own code).
fail() { echo "csharp example: $*" >&2; [ -s "$WORK/server.log" ] && tail -20 "$WORK/server.log" >&2; exit 1; }
[ "$status" -eq 0 ] || fail "program exited $status"
grep -q '^all checks passed$' "$WORK/output.txt" || fail "no 'all checks passed' line"
if grep -q '^FAIL ' "$WORK/output.txt"; then fail "a check failed"; fi
[ "$(grep -c '^ok ' "$WORK/output.txt")" -eq 11 ] || fail "expected 11 passed checks"
RUN_ID="$(sed -n 's/^run_id=//p' "$WORK/output.txt")"
[ -n "$RUN_ID" ] || fail "no run_id printed"
RUN_JSON="$(curl -fs -H "Authorization: Bearer $TOKEN" "$URL/projects/$PROJECT/api/2.0/mlflow/runs/get?run_id=$RUN_ID")"
echo "$RUN_JSON" | grep -q '"status":"FINISHED"' || fail "run is not FINISHED on the server"
echo "$RUN_JSON" | grep -q '"key":"learning_rate","value":"0.01"' || fail "param missing on the server"
log "passed"
