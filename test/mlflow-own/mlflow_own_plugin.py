"""pytest plugin for running MLflow's own REST tests (copied in by run.sh, never edited) against
trackd or against MLflow itself.

MLFLOW_OWN_TARGET=trackd (default): every MLflow server those files would start is trackd instead.
Their client fixtures (`mlflow_client`, `mlflow_client_with_secrets` in test_rest_tracking.py,
`client` in test_model_registry.py) start a server through `ServerThread(app, port)` from
tests/tracking/integration_test_utils.py, and a few tests call that module's `_init_server(...)`
themselves. Both names are rebound, in that module and in every test module that imported them,
to stand-ins that hand out the URL of a fresh project (`http://127.0.0.1:<port>/projects/<name>`)
on one trackd process per session (the built dist/src/main.js, started as the conformance suite
starts it). So each test gets an empty tracking store, as upstream's per-test SQLite copy gives.
Upstream, the server a fixture starts serves the same SQLite file that their autouse
`tracking_uri_mock` makes the test's default tracking URI, so fluent calls (mlflow.start_run, the
CLI) and the client see one store. The stand-in keeps that: when the server is started for the
store that is the current default tracking URI, the default becomes the project's URL for the test
(their conftest restores it afterwards). Tests that launch `mlflow server` themselves
(subprocess) cannot be pointed at trackd and are skipped on this target, with that reason.

MLFLOW_OWN_TARGET=mlflow: nothing is replaced; upstream's fixtures serve MLflow's own FastAPI app
(the installed mlflow) in a thread over a fresh SQLite copy, exactly as in MLflow's CI.

For both targets, MLFLOW_OWN_RESULTS=<file> receives one JSON line per test: outcome, a one-line
reason, and the HTTP answers >= 400 the test process received (method, path without the project
prefix, status, error_code), so failures can be grouped by endpoint (see summarize.py).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import sys
import time
import uuid
from pathlib import Path

import pytest

TARGET = os.environ.get("MLFLOW_OWN_TARGET", "trackd")
if TARGET not in ("trackd", "mlflow"):
    raise pytest.UsageError(f"MLFLOW_OWN_TARGET must be trackd or mlflow, not {TARGET!r}")

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PREFIX = re.compile(r"^/projects/[^/]+")


# ---------------------------------------------------------------- trackd as the server under test


# Server settings MLflow reads from its process environment at request time. Upstream's tests set
# them (monkeypatch, or `_init_server(extra_env=...)`) before starting their in-process server; a
# trackd process gets them at launch, so each distinct setting gets its own trackd.
SERVER_ENV_VARS = ("MLFLOW_CRYPTO_KEK_PASSPHRASE", "MLFLOW_DEPLOYMENTS_TARGET")


class _Trackd:
    """trackd processes for the session, one per server environment, started on first use."""

    servers: dict = {}

    @classmethod
    def url(cls, extra_env: dict | None = None) -> str:
        # "" stands for unset: the launcher passes the test process's environment on.
        env = {name: os.environ.get(name, "") for name in SERVER_ENV_VARS}
        env.update({k: v for k, v in (extra_env or {}).items() if k in SERVER_ENV_VARS})
        key = tuple(sorted(env.items()))
        if key not in cls.servers:
            sys.path.insert(0, str(REPO_ROOT / "test" / "conformance"))
            from server_process import trackd_server  # our own launcher (free port, temp data)

            cls.servers[key] = trackd_server(env=env).start()
        return cls.servers[key].url

    @classmethod
    def stop(cls) -> None:
        for server in cls.servers.values():
            server.close()
        cls.servers = {}


def _project_name() -> str:
    """A project name (2..63 chars, [a-z0-9-]) that tells which test made it."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    test = current.split("::")[-1].split(" ")[0]
    slug = re.sub(r"[^a-z0-9]+", "-", test.lower()).strip("-")[:40].strip("-")
    return f"{slug or 't'}-{uuid.uuid4().hex[:10]}"


def fresh_project_url(extra_env: dict | None = None) -> str:
    return f"{_Trackd.url(extra_env)}/projects/{_project_name()}"


class _Backend:
    """The backend URI the test last asked MLflow's in-process server setup to serve."""

    uri: str | None = None

    @classmethod
    def recording(cls, initialize_backend_stores):
        def wrapper(*args, **kwargs):
            cls.uri = kwargs.get("backend_store_uri", args[0] if args else None)
            return initialize_backend_stores(*args, **kwargs)

        return wrapper


def _serve_default_store_from(url: str) -> None:
    """If the server being started stands for the store that is the test's default tracking URI
    (upstream: the same SQLite file), route the default to the project instead."""
    import mlflow

    if _Backend.uri is not None and _Backend.uri == mlflow.get_tracking_uri():
        mlflow.set_tracking_uri(url)
    _Backend.uri = None


class TrackdServerThread:
    """Stands in for integration_test_utils.ServerThread(app, port): same use as a context manager,
    whose value is a tracking URI; the app and port are ignored."""

    def __init__(self, app=None, port=None, *args, **kwargs):
        self.url = None

    def start(self) -> None:
        self.url = fresh_project_url()
        _serve_default_store_from(self.url)

    def shutdown(self) -> None:
        pass

    def join(self, timeout=None) -> None:
        pass

    def __enter__(self) -> str:
        self.start()
        return self.url

    def __exit__(self, exc_type, exc, tb):
        return None


