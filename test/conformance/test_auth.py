"""Authentication with the official client: trackd started with `--auth basic`, users made with
MLflow's own AuthServiceClient, then the tracking, artifact and registry flows signed in with
MLFLOW_TRACKING_USERNAME/PASSWORD and with MLFLOW_TRACKING_TOKEN; a read token reads but cannot
log, and a token for one project is refused in another."""

import os

import mlflow
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.server import get_app_client
from mlflow.tracking import MlflowClient
from names import project_name, unique_name
from server_process import trackd_server
from sklearn.linear_model import LogisticRegression

pytestmark = pytest.mark.trackd_only

ADMIN = "admin"
ADMIN_PASSWORD = "admin password of the suite"
ALICE_PASSWORD = "alice's long password"


@pytest.fixture(scope="module")
def server():
    proc = trackd_server(
        extra_args=["--auth", "basic"],
        env={"TRACKD_ADMIN_USERNAME": ADMIN, "TRACKD_ADMIN_PASSWORD": ADMIN_PASSWORD},
    ).start()
    yield proc
    proc.close()


def sign_in(monkeypatch, username=None, password=None, token=None):
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if username:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    if token:
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)


def use(monkeypatch, uri):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    return uri


def make_token(server, user, password, **body) -> str:
    resp = requests.post(
        f"{server.url}/api/trackd/v1/tokens",
        json={"name": "conformance", **body},
        auth=(user, password),
        timeout=30,
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


@pytest.fixture(scope="module")
def projects(server):
    """Two projects, alice made through MLflow's AuthServiceClient with EDIT on the first."""
    a, b = project_name(), project_name()
    admin = (ADMIN, ADMIN_PASSWORD)
    for name in (a, b):
        resp = requests.post(f"{server.url}/api/3.0/mlflow/workspaces", json={"name": name}, auth=admin, timeout=30)
        assert resp.status_code == 201, resp.text
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = admin
    try:
        auth = get_app_client("basic-auth", tracking_uri=f"{server.url}/projects/{a}")
        user = auth.create_user("alice", ALICE_PASSWORD)
        assert user.username == "alice" and not user.is_admin
        auth.grant_user_permission("alice", "experiment", "*", "EDIT")
        assert auth.get_user_permission("alice", "experiment", "*").permission == "EDIT"
        assert auth.get_user("alice").username == "alice"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return a, b


def tracking_flow(uri: str) -> tuple[str, str]:
    """Logs a run with params, metrics, an artifact and a registered model; returns (run id, model uri)."""
    mlflow.set_experiment(unique_name("auth"))
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    with mlflow.start_run() as run:
        mlflow.log_param("p", "1")
        mlflow.log_metric("m", 0.5, step=1)
        mlflow.log_text("hello", "notes/hello.txt")
        info = mlflow.sklearn.log_model(
            LogisticRegression().fit(x, y), name="model", registered_model_name=unique_name("model")
        )
    client = MlflowClient(uri)
    assert client.get_run(run.info.run_id).data.metrics == {"m": 0.5}
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/notes/hello.txt") == "hello"
    assert list(mlflow.sklearn.load_model(info.model_uri).predict(x)) == [0, 0, 1, 1]
    return run.info.run_id, info.model_uri


def test_password_and_token_run_the_whole_flow(server, projects, monkeypatch):
    a, _ = projects
    uri = use(monkeypatch, f"{server.url}/projects/{a}")
    sign_in(monkeypatch, "alice", ALICE_PASSWORD)
    tracking_flow(uri)
    sign_in(monkeypatch, token=make_token(server, "alice", ALICE_PASSWORD, scope="write"))
    tracking_flow(uri)


def test_read_token_reads_everything_and_logs_nothing(server, projects, monkeypatch):
    a, _ = projects
    uri = use(monkeypatch, f"{server.url}/projects/{a}")
    sign_in(monkeypatch, "alice", ALICE_PASSWORD)
    run_id, model_uri = tracking_flow(uri)
    experiment_id = MlflowClient(uri).get_run(run_id).info.experiment_id

    sign_in(monkeypatch, token=make_token(server, "alice", ALICE_PASSWORD, scope="read"))
    runs = mlflow.search_runs([experiment_id])
    assert list(runs["run_id"]) == [run_id]
    assert mlflow.sklearn.load_model(model_uri) is not None
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/hello.txt") == "hello"
    with pytest.raises(MlflowException) as err:
        MlflowClient(uri).log_metric(run_id, "m", 1.0)
    assert err.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(MlflowException) as err:
        MlflowClient(uri).create_experiment(unique_name("nope"))
    assert err.value.error_code == "PERMISSION_DENIED"


def test_a_token_for_one_project_is_refused_in_another(server, projects, monkeypatch):
    a, b = projects
    admin_token = make_token(server, ADMIN, ADMIN_PASSWORD, scope="write", project=b)
    uri_a = use(monkeypatch, f"{server.url}/projects/{a}")
    sign_in(monkeypatch, "alice", ALICE_PASSWORD)
    run_id, _ = tracking_flow(uri_a)

    sign_in(monkeypatch, token=admin_token)
    with pytest.raises(MlflowException) as err:
        mlflow.search_runs(search_all_experiments=True)
    assert err.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(MlflowException):
        mlflow.artifacts.load_text(f"runs:/{run_id}/notes/hello.txt")
    headers = {"Authorization": f"Bearer {admin_token}"}
    for path in (f"get-artifact?run_id={run_id}&path=notes/hello.txt", "api/2.0/mlflow-artifacts/artifacts"):
        resp = requests.get(f"{uri_a}/{path}", headers=headers, timeout=30)
        assert resp.status_code == 403, resp.text
        assert resp.json()["error_code"] == "PERMISSION_DENIED"
    # In its own project the token works.
    use(monkeypatch, f"{server.url}/projects/{b}")
    assert mlflow.search_runs(search_all_experiments=True).empty


def test_without_credentials_the_client_gets_unauthenticated(server, projects, monkeypatch):
    a, _ = projects
    uri = use(monkeypatch, f"{server.url}/projects/{a}")
    sign_in(monkeypatch)
    with pytest.raises(MlflowException) as err:
        MlflowClient(uri).search_experiments()
    assert err.value.error_code == "UNAUTHENTICATED"
    assert requests.get(f"{server.url}/health", timeout=30).text == "OK"
