"""Starts and stops the servers the conformance suites talk to: ours (the built trackd) and
MLflow's.

Every server binds 127.0.0.1 on a free port, keeps its data in a temporary folder and runs in its
own process group, so stopping it stops its children too (MLflow's server forks uvicorn). When run.sh
sets CONFORMANCE_PID_DIR, each group id and folder is also written there so run.sh can clean up
after a crash.
"""

from __future__ import annotations

import atexit
import base64
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TRACKD_MAIN = REPO_ROOT / "dist" / "src" / "main.js"
MINIO_SCRIPT = REPO_ROOT / "scripts" / "services" / "minio.sh"
NGINX_SCRIPT = REPO_ROOT / "scripts" / "services" / "nginx.sh"
VENV_BIN = Path(sys.executable).parent

# Environment that keeps the official client quiet and fast to fail in tests: no telemetry, and
# no minutes-long retry loops when a server answers 5xx.
CLIENT_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One server process on 127.0.0.1:<port> with a temporary data folder."""

    def __init__(self, name: str, argv_for_port, data_dir: Path, env: dict | None = None):
        self.name = name
        self._argv_for_port = argv_for_port
        self.data_dir = data_dir
        self._env = env
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = data_dir / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> "ServerProcess":
        """Starts the process without waiting for it to answer; see wait_ready()."""
        self.port = free_port()
        env = {**os.environ, **CLIENT_ENV, **(self._env or {})}
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self._argv_for_port(self.port),
            cwd=self.data_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
        if pid_dir:
            # Line 1: process group to kill; line 2: temporary folder to remove (see run.sh).
            Path(pid_dir, f"{self.name}-{self.proc.pid}.pgid").write_text(
                f"{self.proc.pid}\n{self.data_dir}\n"
            )
        return self

    def wait_ready(self, timeout: float = 90.0) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before answering /health:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"OK":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not answer /health within {timeout}s:\n" + self.log_tail()
        )

    def start(self, timeout: float = 90.0, attempts: int = 3) -> "ServerProcess":
        """spawn() + wait_ready(), retrying on another port if the chosen one got taken."""
        for attempt in range(attempts):
            self.spawn()
            try:
                return self.wait_ready(timeout)
            except RuntimeError:
                self.stop()
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the child leads its own process group
        if self.proc.poll() is None:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        # Children (uvicorn workers) may outlive the leader; the group id still names them.
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
        if pid_dir:
            Path(pid_dir, f"{self.name}-{pgid}.pgid").unlink(missing_ok=True)
        self.proc = None


    def close(self) -> None:
        """stop() and remove the temporary folder (kept when CONFORMANCE_KEEP_DATA is set)."""
        self.stop()
        if not os.environ.get("CONFORMANCE_KEEP_DATA"):
            shutil.rmtree(self.data_dir, ignore_errors=True)


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def fresh_postgres_database(server_url: str) -> str:
    """A new, empty database on the PostgreSQL server at `server_url` (a postgresql:// URL of an
    existing database), for one trackd: project schemas are named after projects, which tests
    reuse from run to run."""
    name = f"trackd_{os.getpid()}_{free_port()}_{int(time.time() * 1000) % 10**8}"
    subprocess.run(
        ["psql", server_url, "-qc", f'create database "{name}"'], check=True, capture_output=True
    )
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


_minio: dict[str, str] | None = None


def _stop_minio() -> None:
    if _minio is None:
        return
    subprocess.run(["bash", str(MINIO_SCRIPT), "stop", _minio["MINIO_DIR"]], check=False)
    pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
    if pid_dir:
        Path(pid_dir, f"minio-{_minio['MINIO_PID']}.pgid").unlink(missing_ok=True)


def s3_artifacts() -> tuple[list[str], dict[str, str]]:
    """With CONFORMANCE_ARTIFACTS=s3: trackd's flag and environment for artifacts in MinIO (one
    server for the whole pytest run, from scripts/services/minio.sh, stopped at exit), each
    trackd under a prefix of its own. Otherwise nothing (the project folders)."""
    global _minio
    mode = os.environ.get("CONFORMANCE_ARTIFACTS", "local")
    if mode == "local":
        return [], {}
    if mode != "s3":
        raise RuntimeError(f"CONFORMANCE_ARTIFACTS must be 'local' or 's3', not {mode!r}")
    if _minio is None:
        started = subprocess.run(
            ["bash", str(MINIO_SCRIPT), "start", "--bucket", "conformance"],
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            raise RuntimeError(f"MinIO did not start (minio.sh start):\n{started.stderr}")
        out = started.stdout
        _minio = dict(line.split("=", 1) for line in out.strip().splitlines())
        atexit.register(_stop_minio)
        pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
        if pid_dir:
            # Same format as the servers' files: MinIO leads its own process group (setsid).
            Path(pid_dir, f"minio-{_minio['MINIO_PID']}.pgid").write_text(
                f"{_minio['MINIO_PID']}\n{_minio['MINIO_DIR']}\n"
            )
    env = {
        name: _minio[name]
        for name in (
            "TRACKD_S3_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
        )
    }
    prefix = f"trackd-{os.getpid()}-{free_port()}"
    return ["--artifacts-destination", f"s3://{_minio['TRACKD_TEST_S3_BUCKET']}/{prefix}"], env


class ReplicaSet:
    """Several trackd processes on one PostgreSQL database and one artifact store, behind an nginx
    that sends requests to them in turn (scripts/services/nginx.sh): to a client, one server.
    Each replica has a data dir of its own; they share nothing but the database and the bucket
    (and the webhook and gateway keys, as replicas of a deployment share a secret)."""

    def __init__(self, replicas: list[ServerProcess]):
        self.name = "trackd-replicas"
        self.replicas = replicas
        self.data_dir = replicas[0].data_dir
        self._nginx: dict[str, str] | None = None

    @property
    def url(self) -> str:
        assert self._nginx is not None, "not started"
        return self._nginx["NGINX_URL"]

    def start(self, timeout: float = 90.0) -> "ReplicaSet":
        for replica in self.replicas:
            replica.start(timeout)
        started = subprocess.run(
            ["bash", str(NGINX_SCRIPT), "start", *(f"127.0.0.1:{r.port}" for r in self.replicas)],
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            self.close()
            raise RuntimeError(f"nginx did not start (nginx.sh start):\n{started.stderr}")
        self._nginx = dict(line.split("=", 1) for line in started.stdout.strip().splitlines())
        pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
        if pid_dir:
            Path(pid_dir, f"nginx-{self._nginx['NGINX_PID']}.pgid").write_text(
                f"{self._nginx['NGINX_PID']}\n{self._nginx['NGINX_DIR']}\n"
            )
        return self

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(f"--- replica {i}\n{r.log_tail(lines)}" for i, r in enumerate(self.replicas))

    def stop(self) -> None:
        if self._nginx is not None:
            subprocess.run(["bash", str(NGINX_SCRIPT), "stop", self._nginx["NGINX_DIR"]], check=False)
            pid_dir = os.environ.get("CONFORMANCE_PID_DIR")
            if pid_dir:
                Path(pid_dir, f"nginx-{self._nginx['NGINX_PID']}.pgid").unlink(missing_ok=True)
            self._nginx = None
        for replica in self.replicas:
            replica.stop()

    def close(self) -> None:
        self.stop()
        for replica in self.replicas:
            replica.close()


def trackd_server(
    data_root: Path | None = None, extra_args: list[str] | None = None, env: dict | None = None
) -> ServerProcess | ReplicaSet:
    """Our built server (dist/src/main.js) with a fresh data dir. With CONFORMANCE_PG_URL set (a
    PostgreSQL server, e.g. from scripts/services/postgres.sh), its metadata goes to a fresh
    database there instead of SQLite files; with CONFORMANCE_ARTIFACTS=s3, its artifacts go to
    MinIO (see s3_artifacts). With CONFORMANCE_REPLICAS=N as well (N ≥ 2), N such servers on the
    one database and artifact store, behind a round-robin nginx (ReplicaSet)."""
    replicas = int(os.environ.get("CONFORMANCE_REPLICAS", "1"))
    if replicas > 1:
        if not os.environ.get("CONFORMANCE_PG_URL"):
            raise RuntimeError("CONFORMANCE_REPLICAS needs CONFORMANCE_PG_URL (one shared database)")
        # The keys every replica of a deployment gets from one secret (deploy/k8s/secret.example.yaml).
        shared_env = {
            "TRACKD_GATEWAY_KEK_PASSPHRASE": secrets.token_hex(16),
            "TRACKD_WEBHOOK_SECRET_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
        database = fresh_postgres_database(os.environ["CONFORMANCE_PG_URL"])
        artifact_args, artifact_env = s3_artifacts()
        return ReplicaSet(
            [
                _trackd_process(
                    None,
                    ["--backend-store-uri", database, *artifact_args, *(extra_args or [])],
                    {**shared_env, **artifact_env, **(env or {})},
                )
                for _ in range(replicas)
            ]
        )
    backend: list[str] = []
    if os.environ.get("CONFORMANCE_PG_URL"):
        backend = ["--backend-store-uri", fresh_postgres_database(os.environ["CONFORMANCE_PG_URL"])]
    artifact_args, artifact_env = s3_artifacts()
    return _trackd_process(
        data_root, [*backend, *artifact_args, *(extra_args or [])], {**artifact_env, **(env or {})}
    )


def _trackd_process(data_root: Path | None, args: list[str], env: dict) -> ServerProcess:
    if not TRACKD_MAIN.exists():
        raise RuntimeError(f"{TRACKD_MAIN} is missing: run `npm run build` first")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH")
    work = data_root or temp_dir("trackd-conformance-")
    data_dir = work / "projects"

    def argv(port: int) -> list[str]:
        return [
            node,
            str(TRACKD_MAIN),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *args,
        ]

    return ServerProcess("trackd", argv, work, env)


def mlflow_server(
    extra_args: list[str] | None = None, name: str = "mlflow", env: dict | None = None
) -> ServerProcess:
    """MLflow's own tracking server over a fresh SQLite file; artifacts go to its temp cwd."""
    work = temp_dir(f"{name}-differential-")

    def argv(port: int) -> list[str]:
        return [
            str(VENV_BIN / "mlflow"),
            "server",
            "--backend-store-uri",
            f"sqlite:///{work}/mlflow.db",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            *(extra_args or []),
        ]

    # No background job runner (it forks eight huey consumers): the tracking API does not need it.
    return ServerProcess(
        name, argv, work, env={"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **(env or {})}
    )