@contextlib.contextmanager
def trackd_init_server(
    backend_uri=None, root_artifact_uri=None, extra_env=None, app=None, server_type="fastapi"
):
    """Stands in for integration_test_utils._init_server(...): yields a tracking URI. MLflow's
    backend/artifact URIs are meaningless to trackd and ignored; of the environment, the server
    settings trackd shares with MLflow are kept."""
    yield fresh_project_url(extra_env)


def _rebind_servers(items) -> None:
    import mlflow.server.handlers as handlers
    import tests.tracking.integration_test_utils as itu

    originals = {
        "ServerThread": itu.ServerThread,
        "_init_server": itu._init_server,
        "initialize_backend_stores": handlers.initialize_backend_stores,
    }
    stand_ins = {
        "ServerThread": TrackdServerThread,
        "_init_server": trackd_init_server,
        "initialize_backend_stores": _Backend.recording(handlers.initialize_backend_stores),
    }
    modules = {id(itu): itu}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            modules[id(module)] = module
    for module in modules.values():
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                setattr(module, name, stand_ins[name])


# `[sys.executable, "-m", "mlflow", "server", ...]` in a test's own code.
_LAUNCHES_MLFLOW = re.compile(r'"-m",\s*"mlflow",\s*"server"')


def _skip_tests_that_launch_mlflow(items) -> None:
    skip = pytest.mark.skip(
        reason="launches `mlflow server` itself: says nothing about trackd (mlflow-own harness)"
    )
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            source = ""
        if _LAUNCHES_MLFLOW.search(source):
            item.add_marker(skip)


# ------------------------------------------------------------------------------ result recording


class _HttpLog:
    """Every HTTP answer the test process receives (client calls and raw requests alike)."""

    errors: list[dict] = []
    last: dict | None = None
    count = 0

    @classmethod
    def reset(cls) -> None:
        cls.errors = []
        cls.last = None
        cls.count = 0

    @classmethod
    def install(cls) -> None:
        import requests.adapters

        original_send = requests.adapters.HTTPAdapter.send

        def send(adapter, request, *args, **kwargs):
            response = original_send(adapter, request, *args, **kwargs)
            try:
                cls._record(request, response)
            except Exception:  # recording must never change a test's outcome
                pass
            return response

        requests.adapters.HTTPAdapter.send = send

    @classmethod
    def _record(cls, request, response) -> None:
        from urllib.parse import urlsplit

        path = PROJECT_PREFIX.sub("", urlsplit(request.url).path) or "/"
        entry = {"method": request.method, "path": path, "status": response.status_code}
        cls.last = entry
        cls.count += 1
        if response.status_code >= 400:
            code = None
            with contextlib.suppress(Exception):
                body = response.json()
                if isinstance(body, dict):
                    code = body.get("error_code")
            message = None
            with contextlib.suppress(Exception):
                message = response.text[:300]
            cls.errors.append({**entry, "error_code": code, "message": message})
            del cls.errors[:-8]


def _one_line(report) -> str:
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple):  # skip: (file, line, reason)
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr)
    # The assertion and pytest's first explanations ("where False = ...startswith('file://')").
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:3])[:500]


class _Results:
    def __init__(self, path: str | None):
        self.path = path
        self.rows: dict[str, dict] = {}
        self.started: dict[str, float] = {}

    def start(self, nodeid: str) -> None:
        self.started[nodeid] = time.monotonic()
        _HttpLog.reset()

    def report(self, report) -> None:
        row = self.rows.setdefault(
            report.nodeid, {"nodeid": report.nodeid, "target": TARGET, "outcome": "passed"}
        )
        if report.outcome == "rerun":
            return
        if hasattr(report, "wasxfail"):
            row["outcome"] = "xfailed" if report.skipped else "xpassed"
            row["xfail_reason"] = str(report.wasxfail)
            row["reason"] = (_one_line(report) if report.skipped else "") or row["xfail_reason"]
            row["http_errors"] = list(_HttpLog.errors)
        elif report.when == "call" or report.failed or report.skipped:
            if report.failed:
                row["outcome"] = "failed" if report.when == "call" else "error"
                row["phase"] = report.when
                row["reason"] = _one_line(report)
                row["http_errors"] = list(_HttpLog.errors)
                row["last_request"] = _HttpLog.last
            elif report.skipped and row["outcome"] == "passed":
                row["outcome"] = "skipped"
                row["reason"] = _one_line(report)
        if report.when == "teardown":
            row["http_requests"] = _HttpLog.count
            row["seconds"] = round(time.monotonic() - self.started.get(report.nodeid, 0.0), 2)

    def write(self) -> None:
        if not self.path:
            return
        with open(self.path, "w") as f:
            for row in self.rows.values():
                f.write(json.dumps(row) + "\n")


_results = _Results(os.environ.get("MLFLOW_OWN_RESULTS"))


# ------------------------------------------------------------------------------------ pytest hooks


def pytest_configure(config):
    _HttpLog.install()


def pytest_report_header(config):
    import mlflow

    where = "trackd (dist/src/main.js, one project per test)" if TARGET == "trackd" else (
        "MLflow's own app in-process (upstream fixtures unchanged)"
    )
    return [f"mlflow-own: target {where}; client mlflow {mlflow.__version__}"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if TARGET == "trackd":
        _rebind_servers(items)
        _skip_tests_that_launch_mlflow(items)


def pytest_runtest_logstart(nodeid, location):
    _results.start(nodeid)


def pytest_runtest_logreport(report):
    _results.report(report)


def pytest_sessionfinish(session, exitstatus):
    _results.write()
    _Trackd.stop()
