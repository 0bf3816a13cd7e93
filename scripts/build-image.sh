#!/usr/bin/env bash
# Builds the Dockerfile with podman where no image registry is reachable, then checks the image:
# /health, the container health check, a short client flow over HTTP (experiment, run, metric),
# /metrics, a non-root user, a read-only root file system and a graceful stop. The base images come
# from Debian's archive: a minimal Debian 13 (trixie, whose nodejs is Node 20) made with
# debootstrap and imported with `podman import` (cached; TRACKD_IMAGE_REBUILD_BASE=1 remakes it).
#   scripts/build-image.sh            → builds localhost/trackd:dev and checks it
#   scripts/build-image.sh --build    → only builds it (CI starts this early, in the background)
#   scripts/build-image.sh --check    → only checks the image built before
#   TRACKD_IMAGE=name:tag scripts/build-image.sh
# The check adds a flow of the official Python client (params, metrics, an artifact through the
# proxy, read back) when .venv/bin/python has mlflow (test/conformance/run.sh makes it).
# Needs root (debootstrap, rootful podman); installs podman, runc and debootstrap with apt-get when
# missing. Where Docker with a registry is at hand, `docker build .` needs none of this.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-all}"
case "$MODE" in
  all | --build | --check) ;;
  *) echo "usage: $0 [--build | --check]" >&2; exit 2 ;;
esac

IMAGE="${TRACKD_IMAGE:-localhost/trackd:dev}"
SUITE=trixie
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
RUNTIME_BASE="localhost/trackd-node-base:$SUITE"
BUILD_BASE="localhost/trackd-build-base:$SUITE"
NAME="trackd-smoke-$$"
VOLUME="trackd-smoke-data-$$"
WORK="$(mktemp -d)"

log() { echo "build-image: $*" >&2; }

cleanup() {
  podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ "$(id -u)" != 0 ]]; then
  log "needs root (debootstrap and rootful podman)"
  exit 1
fi
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  log "installing ${missing[*]} from Debian's archive"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq podman runc debootstrap >/dev/null
fi

# This machine's sandbox: crun refuses hybrid cgroups (runc copes), and the process limits podman
# asks for by default are above what the sandbox lets a process set. A config of our own, so the
# machine's podman settings stay as they are.
cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Sn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"

