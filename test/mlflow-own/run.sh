#!/usr/bin/env bash
# Runs MLflow's own REST tests, unmodified, against trackd or against MLflow itself.
#
#   bash test/mlflow-own/run.sh <mlflow-checkout> [--target trackd|mlflow] [--results FILE] [pytest args]
#
# <mlflow-checkout> (or MLFLOW_TESTS_DIR) is a folder holding MLflow's tests/ tree; the files listed
# in FILES below are copied from it into a temporary folder for this run only (MLflow's code never
# enters this repository). Without test paths among the pytest args, both upstream files run:
# tests/tracking/test_rest_tracking.py and tests/tracking/test_model_registry.py.
#
# - Python: an overlay venv ($MLFLOW_OWN_VENV, default .venv-mlflow-own at the repo root) that sees
#   the conformance venv's packages (.venv, or $CONFORMANCE_VENV: the pinned mlflow client) and adds
#   only requirements.txt beside this script (pytest-timeout). The conformance venv is not changed.
# - trackd target: dist/src/main.js is built if missing; one server per session, a fresh project per
#   test (see mlflow_own_plugin.py). Server process groups are killed on exit, even after a crash.
# - --results FILE: one JSON line per test (outcome, reason, HTTP errors seen); see summarize.py.
# Exit status: pytest's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASE_VENV="${CONFORMANCE_VENV:-$ROOT/.venv}"
VENV="${MLFLOW_OWN_VENV:-$ROOT/.venv-mlflow-own}"
REQUIREMENTS="$HERE/requirements.txt"

# MLflow test-suite files the two upstream test files need (imports and conftest chain).
FILES=(
  tests/__init__.py
  tests/conftest.py
  tests/helper_functions.py
  tests/simple_repository_server.py
  tests/autologging/__init__.py
  tests/autologging/fixtures.py
  tests/integration/__init__.py
  tests/integration/utils.py
  tests/tracing/__init__.py
  tests/tracing/helper.py
  tests/tracking/__init__.py
  tests/tracking/conftest.py
  tests/tracking/integration_test_utils.py
  tests/tracking/test_rest_tracking.py
  tests/tracking/test_model_registry.py
)
DEFAULT_TESTS=(tests/tracking/test_rest_tracking.py tests/tracking/test_model_registry.py)

log() { printf '== mlflow-own: %s\n' "$*" >&2; }
die() { printf 'mlflow-own: %s\n' "$*" >&2; exit 2; }

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

SOURCE="${MLFLOW_TESTS_DIR:-}"
TARGET="${MLFLOW_OWN_TARGET:-trackd}"
RESULTS=""
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) [ $# -ge 2 ] || usage; TARGET="$2"; shift 2 ;;
    --target=*) TARGET="${1#--target=}"; shift ;;
    --results) [ $# -ge 2 ] || usage; RESULTS="$2"; shift 2 ;;
    --results=*) RESULTS="${1#--results=}"; shift ;;
    -h|--help) usage ;;
    *)
      if [ -z "$SOURCE" ] && [ "${1#-}" = "$1" ] && [ -d "$1" ]; then
        SOURCE="$1"
      else
        PYTEST_ARGS+=("$1")
      fi
      shift
      ;;
  esac
done
[ -n "$SOURCE" ] || usage
case "$TARGET" in trackd|mlflow) ;; *) die "--target must be trackd or mlflow, not '$TARGET'" ;; esac
SOURCE="$(cd "$SOURCE" && pwd)"
for f in "${FILES[@]}"; do
  [ -f "$SOURCE/$f" ] || die "$SOURCE/$f is missing: give the root of an MLflow checkout"
done
if [ -n "$RESULTS" ]; then
  mkdir -p "$(dirname "$RESULTS")"
  RESULTS="$(cd "$(dirname "$RESULTS")" && pwd)/$(basename "$RESULTS")"
fi

# Exit 0 when every `name==version` line of requirements.txt is installed at exactly that version.
pins_match() {
  "$VENV/bin/python" - "$REQUIREMENTS" <<'PY'
import sys
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
    print("mlflow-own: venv pins differ: " + ", ".join(wrong), file=sys.stderr)
    sys.exit(1)
PY
}

ensure_venv() {
  [ -x "$BASE_VENV/bin/python" ] ||
    die "$BASE_VENV is missing: create it with test/conformance/run.sh (e.g. '... run.sh --co -q')"
  local base_site
  base_site="$("$BASE_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating overlay venv $VENV over $BASE_VENV"
    "$BASE_VENV/bin/python" -m venv "$VENV"
  fi
  local site
  site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  # A .pth line appends the conformance venv's packages to sys.path, after the overlay's own.
  printf '%s\n' "$base_site" >"$site/_mlflow_own_base.pth"
  if ! pins_match 2>/dev/null; then
    log "installing $REQUIREMENTS into $VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
      -r "$REQUIREMENTS"
    pins_match
  fi
}

ensure_build() {
  if [ ! -f "$ROOT/dist/src/main.js" ]; then
    log "dist/src/main.js missing: npm run build"
    (cd "$ROOT" && npm run build --silent)
  fi
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlflow-own.XXXXXX")"
PID_DIR="$WORK/.pids"
mkdir -p "$PID_DIR"
PYTEST_PID=""
# Servers pytest did not stop (it was killed): each file holds a process group id and the server's
# temporary folder (written by test/conformance/server_process.py).
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
  if [ -n "${MLFLOW_OWN_KEEP:-}" ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
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
[ "$TARGET" = trackd ] && ensure_build

for f in "${FILES[@]}"; do
  mkdir -p "$WORK/src/$(dirname "$f")"
  cp "$SOURCE/$f" "$WORK/src/$f"
done

has_paths=false
for a in "${PYTEST_ARGS[@]+"${PYTEST_ARGS[@]}"}"; do
  case "$a" in tests/*) has_paths=true ;; esac
done
$has_paths || PYTEST_ARGS+=("${DEFAULT_TESTS[@]}")

# MLflow's conftest builds and serves a wheel of the checkout when CI=true; these runs need none.
unset CI GITHUB_ACTIONS GITHUB_EVENT_NAME MLFLOW_TRACKING_URI MLFLOW_REGISTRY_URI
export CONFORMANCE_PID_DIR="$PID_DIR"
export MLFLOW_OWN_TARGET="$TARGET"
export MLFLOW_OWN_RESULTS="$RESULTS"
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
# Same client settings for both targets: no telemetry, and a 5xx fails at once instead of after
# minutes of retries.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
export MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=0
export MLFLOW_HTTP_REQUEST_TIMEOUT=30

log "target $TARGET; MLflow tests from $SOURCE"
cd "$WORK/src"
# In the background so that a signal to this script is handled at once (bash defers traps while a
# foreground child runs); the EXIT trap then kills whatever servers pytest left behind.
"$VENV/bin/python" -m pytest -c "$HERE/pytest.ini" --rootdir "$WORK/src" -p mlflow_own_plugin \
  "${PYTEST_ARGS[@]}" </dev/null &
PYTEST_PID=$!
set +e
wait "$PYTEST_PID"
status=$?
set -e
PYTEST_PID=""
exit "$status"
