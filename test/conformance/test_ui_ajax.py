"""The web UI's own endpoints under /ajax-api, by raw REST as the UI calls them: the unsampled
metric history of several runs, the single-file artifact upload, and the telemetry handshake."""

import mlflow
import requests
from mlflow.tracking import MlflowClient
from names import unique_name
from rest import workspace_headers


def ajax(tracking_uri: str, method: str, path: str, **kw) -> requests.Response:
    headers = {**workspace_headers(), **kw.pop("headers", {})}
    return requests.request(method, f"{tracking_uri}/ajax-api/{path}", headers=headers, timeout=30, **kw)


def test_metric_history_bulk_answers_every_point_of_each_run(tracking_uri, client: MlflowClient):
    experiment_id = client.create_experiment(unique_name("bulk"))
    runs = []
    for scale in (1, 2):
        run = client.create_run(experiment_id)
        for step in range(3):
            client.log_metric(run.info.run_id, "loss", scale * step, timestamp=100 + step, step=step)
        runs.append(run.info.run_id)

    params = [("run_id", runs[1]), ("run_id", runs[0]), ("metric_key", "loss")]
    res = ajax(tracking_uri, "GET", "2.0/mlflow/metrics/get-history-bulk", params=params)
    assert res.status_code == 200, res.text
    expected = [
        {"key": "loss", "value": scale * step, "timestamp": 100 + step, "step": step, "run_id": run_id}
        for run_id, scale in sorted(zip(runs, (1, 2)))
        for step in range(3)
    ]
    assert res.json()["metrics"] == expected

    res = ajax(tracking_uri, "GET", "2.0/mlflow/metrics/get-history-bulk", params=params + [("max_results", "2")])
    assert len(res.json()["metrics"]) == 2

    res = ajax(tracking_uri, "GET", "2.0/mlflow/metrics/get-history-bulk", params={"metric_key": "loss"})
    assert res.status_code == 400
    assert res.json()["message"] == "GetMetricHistoryBulk request must specify at least one run_id."
    res = ajax(tracking_uri, "GET", "2.0/mlflow/metrics/get-history-bulk", params={"run_id": runs[0]})
    assert res.status_code == 400
    assert res.json()["message"] == "GetMetricHistoryBulk request must specify a metric_key."


def test_upload_artifact_stores_the_body_in_the_run(tracking_uri, client: MlflowClient):
    run = client.create_run(client.create_experiment(unique_name("upload")))
    run_id = run.info.run_id
    octet = {"Content-Type": "application/octet-stream"}

    res = ajax(
        tracking_uri,
        "POST",
        "2.0/mlflow/upload-artifact",
        params={"run_uuid": run_id, "path": "notes/hello.txt"},
        data=b"hello",
        headers=octet,
    )
    assert res.status_code == 200, res.text
    assert [f.path for f in client.list_artifacts(run_id, "notes")] == ["notes/hello.txt"]
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/hello.txt") == "hello"

    for params, body, message in [
        ({"path": "a.txt"}, b"x", "Request must specify run_uuid."),
        ({"run_uuid": run_id}, b"x", "Request must specify path."),
        ({"run_uuid": run_id, "path": "../escape.txt"}, b"x", "Invalid path"),
        ({"run_uuid": run_id, "path": "empty.txt"}, b"", "Request must specify data."),
    ]:
        res = ajax(tracking_uri, "POST", "2.0/mlflow/upload-artifact", params=params, data=body, headers=octet)
        assert res.status_code == 400, (params, res.text)
        assert (res.json()["error_code"], res.json()["message"]) == ("INVALID_PARAMETER_VALUE", message)
    assert [f.path for f in client.list_artifacts(run_id)] == ["notes"]


def test_list_artifacts_with_dotdot_answers_invalid_path(tracking_uri, client: MlflowClient):
    run = client.create_run(client.create_experiment(unique_name("dotdot")))
    res = requests.get(
        f"{tracking_uri}/api/2.0/mlflow/artifacts/list",
        params={"run_id": run.info.run_id, "path": "../path"},
        headers=workspace_headers(),
        timeout=30,
    )
    assert res.status_code == 400
    assert res.json()["message"] == "Invalid path"


def test_ui_telemetry_is_answered(tracking_uri):
    res = ajax(tracking_uri, "GET", "3.0/mlflow/ui-telemetry")
    assert res.status_code == 200
    assert res.json()["disable_ui_telemetry"] is True
    res = ajax(tracking_uri, "POST", "3.0/mlflow/ui-telemetry", json={"records": []})
    assert res.status_code == 200
    assert res.json()["status"] in {"disabled", "success"}
