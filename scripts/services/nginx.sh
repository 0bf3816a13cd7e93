#!/usr/bin/env bash
# A throwaway load balancer (nginx, Debian's package) for tests: requests to one address go round
# robin to several trackd replicas, as a load balancer in front of a deployment does. The package
# is unpacked into a cache (${TRACKD_CACHE_DIR:-~/.cache/trackd}/nginx) with `apt-get download`
# and `dpkg -x`, not installed: no service is registered or started on the machine.
#   scripts/services/nginx.sh install                       → prints the binary's path
#   scripts/services/nginx.sh start HOST:PORT [HOST:PORT…]  → prints NGINX_URL=…, NGINX_DIR=…,
#                                                             NGINX_PID=…
#   scripts/services/nginx.sh stop NGINX_DIR
# Progress and logs go to stderr, only env lines to stdout.
set -euo pipefail

CACHE="${TRACKD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trackd}"
ROOT="$CACHE/nginx"
BIN="$ROOT/usr/sbin/nginx"

install_nginx() {
  if [[ ! -x "$BIN" ]]; then
    echo "unpacking nginx from Debian's archive into $ROOT" >&2
    local tmp
    tmp="$(mktemp -d)"
    chmod 777 "$tmp" # apt's download user writes there
    if ! (cd "$tmp" && apt-get download nginx >&2); then
      apt-get update -qq >&2
      (cd "$tmp" && apt-get download nginx >&2)
    fi
    rm -rf "$ROOT"
    mkdir -p "$ROOT"
    dpkg -x "$tmp"/nginx_*.deb "$ROOT"
    rm -rf "$tmp"
  fi
  "$BIN" -v 2>/dev/null || { echo "nginx.sh: $BIN does not run" >&2; return 1; }
  echo "$BIN"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The configuration: one upstream of every replica, balanced round robin (nginx's default), with
# bodies streamed both ways (no buffering, no size limit: artifacts are large) and kept-alive
# connections to the replicas.
write_config() {
  local dir="$1" port="$2"
  shift 2
  {
    echo "daemon off;"
    echo "worker_processes 1;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log warn;"
    # As root the workers would run as nobody, who may not write the temporary folders.
    [[ "$(id -u)" == 0 ]] && echo "user root;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  access_log off;"
    for temp in client_body proxy fastcgi uwsgi scgi; do
      echo "  ${temp}_temp_path $dir/$temp;"
    done
    echo "  upstream trackd {"
    for upstream in "$@"; do
      echo "    server $upstream;"
    done
    echo "    keepalive 32;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$port;"
    echo "    client_max_body_size 0;"
    echo "    proxy_request_buffering off;"
    echo "    proxy_buffering off;"
    echo "    proxy_http_version 1.1;"
    echo "    proxy_read_timeout 300s;"
    echo "    proxy_send_timeout 300s;"
    echo '    proxy_set_header Connection "";'
    echo '    proxy_set_header Host $http_host;'
    echo "    location / { proxy_pass http://trackd; }"
    echo "  }"
    echo "}"
  } >"$dir/nginx.conf"
}

stop_dir() {
  local dir="$1" pid i
  [[ -f "$dir/nginx.pid" ]] || return 0
  pid="$(cat "$dir/nginx.pid")"
  kill -QUIT "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install)
    install_nginx
    ;;
  start)
    shift
    [[ $# -gt 0 ]] || { echo "nginx.sh start: name at least one HOST:PORT" >&2; exit 2; }
    install_nginx >/dev/null
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/trackd-nginx.XXXXXX")"
    for attempt in 1 2 3; do
      PORT="$(free_port)"
      write_config "$DIR" "$PORT" "$@"
      setsid "$BIN" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/error.log" \
        </dev/null >>"$DIR/stderr.log" 2>&1 &
      echo $! >"$DIR/nginx.pid"
      for ((i = 0; i < 100; i++)); do
        kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null || break
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
          echo "NGINX_URL=http://127.0.0.1:$PORT"
          echo "NGINX_DIR=$DIR"
          echo "NGINX_PID=$(cat "$DIR/nginx.pid")"
          exit 0
        fi
        sleep 0.05
      done
      stop_dir "$DIR"
      echo "nginx.sh: nginx did not start on port $PORT (attempt $attempt):" >&2
      cat "$DIR/error.log" "$DIR/stderr.log" >&2 2>/dev/null || true
    done
    rm -rf "$DIR"
    exit 1
    ;;
  stop)
    DIR="${2:?usage: nginx.sh stop NGINX_DIR}"
    case "$DIR" in
      "${TMPDIR:-/tmp}"/trackd-nginx.*) ;;
      *) echo "nginx.sh stop: $DIR is not a folder made by nginx.sh start" >&2; exit 2 ;;
    esac
    stop_dir "$DIR"
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 install | start HOST:PORT [HOST:PORT…] | stop NGINX_DIR" >&2
    exit 2
    ;;
esac
