"""Input MLflow's server accepts where trackd used to refuse it (issue 16), with the official client:
a model version whose runs:/ source names a run that does not exist, a logged model whose
source_run_id names no run, and a relative experiment artifact_location (made absolute by both
servers, each against its own root). What trackd still refuses is checked as trackd_only."""

import os
import urllib.parse

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import unique_name
from server_process import mlflow_server


@pytest.fixture(scope="module")
def plain_mlflow():
    """MLflow refuses any artifact_location with workspaces on (the suite's MLflow target), so the
    artifact_location checks meet a second MLflow server without them."""
    if os.environ.get("CONFORMANCE_TARGET", "trackd") != "mlflow":
        yield None
        return
    server = mlflow_server(name="mlflow-no-workspaces").start()
    yield server
    server.close()


@pytest.fixture
def location_client(request, plain_mlflow, monkeypatch) -> MlflowClient:
    if plain_mlflow is None:
        return request.getfixturevalue("client")
    monkeypatch.delenv("MLFLOW_WORKSPACE", raising=False)
    mlflow.set_workspace(None)
    return MlflowClient(plain_mlflow.url)


def test_model_version_of_a_run_that_does_not_exist_is_registered(client):
    name = unique_name("dangling-run")
    client.create_registered_model(name)
    version = client.create_model_version(name, "runs:/run_id/model", run_id="run_id")

    assert version.version == "1"
    assert version.source == "runs:/run_id/model"
    assert version.run_id == "run_id"
    got = client.get_model_version(name, "1")
    assert (got.source, got.run_id) == ("runs:/run_id/model", "run_id")
    found = client.search_model_versions(f"name = '{name}'")
    assert [v.version for v in found] == ["1"]


def test_runs_source_must_still_name_the_run_given_as_run_id(client):
    name = unique_name("run-mismatch")
    client.create_registered_model(name)
    with pytest.raises(MlflowException) as err:
        client.create_model_version(name, "runs:/run_id/model", run_id="run_id_1")
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "The run_id request parameter must identify the resource" in err.value.message


def test_logged_model_keeps_an_unknown_source_run_id(client):
    experiment_id = client.create_experiment(unique_name("lm-dangling"))
    model = client.create_logged_model(experiment_id, name="model", source_run_id="123")

    assert model.source_run_id == "123"
    assert client.get_logged_model(model.model_id).source_run_id == "123"


def test_relative_artifact_location_is_made_absolute(location_client):
    client = location_client
    experiment_id = client.create_experiment(unique_name("relative"), artifact_location="my_location")

    location = client.get_experiment(experiment_id).artifact_location
    assert location != "my_location"
    assert location.endswith("/my_location")
    parsed = urllib.parse.urlparse(location)
    assert parsed.scheme or location.startswith("/")
    run = client.create_run(experiment_id)
    assert run.info.artifact_uri.startswith(f"{location}/")


@pytest.mark.trackd_only
def test_relative_artifact_location_lives_in_the_project_and_cannot_climb_out(client):
    experiment_id = client.create_experiment(unique_name("relative"), artifact_location="my_location")
    assert client.get_experiment(experiment_id).artifact_location == "mlflow-artifacts:/my_location"

    mlflow.set_experiment(experiment_id=experiment_id)
    with mlflow.start_run() as run:
        mlflow.log_text("hello", "notes/hello.txt")
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/notes/hello.txt") == "hello"

    for location in ["../outside", "a/../../outside", "%2e%2e/outside"]:
        with pytest.raises(MlflowException) as err:
            client.create_experiment(unique_name("climb"), artifact_location=location)
        assert err.value.error_code == "INVALID_PARAMETER_VALUE"