build_image() {
# --- base images from Debian's archive -----------------------------------------------------------
if [[ "${TRACKD_IMAGE_REBUILD_BASE:-}" == 1 ]] || ! podman image exists "$RUNTIME_BASE"; then
  log "debootstrap $SUITE (minbase + nodejs) — a few minutes"
  ROOT="$WORK/rootfs"
  debootstrap --variant=minbase --include=nodejs,ca-certificates "$SUITE" "$ROOT" "$MIRROR" \
    >"$WORK/debootstrap.log" 2>&1 || {
    tail -20 "$WORK/debootstrap.log" >&2
    exit 1
  }
  chroot "$ROOT" apt-get clean
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin
  tar -C "$ROOT" --numeric-owner -cf "$WORK/rootfs.tar" .
  podman import --quiet --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$WORK/rootfs.tar" "$RUNTIME_BASE" >/dev/null
  rm -rf "$ROOT" "$WORK/rootfs.tar"
  podman rmi -f "$BUILD_BASE" >/dev/null 2>&1 || true
fi
if ! podman image exists "$BUILD_BASE"; then
  log "build base: npm and Node's headers from Debian"
  # Where this machine reaches registries through a TLS-inspecting proxy, npm in the build needs
  # the same extra certificate authorities as npm here (only in this local base, not the image).
  : >"$WORK/extra-ca.crt"
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
    cp "$NODE_EXTRA_CA_CERTS" "$WORK/extra-ca.crt"
  fi
  cat >"$WORK/Containerfile.build-base" <<EOF
FROM $RUNTIME_BASE
ENV DEBIAN_FRONTEND=noninteractive NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-extra-ca.crt
COPY extra-ca.crt /etc/ssl/certs/build-extra-ca.crt
RUN apt-get update && apt-get install -y --no-install-recommends npm libnode-dev \\
    && rm -rf /var/lib/apt/lists/*
EOF
  podman build --quiet --network host -f "$WORK/Containerfile.build-base" -t "$BUILD_BASE" "$WORK" \
    >"$WORK/build-base.log" 2>&1 || {
    tail -20 "$WORK/build-base.log" >&2
    exit 1
  }
fi
log "node in the base image: $(podman run --rm --network none "$RUNTIME_BASE" node --version)"

# --- the image -----------------------------------------------------------------------------------
log "podman build $IMAGE"
podman build --format docker --network host \
  --build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" \
  -t "$IMAGE" . >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2
  exit 1
}
log "built: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

check_image() {
podman image exists "$IMAGE" || { log "no image $IMAGE: build it first"; exit 1; }

# --- run it as Kubernetes would: non-root, read-only root, tmpfs /tmp, a volume for /data ----------
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
PASSWORD="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
podman volume create "$VOLUME" >/dev/null
# The health check is run by hand below: podman's timers for it need systemd.
podman run -d --name "$NAME" --read-only --tmpfs /tmp -v "$VOLUME:/data" \
  -p "127.0.0.1:$PORT:5000" --health-interval=disable \
  -e TRACKD_ADMIN_USERNAME=admin -e TRACKD_ADMIN_PASSWORD="$PASSWORD" \
  "$IMAGE" >/dev/null 2>"$WORK/run.log" || {
  cat "$WORK/run.log" >&2
  exit 1
}
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  sleep 0.5
done
fail() {
  log "FAILED: $*"
  podman logs "$NAME" 2>&1 | tail -30 >&2
  exit 1
}
[[ "$(curl -fsS "$BASE/health")" == OK ]] || fail "/health"
log "/health: OK"
[[ "$(podman exec "$NAME" id -u)" == 10001 ]] || fail "not running as uid 10001"
podman exec "$NAME" sh -c 'touch /app/x' 2>/dev/null && fail "the application files are writable"
podman healthcheck run "$NAME" >/dev/null || fail "container health check"
log "health check: healthy; user: $(podman exec "$NAME" id -un) (uid 10001), /app read-only"

AUTH=(-u "admin:$PASSWORD" -H 'Content-Type: application/json')
api() { curl -fsS "${AUTH[@]}" "$BASE/projects/smoke$1" "${@:2}"; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/projects/smoke/api/2.0/mlflow/experiments/search")" == 401 ]] ||
  fail "the API answered without credentials"
EXP="$(api /api/2.0/mlflow/experiments/create -d '{"name": "image-smoke"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).experiment_id')"
RUN="$(api /api/2.0/mlflow/runs/create -d "{\"experiment_id\": \"$EXP\", \"start_time\": 1}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).run.info.run_id')"
for step in 1 2 3; do
  api /api/2.0/mlflow/runs/log-metric -d "{\"run_id\": \"$RUN\", \"key\": \"loss\", \"value\": 0.$step, \"timestamp\": $step, \"step\": $step}" >/dev/null
done
POINTS="$(api "/api/2.0/mlflow/metrics/get-history?run_id=$RUN&metric_key=loss" | node -pe 'JSON.parse(require("fs").readFileSync(0)).metrics.length')"
[[ "$POINTS" == 3 ]] || fail "metric history has $POINTS points, not 3"
log "client flow: experiment $EXP, run $RUN, 3 metric points read back"
# Read whole before matching: `grep -q` stops at the first match, and curl, cut off, would fail.
METRICS="$(curl -fsS -u "admin:$PASSWORD" "$BASE/metrics")"
grep -q 'trackd_http_requests_total{family="runs"' <<<"$METRICS" ||
  fail "/metrics lacks the runs family"
log "/metrics: counters per family"
if [[ -x .venv/bin/python ]] && .venv/bin/python -c 'import mlflow' 2>/dev/null; then
  MLFLOW_TRACKING_URI="$BASE/projects/smoke" MLFLOW_TRACKING_USERNAME=admin \
    MLFLOW_TRACKING_PASSWORD="$PASSWORD" MLFLOW_DISABLE_TELEMETRY=true \
    .venv/bin/python - <<'PY' || fail "the official client's flow"
import mlflow
from mlflow.tracking import MlflowClient

mlflow.set_experiment("image-client-flow")
with mlflow.start_run() as run:
    mlflow.log_param("lr", "0.01")
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_text("logged into the container", "notes/readme.txt")
client = MlflowClient()
got = client.get_run(run.info.run_id)
assert got.data.params == {"lr": "0.01"}, got.data.params
assert len(client.get_metric_history(run.info.run_id, "loss")) == 5
text = mlflow.artifacts.load_text(f"{got.info.artifact_uri}/notes/readme.txt")
assert text == "logged into the container", text
PY
  log "official client: run with a param, 5 metric points and an artifact read back"
fi

podman stop -t 30 "$NAME" >/dev/null 2>&1
CODE="$(podman inspect --format '{{.State.ExitCode}}' "$NAME")"
podman logs "$NAME" 2>&1 | grep -q '"msg":"stopped"' || fail "no graceful stop in the logs"
[[ "$CODE" == 0 ]] || fail "exit code $CODE after SIGTERM"
log "SIGTERM: stopped gracefully, exit code 0"
log "image $IMAGE passed"
}

[[ "$MODE" == --check ]] || build_image
[[ "$MODE" == --build ]] || check_image
