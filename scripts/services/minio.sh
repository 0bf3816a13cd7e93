#!/usr/bin/env bash
# A throwaway S3 server (MinIO) for tests and benchmarks: built once per machine with `go install`
# (about 5 minutes the first time; cached under ${TRACKD_CACHE_DIR:-~/.cache/trackd}), one server
# per call on 127.0.0.1 with a temporary data folder and random credentials. MinIO is AGPL: a
# test-time tool only, never shipped with or linked into trackd.
#   scripts/services/minio.sh install            → builds it if missing, prints the binary's path
#   scripts/services/minio.sh path               → prints the binary's path; exit 1 when missing
#   scripts/services/minio.sh start [--bucket B] → prints env lines: TRACKD_S3_ENDPOINT_URL=…,
#                                                  AWS_ACCESS_KEY_ID=…, AWS_SECRET_ACCESS_KEY=…,
#                                                  AWS_REGION=…, MINIO_DIR=…, MINIO_PID=… (and
#                                                  TRACKD_TEST_S3_BUCKET=B when a bucket was made)
#   scripts/services/minio.sh stop MINIO_DIR
# MINIO_BIN overrides the binary; progress and logs go to stderr, only env lines to stdout.
set -euo pipefail

CACHE="${TRACKD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trackd}"
GO_BIN_DIR="$CACHE/go/bin"

find_bin() {
  if [[ -n "${MINIO_BIN:-}" ]]; then
    [[ -x "$MINIO_BIN" ]] && { echo "$MINIO_BIN"; return 0; }
    return 1
  fi
  if [[ -x "$GO_BIN_DIR/minio" ]]; then
    echo "$GO_BIN_DIR/minio"
    return 0
  fi
  command -v minio 2>/dev/null && return 0
  return 1
}

install_minio() {
  find_bin && return 0
  if [[ -n "${MINIO_BIN:-}" ]]; then
    echo "minio.sh: MINIO_BIN=$MINIO_BIN is not an executable file" >&2
    return 1
  fi
  local go
  go="$(command -v go || true)"
  [[ -z "$go" && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  if [[ -z "$go" ]]; then
    echo "minio.sh: Go is needed to build MinIO (go install github.com/minio/minio@latest)" >&2
    return 1
  fi
  echo "building MinIO with go install into $GO_BIN_DIR (about 5 minutes, once per machine)" >&2
  mkdir -p "$CACHE"
  # -modcacherw: the module cache stays deletable with rm -rf.
  GOPATH="$CACHE/go" GOCACHE="$CACHE/go-build" GOFLAGS=-modcacherw GOBIN="$GO_BIN_DIR" \
    "$go" install github.com/minio/minio@latest >&2
  find_bin
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

random_hex() {
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true
}

# Starts MinIO on a free port; 0 once /minio/health/ready answers 200 (live alone is too early: a
# loaded machine then sees 503 XMinioServerNotInitialized), 1 when the process died
# (e.g. the port was taken meanwhile), 2 when it did not become ready in time.
start_once() {
  local bin="$1" dir="$2" port="$3" user="$4" password="$5" pid i
  : >"$dir/minio.log"
  MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$password" MINIO_BROWSER=off \
    MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
    setsid "$bin" server "$dir/data" --address "127.0.0.1:$port" --quiet \
    </dev/null >>"$dir/minio.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/minio.pid"
  for ((i = 0; i < 600; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    [[ "$(http_status "http://127.0.0.1:$port/minio/health/ready")" == 200 ]] && return 0
    sleep 0.1
  done
  return 2
}

stop_dir() {
  local dir="$1" pid i
  if [[ -f "$dir/minio.pid" ]]; then
    pid="$(cat "$dir/minio.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

case "${1:-}" in
  install)
    install_minio
    ;;
  path)
    find_bin
    ;;
  start)
    shift
    BUCKET=""
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --bucket) BUCKET="${2:?--bucket needs a name}"; shift 2 ;;
        *) echo "minio.sh start: unknown argument $1" >&2; exit 2 ;;
      esac
    done
    BIN="$(install_minio)"
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/trackd-minio.XXXXXX")"
    mkdir -p "$DIR/data"
    USER_NAME="trackd$(random_hex 4)"
    PASSWORD="$(random_hex 16)"
    status=1
    for attempt in 1 2 3; do
      PORT="$(free_port)"
      set +e
      start_once "$BIN" "$DIR" "$PORT" "$USER_NAME" "$PASSWORD"
      status=$?
      set -e
      [[ $status == 0 ]] && break
      stop_dir "$DIR"
      echo "minio.sh: MinIO did not start on port $PORT (attempt $attempt):" >&2
      tail -n 20 "$DIR/minio.log" >&2 || true
    done
    if [[ $status != 0 ]]; then
      rm -rf "$DIR"
      exit 1
    fi
    ENDPOINT="http://127.0.0.1:$PORT"
    if [[ -n "$BUCKET" ]]; then
      # 503 while MinIO still initializes its drive: asked again for up to 30 s.
      for ((i = 0; i < 60; i++)); do
        code="$(curl -s -o "$DIR/bucket.out" -w '%{http_code}' --max-time 10 -X PUT \
          --aws-sigv4 "aws:amz:us-east-1:s3" --user "$USER_NAME:$PASSWORD" "$ENDPOINT/$BUCKET")"
        [[ "$code" == 503 ]] || break
        sleep 0.5
      done
      if [[ "$code" != 200 ]]; then
        echo "minio.sh: creating bucket $BUCKET answered $code: $(cat "$DIR/bucket.out")" >&2
        stop_dir "$DIR"
        rm -rf "$DIR"
        exit 1
      fi
    fi
    echo "TRACKD_S3_ENDPOINT_URL=$ENDPOINT"
    echo "AWS_ACCESS_KEY_ID=$USER_NAME"
    echo "AWS_SECRET_ACCESS_KEY=$PASSWORD"
    echo "AWS_REGION=us-east-1"
    [[ -n "$BUCKET" ]] && echo "TRACKD_TEST_S3_BUCKET=$BUCKET"
    echo "MINIO_DIR=$DIR"
    echo "MINIO_PID=$(cat "$DIR/minio.pid")"
    ;;
  stop)
    DIR="${2:?usage: minio.sh stop MINIO_DIR}"
    case "$DIR" in
      "${TMPDIR:-/tmp}"/trackd-minio.*) ;;
      *) echo "minio.sh stop: $DIR is not a folder made by minio.sh start" >&2; exit 2 ;;
    esac
    stop_dir "$DIR"
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 install | path | start [--bucket NAME] | stop MINIO_DIR" >&2
    exit 2
    ;;
esac
