"""The web UI's prompt lab run (`/ajax-api/2.0/mlflow/runs/create-promptlab-run`, issue 16), by
raw REST as the UI calls it: MLflow's checks in MLflow's order, then a finished run holding the
prompt's parameters, its evaluation table and the prompt as a model."""

import json

import requests
from mlflow.tracking import MlflowClient
from rest import workspace_headers




def create(tracking_uri: str, body: dict) -> requests.Response:
    return requests.post(
        f"{tracking_uri}/ajax-api/2.0/mlflow/runs/create-promptlab-run",
        json=body,
        headers=workspace_headers(),
        timeout=30,
    )


def test_each_missing_field_is_named_in_mlflows_order(tracking_uri):
    body: dict = {}
    steps = [
        ("experiment_id", "0"),
        ("prompt_template", "Hi {{ name }}"),
        ("prompt_parameters", [{"key": "name", "value": "Bob"}]),
        ("model_route", "chat"),
        ("model_input", "Hi Bob"),
        ("mlflow_version", "3.17.2"),
    ]
    for field, value in steps:
        res = create(tracking_uri, body)
        assert res.status_code == 400, field
        assert res.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert res.json()["message"] == f"CreatePromptlabRun request must specify {field}."
        body[field] = value
    # Empty values count as missing, as Python's `if not value` has it.
    res = create(tracking_uri, {**body, "prompt_parameters": []})
    assert res.json()["message"] == "CreatePromptlabRun request must specify prompt_parameters."


def test_a_promptlab_run_holds_the_prompt_its_evaluation_and_its_model(tracking_uri, tmp_path):
    client = MlflowClient(tracking_uri)
    experiment_id = client.create_experiment("promptlab")
    res = create(
        tracking_uri,
        {
            "experiment_id": experiment_id,
            "run_name": "my_run_name",
            "prompt_template": "Hello {{ name }}",
            "prompt_parameters": [{"key": "name", "value": "Bob"}],
            "model_route": "chat",
            "model_parameters": [{"key": "temperature", "value": "0.1"}],
            "model_input": "Hello Bob",
            "model_output": "Hi",
            "model_output_parameters": [{"key": "latency", "value": "100"}],
            "mlflow_version": "3.17.2",
            "user_id": "username",
            "start_time": 456,
        },
    )
    assert res.status_code == 200
    run = res.json()["run"]
    info = run["info"]
    assert (info["run_name"], info["experiment_id"], info["user_id"]) == (
        "my_run_name",
        experiment_id,
        "username",
    )
    assert (info["status"], info["start_time"]) == ("FINISHED", 456)
    assert info["end_time"] >= 456
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params == {"temperature": "0.1", "model_route": "chat", "prompt_template": "Hello {{ name }}"}
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["mlflow.loggedArtifacts"] == '[{"path": "eval_results_table.json", "type": "table"}]'
    assert tags["mlflow.runSourceType"] == "PROMPT_ENGINEERING"
    assert tags["mlflow.runName"] == "my_run_name"
    [model] = json.loads(tags["mlflow.log-model.history"])
    assert (model["run_id"], model["artifact_path"], model["flavors"]) == (info["run_id"], "model", {})

    run_id = info["run_id"]
    table = client.download_artifacts(run_id, "eval_results_table.json", str(tmp_path))
    with open(table) as f:
        assert f.read() == json.dumps(
            {"columns": ["name", "prompt", "output", "latency"], "data": [["Bob", "Hello Bob", "Hi", "100"]]}
        )
    names = {f.path for f in client.list_artifacts(run_id, "model")}
    assert {"model/MLmodel", "model/parameters.yaml", "model/input_example.json"} <= names
    with open(client.download_artifacts(run_id, "model/input_example.json", str(tmp_path))) as f:
        assert json.load(f) == {"inputs": ["Bob"]}
    with open(client.download_artifacts(run_id, "model/parameters.yaml", str(tmp_path))) as f:
        import yaml

        assert yaml.safe_load(f) == {
            "prompt_template": "Hello {{ name }}",
            "prompt_parameters": {"name": "Bob"},
            "model_parameters": {"temperature": "0.1"},
            "model_route": "chat",
        }


def test_an_unknown_experiment_is_refused(tracking_uri):
    res = create(
        tracking_uri,
        {
            "experiment_id": "987654",
            "prompt_template": "t",
            "prompt_parameters": [{"key": "a", "value": "b"}],
            "model_route": "r",
            "model_input": "i",
            "mlflow_version": "3",
        },
    )
    assert res.status_code == 404
    assert res.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
