#!/usr/bin/env bash
# Python half of `npm test`: the official-client conformance flows against the built server, and
# the differential harness that replays one request corpus against MLflow's own server and ours.
#
# - (Re)creates .venv at the repo root when it is missing or its pinned versions differ from
#   test/conformance/requirements.txt (override the location with CONFORMANCE_VENV).
# - Builds dist/ if dist/src/main.js is missing (npm test builds before calling us).
# - Servers bind 127.0.0.1 on free ports with temporary data dirs; every server process group is
#   recorded so it is killed on exit, even if pytest dies.
# - Extra arguments go to pytest, e.g. `bash test/conformance/run.sh -k search -x`.
# Exit status: pytest's (non-zero on any failure).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${CONFORMANCE_VENV:-$ROOT/.venv}"
REQUIREMENTS="$HERE/requirements.txt"

log() { printf '== conformance: %s\n' "$*" >&2; }

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "conformance: Python 3.11+ is required (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

# Exit 0 when every `name==version` line of requirements.txt is installed at exactly that version.
pins_match() {
  "$VENV/bin/python" - "$REQUIREMENTS" <<'PY'
import re, sys
from importlib import metadata

wrong = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, want = line.partition("==")
    try:
        have = metadata.version(name.strip())
    except metadata.PackageNotFoundError:
        have = None
    if have != want.strip():
        wrong.append(f"{name.strip()} {have or 'missing'} (want {want.strip()})")
if wrong:
    print("conformance: venv pins differ: " + ", ".join(wrong), file=sys.stderr)
    sys.exit(1)
PY
}

install_requirements() {
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    -r "$REQUIREMENTS"
}

ensure_venv() {
  if [ -x "$VENV/bin/python" ] && pins_match 2>/dev/null; then
    return 0
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    local python
    python="$(pick_python)"
    log "creating $VENV with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
  else
    pins_match || true
    log "installing pinned requirements into $VENV"
  fi
  if ! install_requirements || ! pins_match; then
    # A venv that cannot be brought to the pins (e.g. built by another Python) is recreated once.
    local python
    python="$(pick_python)"
    log "recreating $VENV with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    install_requirements
    pins_match
  fi
}

ensure_build() {
  if [ ! -f "$ROOT/dist/src/main.js" ]; then
    log "dist/src/main.js missing: npm run build"
    (cd "$ROOT" && npm run build --silent)
  fi
}

PID_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trackd-conformance-pids.XXXXXX")"
PYTEST_PID=""
# Servers that pytest did not stop (it was killed): each file holds a process group id and the
# server's temporary folder (written by server_process.py).
cleanup() {
  local f pgid dir
  for f in "$PID_DIR"/*.pgid; do
    [ -e "$f" ] || continue
    { read -r pgid; read -r dir; } <"$f" || true
    [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
    case "$dir" in
      "${TMPDIR:-/tmp}"/*) rm -rf "$dir" ;;
    esac
  done
  rm -rf "$PID_DIR"
}
on_signal() {
  if [ -n "$PYTEST_PID" ]; then
    kill -TERM "$PYTEST_PID" 2>/dev/null || true
    wait "$PYTEST_PID" 2>/dev/null || true
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

ensure_venv
ensure_build

export CI="${CI:-true}"
export CONFORMANCE_PID_DIR="$PID_DIR"
export PYTHONDONTWRITEBYTECODE=1
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

log "pytest (conformance flows + differential vs MLflow)"
cd "$HERE"
# In the background so that a signal to this script is handled at once (bash defers traps while a
# foreground child runs); the EXIT trap then kills whatever servers pytest left behind.
"$VENV/bin/python" -m pytest -c "$HERE/pytest.ini" --rootdir "$HERE" "$@" </dev/null &
PYTEST_PID=$!
set +e
wait "$PYTEST_PID"
status=$?
set -e
PYTEST_PID=""
exit "$status"
