"""Fixtures for the official-client conformance flows: one trackd server per session (built
dist/, temporary data dir, free port on 127.0.0.1), and per test a tracking URI — by default a fresh
project (`/projects/<name>`) so tests never see each other's data — plus clean client state.

CONFORMANCE_TARGET=mlflow runs the same flows against MLflow's own server (with workspaces on, a
fresh workspace per test selected through MLFLOW_WORKSPACE) to check the tests' expectations;
tests marked `trackd_only` (URL prefixes, per-project Default experiments) are skipped then."""

from __future__ import annotations

import os

import mlflow
import requests
import mlflow.tracking.fluent as fluent
import pytest
from mlflow.tracking import MlflowClient
from names import project_name
from server_process import CLIENT_ENV, mlflow_server, trackd_server

TARGET = os.environ.get("CONFORMANCE_TARGET", "trackd")

# Client-side state the fluent API keeps between calls; reset around every test.
_CLIENT_ENV_VARS = [
    "MLFLOW_TRACKING_URI",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_EXPERIMENT_NAME",
    "MLFLOW_RUN_ID",
    "MLFLOW_WORKSPACE",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "trackd_only: trackd's own URL space or behaviour (skipped against MLflow)")


def pytest_collection_modifyitems(config, items):
    if TARGET != "mlflow":
        return
    skip = pytest.mark.skip(reason="trackd only (CONFORMANCE_TARGET=mlflow)")
    for item in items:
        if "trackd_only" in item.keywords or "differential" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def trackd():
    """The server under test (ours, unless CONFORMANCE_TARGET=mlflow)."""
    if TARGET == "mlflow":
        server = mlflow_server(["--enable-workspaces"], name="mlflow-conformance").start()
    else:
        server = trackd_server().start()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def clean_client_state(monkeypatch):
    for name, value in CLIENT_ENV.items():
        monkeypatch.setenv(name, value)
    for name in _CLIENT_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_workspace(None)
    fluent._active_experiment_id = None


def use_tracking_uri(monkeypatch, uri: str) -> str:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    return uri


@pytest.fixture
def project() -> str:
    """A project name no other test uses (created by the first write, like any project)."""
    return project_name()


@pytest.fixture
def tracking_uri(trackd, project, monkeypatch) -> str:
    """The active tracking URI: this test's own project, through the /projects/<name> prefix."""
    if TARGET == "mlflow":
        resp = requests.post(f"{trackd.url}/api/3.0/mlflow/workspaces", json={"name": project})
        resp.raise_for_status()
        monkeypatch.setenv("MLFLOW_WORKSPACE", project)
        use_tracking_uri(monkeypatch, trackd.url)
        # MLflow's workspaces have no experiment 0; give runs without an experiment a home.
        mlflow.set_experiment("Default")
        return trackd.url
    return use_tracking_uri(monkeypatch, f"{trackd.url}/projects/{project}")


@pytest.fixture
def root_uri(trackd, monkeypatch) -> str:
    """The active tracking URI: the server root, i.e. project `default` (shared by tests)."""
    return use_tracking_uri(monkeypatch, trackd.url)


@pytest.fixture
def switch_tracking_uri(monkeypatch):
    """Points the fluent API at another URI mid-test."""
    return lambda uri: use_tracking_uri(monkeypatch, uri)


@pytest.fixture
def client(tracking_uri) -> MlflowClient:
    return MlflowClient(tracking_uri)
