"""Raw REST calls, to see what the client hides: HTTP statuses, error bodies, malformed requests."""

import os

import requests


def call(tracking_uri: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    """A raw REST call (workspace header as the client sends it)."""
    url = f"{tracking_uri}/api/2.0/mlflow/{path}"
    if method == "GET":
        return requests.get(url, params=body, headers=workspace_headers(), timeout=30)
    return requests.request(method, url, json=body, headers=workspace_headers(), timeout=30)


def workspace_headers() -> dict[str, str]:
    workspace = os.environ.get("MLFLOW_WORKSPACE")
    return {"X-MLFLOW-WORKSPACE": workspace} if workspace else {}
