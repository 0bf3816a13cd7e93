"""LogModel (`runs/log-model`), which `Model.log` in 2.x clients (and MLflow's prompt lab) calls to
record a model in its run's `mlflow.log-model.history` tag (issue 16): the entries as MLflow's
store writes them, through the official client's own call, and its refusals by raw REST."""

import json

import pytest
from mlflow.exceptions import MlflowException
from mlflow.models import Model
from mlflow.tracking import MlflowClient
from rest import call

HISTORY = "mlflow.log-model.history"


def test_each_logged_model_is_appended_to_the_runs_history(client: MlflowClient):
    run = client.create_run(client.create_experiment("log-model"))
    run_id = run.info.run_id
    first = Model(
        artifact_path="model",
        run_id=run_id,
        utc_time_created="2026-12-04 10:00:00.000001",
        flavors={"python_function": {"loader_module": "m", "config": {"x": 1}}, "sklearn": "1.5"},
        model_uuid="a" * 32,
    )
    second = Model(artifact_path="other/é", run_id=run_id, flavors={}, model_uuid="b" * 32)
    client._record_logged_model(run_id, first)
    client._record_logged_model(run_id, second)

    text = client.get_run(run_id).data.tags[HISTORY]
    history = json.loads(text)
    assert history == [
        {
            "run_id": run_id,
            "artifact_path": "model",
            "utc_time_created": "2026-12-04 10:00:00.000001",
            "model_uuid": "a" * 32,
            # Each flavor's settings without its config, as MLflow keeps them.
            "flavors": {"python_function": {"loader_module": "m"}, "sklearn": "1.5"},
        },
        {
            "run_id": run_id,
            "artifact_path": "other/é",
            "utc_time_created": second.utc_time_created,
            "model_uuid": "b" * 32,
            "flavors": {},
        },
    ]
    # Written as Python's json.dumps writes it: the same bytes MLflow's store keeps.
    assert text == json.dumps(history)


def test_log_model_refusals(tracking_uri, client: MlflowClient):
    run_id = client.create_run(client.create_experiment("log-model-refusals")).info.run_id
    no_flavors = {"artifact_path": "m", "utc_time_created": "t", "run_id": run_id}
    res = call(
        tracking_uri,
        "POST",
        "runs/log-model",
        {"run_id": run_id, "model_json": json.dumps(no_flavors)},
    )
    assert res.status_code == 400
    assert res.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert res.json()["message"] == "Model json is missing mandatory fields: {'flavors'}"

    res = call(tracking_uri, "POST", "runs/log-model", {"run_id": run_id, "model_json": "{not"})
    assert res.status_code == 400
    assert res.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert res.json()["message"].startswith("Malformed model info.")

    res = call(tracking_uri, "POST", "runs/log-model", {"run_id": run_id})
    assert res.status_code == 400
    assert res.json()["error_code"] == "INVALID_PARAMETER_VALUE"

    client.delete_run(run_id)
    with pytest.raises(MlflowException) as err:
        client._record_logged_model(run_id, Model(artifact_path="m", run_id=run_id))
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "must be in the 'active' state" in err.value.message
    assert HISTORY not in client.get_run(run_id).data.tags
