"""Projects (MLflow workspaces): isolation between /projects/<name> URIs, the root as project
`default`, and MLflow's own workspace client (set_workspace, create/list/get/update/delete)."""

import mlflow
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import project_name, unique_name


def log_one_run(uri: str, experiment: str, value: str) -> str:
    client = MlflowClient(uri)
    exp = client.get_experiment_by_name(experiment)
    exp_id = exp.experiment_id if exp else client.create_experiment(experiment)
    run = client.create_run(exp_id, run_name=f"run-{value}")
    client.log_param(run.info.run_id, "who", value)
    client.log_metric(run.info.run_id, "score", float(len(value)))
    return run.info.run_id


@pytest.mark.trackd_only
def test_same_experiment_name_in_two_projects_holds_different_data(trackd, switch_tracking_uri):
    uri_a = f"{trackd.url}/projects/{project_name('a')}"
    uri_b = f"{trackd.url}/projects/{project_name('b')}"
    run_a = log_one_run(uri_a, "shared", "team-a")
    run_b = log_one_run(uri_b, "shared", "team-b-longer")

    a, b = MlflowClient(uri_a), MlflowClient(uri_b)
    exp_a, exp_b = a.get_experiment_by_name("shared"), b.get_experiment_by_name("shared")
    runs_a = a.search_runs([exp_a.experiment_id])
    runs_b = b.search_runs([exp_b.experiment_id])
    assert [r.info.run_id for r in runs_a] == [run_a]
    assert [r.info.run_id for r in runs_b] == [run_b]
    assert runs_a[0].data.params == {"who": "team-a"}
    assert runs_b[0].data.params == {"who": "team-b-longer"}

    # A run id of one project is unknown in the other.
    with pytest.raises(MlflowException) as err:
        b.get_run(run_a)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    # The fluent API follows the tracking URI.
    switch_tracking_uri(uri_a)
    df = mlflow.search_runs(experiment_names=["shared"])
    assert list(df["params.who"]) == ["team-a"]
    switch_tracking_uri(uri_b)
    df = mlflow.search_runs(experiment_names=["shared"])
    assert list(df["params.who"]) == ["team-b-longer"]


@pytest.mark.trackd_only
def test_every_project_has_its_own_default_experiment(trackd):
    for uri in [trackd.url, f"{trackd.url}/projects/{project_name()}"]:
        default = MlflowClient(uri).get_experiment("0")
        assert (default.experiment_id, default.name) == ("0", "Default")


@pytest.mark.trackd_only
def test_root_uri_is_project_default(trackd, root_uri):
    name = unique_name("at-root")
    exp = mlflow.set_experiment(name)
    with mlflow.start_run():
        mlflow.log_param("where", "root")
    via_prefix = MlflowClient(f"{trackd.url}/projects/default")
    assert via_prefix.get_experiment_by_name(name).experiment_id == exp.experiment_id
    elsewhere = MlflowClient(f"{trackd.url}/projects/{project_name()}")
    assert elsewhere.get_experiment_by_name(name) is None


def test_workspace_client_manages_projects(trackd, root_uri):
    name = project_name("ws")
    created = mlflow.create_workspace(name, description="made by the client")
    assert created.name == name

    assert name in [w.name for w in mlflow.list_workspaces()]
    assert "default" in [w.name for w in mlflow.list_workspaces()]
    fetched = mlflow.get_workspace(name)
    assert (fetched.name, fetched.description) == (name, "made by the client")

    updated = mlflow.update_workspace(name, description="changed")
    assert updated.description == "changed"
    assert mlflow.get_workspace(name).description == "changed"

    with pytest.raises(MlflowException) as err:
        mlflow.create_workspace(name)
    assert err.value.error_code == "RESOURCE_ALREADY_EXISTS"

    mlflow.delete_workspace(name)
    with pytest.raises(MlflowException) as err:
        mlflow.get_workspace(name)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert name not in [w.name for w in mlflow.list_workspaces()]


def test_workspace_client_through_mlflow_client(trackd, root_uri):
    client = MlflowClient(root_uri)
    name = project_name("wc")
    client.create_workspace(name, description="d")
    assert client.get_workspace(name).description == "d"
    assert name in [w.name for w in client.list_workspaces()]
    client.delete_workspace(name)
    assert name not in [w.name for w in client.list_workspaces()]


@pytest.mark.trackd_only
def test_set_workspace_selects_the_project(trackd, root_uri):
    name = project_name("sel")
    mlflow.create_workspace(name)
    mlflow.set_workspace(name)
    exp = mlflow.set_experiment("in-workspace")
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.5)
    mlflow.set_workspace(None)

    # The same data is visible through the project's URL prefix, and not at the root.
    by_prefix = MlflowClient(f"{trackd.url}/projects/{name}")
    assert by_prefix.get_experiment_by_name("in-workspace").experiment_id == exp.experiment_id
    assert by_prefix.get_run(run.info.run_id).data.metrics == {"m": 1.5}
    with pytest.raises(MlflowException):
        MlflowClient(root_uri).get_run(run.info.run_id)


@pytest.mark.trackd_only
def test_deleting_a_workspace_that_holds_data_needs_cascade(trackd, root_uri):
    name = project_name("del")
    mlflow.create_workspace(name)
    MlflowClient(f"{trackd.url}/projects/{name}").create_experiment("keeps-it-busy")
    with pytest.raises(MlflowException):
        mlflow.delete_workspace(name)  # RESTRICT
    assert mlflow.get_workspace(name).name == name
    mlflow.delete_workspace(name, mode="CASCADE")
    assert name not in [w.name for w in mlflow.list_workspaces()]


@pytest.mark.trackd_only
def test_invalid_project_names_are_rejected(trackd):
    for bad in ["Bad_Name", "x", "-lead", "api"]:
        resp = requests.get(
            f"{trackd.url}/projects/{bad}/api/2.0/mlflow/experiments/get",
            params={"experiment_id": "0"},
            timeout=10,
        )
        assert resp.status_code in (400, 404), bad
        if resp.status_code == 400:
            assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException):
        mlflow.set_workspace("Bad_Name")  # validated by the client too


@pytest.mark.trackd_only
def test_workspace_header_and_prefix_must_agree(trackd):
    url = f"{trackd.url}/projects/{project_name()}/api/2.0/mlflow/experiments/get"
    resp = requests.get(
        url,
        params={"experiment_id": "0"},
        headers={"X-MLFLOW-WORKSPACE": project_name()},
        timeout=10,
    )
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_health_answers_ok(trackd):
    assert requests.get(f"{trackd.url}/health", timeout=10).text == "OK"
