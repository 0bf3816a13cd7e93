"""What the 3.x client learns from server-info, and MLflow's presigned-URL requests (issue 16), by
raw REST. Both servers keep metadata in SQL and proxy artifacts from a local folder, so both must
report the same flags and refuse a presigned URL for proxied artifacts with the same errors."""

import mlflow
import pytest
import requests
from mlflow.tracking import MlflowClient
from rest import workspace_headers


def post(tracking_uri: str, path: str, body: dict) -> requests.Response:
    return requests.post(
        f"{tracking_uri}/api/2.0/mlflow/artifacts/{path}",
        json=body,
        headers=workspace_headers(),
        timeout=30,
    )


def error(res: requests.Response) -> tuple[int, str, str]:
    body = res.json()
    return res.status_code, body["error_code"], body["message"]


def test_server_info_reports_what_a_sql_store_with_proxied_local_artifacts_does(tracking_uri):
    res = requests.get(
        f"{tracking_uri}/api/3.0/mlflow/server-info", headers=workspace_headers(), timeout=30
    )
    assert res.status_code == 200
    info = res.json()
    assert info["store_type"] == "SqlStore"
    assert info["workspaces_enabled"] is True
    assert info["trace_archival_enabled"] is False
    # A local folder cannot take multipart uploads or hand out part URLs: the client then streams
    # each file in one request.
    assert info["multipart_uploads_enabled"] is False
    assert info["multipart_downloads_enabled"] is False
    # The presigned-upload request shape is understood (answered below), as MLflow always says.
    assert info["presigned_upload_run_id_supported"] is True
    assert info["presigned_upload_model_id_supported"] is True
    assert isinstance(info["features_enabled"]["gateway"], bool)


@pytest.mark.trackd_only
def test_server_info_claims_no_gateway(tracking_uri):
    # MLflow enables its AI gateway by default; trackd has none and says so.
    res = requests.get(f"{tracking_uri}/api/3.0/mlflow/server-info", timeout=30)
    assert res.json()["features_enabled"] == {"gateway": False}


def test_presigned_upload_is_refused_for_proxied_run_and_model_artifacts(tracking_uri):
    client = MlflowClient(tracking_uri)
    experiment_id = client.create_experiment("presigned")
    run = client.create_run(experiment_id)
    model = mlflow.initialize_logged_model(name="m", experiment_id=experiment_id)
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")

    for owner in ({"run_id": run.info.run_id}, {"model_id": model.model_id}):
        res = post(tracking_uri, "presigned-upload-url", {**owner, "path": "a/b.bin"})
        status, code, message = error(res)
        assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
        assert message == (
            "Presigned upload is not supported for proxied artifact storage (artifact URI scheme: "
            "mlflow-artifacts). This endpoint requires a direct cloud storage artifact URI."
        )

    both = {"run_id": run.info.run_id, "model_id": model.model_id, "path": "x"}
    for body in (both, {"path": "x"}):
        assert error(post(tracking_uri, "presigned-upload-url", body)) == (
            400,
            "INVALID_PARAMETER_VALUE",
            "Exactly one of run_id and model_id must be provided.",
        )
    climbing = {"run_id": run.info.run_id, "path": "../../other-run/x"}
    assert error(post(tracking_uri, "presigned-upload-url", climbing)) == (
        400,
        "INVALID_PARAMETER_VALUE",
        "Invalid path",
    )
    unknown = {"run_id": "0" * 32, "path": "x"}
    assert error(post(tracking_uri, "presigned-upload-url", unknown))[:2] == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    no_path = post(tracking_uri, "presigned-upload-url", {"run_id": run.info.run_id})
    assert error(no_path)[:2] == (400, "INVALID_PARAMETER_VALUE")


def test_presigned_download_is_refused_for_proxied_run_artifacts(tracking_uri):
    client = MlflowClient(tracking_uri)
    run = client.create_run(client.create_experiment("presigned-download"))
    body = {"run_id": run.info.run_id, "path": "model/weights.bin"}

    assert error(post(tracking_uri, "presigned-download-url", body)) == (
        400,
        "INVALID_PARAMETER_VALUE",
        "Presigned download is not supported for runs with proxied artifact storage (artifact URI "
        "scheme: mlflow-artifacts). This endpoint requires a run with a direct cloud storage "
        "artifact URI.",
    )
    for expiration in (0, 604801):
        assert error(
            post(tracking_uri, "presigned-download-url", {**body, "expiration": expiration})
        ) == (
            400,
            "INVALID_PARAMETER_VALUE",
            f"expiration must be between 1 and 604800 seconds (got {expiration}).",
        )
    unknown = {"run_id": "0" * 32, "path": "x"}
    assert error(post(tracking_uri, "presigned-download-url", unknown))[:2] == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
