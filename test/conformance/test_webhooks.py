"""Webhooks through the official client: created, listed, read, updated, tested and deleted with
MlflowClient, deliveries of registry events to a receiver on 127.0.0.1 with MLflow's payload and
headers, signed as MLflow's own signer signs them, a failing receiver retried, and a loopback
target refused on a server that does not allow it.

Deliveries need a server that may send to 127.0.0.1 over http: trackd with
`--webhook-allow-hosts 127.0.0.1 --webhook-allowed-schemes http,https`, MLflow's with
MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true and MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https (its switches
in mlflow/webhooks/ssrf.py and mlflow/utils/validation.py); this module starts one of its own."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow
import pytest
import requests
from mlflow.entities.webhook import WebhookEvent, WebhookStatus
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from mlflow.webhooks.constants import (
    WEBHOOK_DELIVERY_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
)
from mlflow.webhooks.delivery import _generate_hmac_signature
from names import project_name
from server_process import mlflow_server, trackd_server

SECRET = "conformance-secret"
TARGET = os.environ.get("CONFORMANCE_TARGET", "trackd")


class Receiver:
    """Records every POST; `/flaky…` answers 500 the first time, `/fail…` always."""

    def __init__(self):
        self.received: list[dict] = []
        self._calls: dict[str, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with receiver._lock:
                    n = receiver._calls[self.path] = receiver._calls.get(self.path, 0) + 1
                    receiver.received.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                failing = self.path.startswith("/fail") or (
                    self.path.startswith("/flaky") and n == 1
                )
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"boom" if failing else b"received")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def wait_for(self, path: str, count: int, timeout: float = 20.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                got = [r for r in self.received if r["path"] == path]
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(got)} of {count} deliveries within {timeout}s")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def delivering_server():
    """A server of the target's kind that may deliver to 127.0.0.1 over http (one retry)."""
    if TARGET == "mlflow":
        server = mlflow_server(
            ["--enable-workspaces"],
            name="mlflow-webhooks",
            env={
                "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
                "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
                "MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES": "1",
                # MLflow caches the webhooks of each event for a minute, across workspaces.
                "MLFLOW_WEBHOOK_CACHE_TTL": "0",
            },
        ).start()
    else:
        server = trackd_server(
            extra_args=[
                "--webhook-allow-hosts",
                "127.0.0.1",
                "--webhook-allowed-schemes",
                "http,https",
                "--webhook-max-retries",
                "1",
            ],
            env={"TRACKD_WEBHOOK_BACKOFF": "0.1"},
        ).start()
    yield server
    server.close()


@pytest.fixture
def delivering_client(
    delivering_server, switch_tracking_uri, monkeypatch
) -> tuple[MlflowClient, str]:
    """A client on a fresh project (MLflow: workspace) of the delivering server, and its name."""
    project = project_name("hooks")
    if TARGET == "mlflow":
        url = delivering_server.url
        resp = requests.post(f"{url}/api/3.0/mlflow/workspaces", json={"name": project}, timeout=30)
        resp.raise_for_status()
        monkeypatch.setenv("MLFLOW_WORKSPACE", project)
    else:
        url = f"{delivering_server.url}/projects/{project}"
    switch_tracking_uri(url)
    return MlflowClient(url), project


def event_names(webhook) -> list[str]:
    return [str(e) for e in webhook.events]


def test_webhook_lifecycle_through_the_client(client):
    made = client.create_webhook(
        name="ci-hook",
        url="https://8.8.8.8/hooks/mlflow",
        events=["model_version_tag.set", "model_version.created"],
        description="tells CI",
        secret="never-shown",
    )
    assert made.name == "ci-hook"
    assert made.url == "https://8.8.8.8/hooks/mlflow"
    assert event_names(made) == ["model_version.created", "model_version_tag.set"]
    assert made.status == WebhookStatus.ACTIVE
    assert made.description == "tells CI"
    assert made.secret is None
    assert made.creation_timestamp == made.last_updated_timestamp > 0

    got = client.get_webhook(made.webhook_id)
    assert (got.webhook_id, got.name) == (made.webhook_id, "ci-hook")
    assert event_names(got) == event_names(made)

    second = client.create_webhook(
        name="second", url="https://8.8.4.4/h", events=[WebhookEvent.from_str("prompt.created")]
    )
    page = client.list_webhooks(max_results=1)
    assert [w.webhook_id for w in page] == [second.webhook_id]
    assert page.token
    rest = client.list_webhooks(max_results=1, page_token=page.token)
    assert [w.webhook_id for w in rest] == [made.webhook_id]
    assert not rest.token

    updated = client.update_webhook(
        made.webhook_id, name="ci-hook-2", status="DISABLED", events=["registered_model.created"]
    )
    assert updated.name == "ci-hook-2"
    assert updated.status == WebhookStatus.DISABLED
    assert event_names(updated) == ["registered_model.created"]
    assert updated.description == "tells CI"
    assert updated.last_updated_timestamp >= made.last_updated_timestamp

    client.delete_webhook(made.webhook_id)
    with pytest.raises(MlflowException) as err:
        client.get_webhook(made.webhook_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Webhook with ID {made.webhook_id} not found." in err.value.message
    assert [w.webhook_id for w in client.list_webhooks()] == [second.webhook_id]


def test_webhook_validation_errors(client):
    cases = [
        (
            {"name": "-bad", "url": "https://8.8.8.8/h"},
            "Webhook name '-bad' is invalid. It must start and end with a letter or digit",
        ),
        ({"name": "h", "url": "ftp://8.8.8.8/h"}, "Invalid webhook URL scheme: 'ftp'."),
        (
            {"name": "h", "url": "https://169.254.169.254/latest"},
            "Webhook URL must not resolve to a non-public IP address. "
            "'169.254.169.254' resolves to 169.254.169.254.",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(MlflowException) as err:
            client.create_webhook(events=["registered_model.created"], **kwargs)
        assert err.value.error_code == "INVALID_PARAMETER_VALUE"
        assert message in err.value.message
    with pytest.raises(MlflowException) as err:
        client.create_webhook(name="h", url="https://8.8.8.8/h", events=[])
    # The client leaves an empty list out of the request altogether.
    assert "Missing value for required parameter 'events'" in err.value.message


def test_loopback_target_is_refused_where_not_allowed(client, receiver):
    # This server allows neither loopback nor (MLflow's default) plain http.
    url = receiver.url("/refused").replace("http://", "https://")
    with pytest.raises(MlflowException) as err:
        client.create_webhook(name="h", url=url, events=["registered_model.created"])
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "'127.0.0.1' resolves to 127.0.0.1." in err.value.message


def test_registry_events_are_delivered_signed(delivering_client, receiver):
    client, project = delivering_client
    path = f"/signed-{uuid.uuid4().hex[:8]}"
    client.create_webhook(
        name="signed",
        url=receiver.url(path),
        events=["registered_model.created", "model_version_alias.created"],
        secret=SECRET,
    )
    client.create_registered_model("hooked", tags={"team": "ml"})
    [delivery] = receiver.wait_for(path, 1)
    headers = delivery["headers"]
    assert headers["Content-Type"] == "application/json"
    expected = _generate_hmac_signature(
        SECRET,
        headers[WEBHOOK_DELIVERY_ID_HEADER],
        headers[WEBHOOK_TIMESTAMP_HEADER],
        delivery["body"],
    )
    assert headers[WEBHOOK_SIGNATURE_HEADER] == expected
    assert abs(time.time() - int(headers[WEBHOOK_TIMESTAMP_HEADER])) < 300
    body = json.loads(delivery["body"])
    assert list(body) == ["entity", "action", "timestamp", "data", "workspace"]
    assert body["entity"] == "registered_model"
    assert body["action"] == "created"
    assert body["workspace"] == project
    assert body["data"] == {"name": "hooked", "tags": {"team": "ml"}, "description": ""}
    # Python's json.dumps spacing, as MLflow writes it.
    assert delivery["body"].startswith('{"entity": "registered_model", "action": "created", ')


def test_failing_receiver_gets_a_retry(delivering_client, receiver):
    client, _ = delivering_client
    path = f"/flaky-{uuid.uuid4().hex[:8]}"
    client.create_webhook(name="flaky", url=receiver.url(path), events=["registered_model.created"])
    client.create_registered_model("retried")
    first, second = receiver.wait_for(path, 2)
    delivery_ids = {r["headers"][WEBHOOK_DELIVERY_ID_HEADER] for r in (first, second)}
    assert len(delivery_ids) == 1
    assert first["body"] == second["body"]


def test_test_webhook_reports_the_receivers_answer(delivering_client, receiver):
    client, _ = delivering_client
    ok = client.create_webhook(
        name="ok", url=receiver.url(f"/ok-{uuid.uuid4().hex[:8]}"), events=["prompt_alias.deleted"]
    )
    result = client.test_webhook(ok.webhook_id)
    assert (result.success, result.response_status, result.response_body) == (True, 200, "received")
    assert result.error_message is None

    path = f"/fail-{uuid.uuid4().hex[:8]}"
    failing = client.create_webhook(
        name="failing", url=receiver.url(path), events=["prompt.created"]
    )
    result = client.test_webhook(failing.webhook_id, event="model_version_tag.deleted")
    assert (result.success, result.response_status, result.response_body) == (False, 500, "boom")
    sent = json.loads(receiver.wait_for(path, 1)[0]["body"])
    assert (sent["entity"], sent["action"]) == ("model_version_tag", "deleted")
    assert sent["data"] == {"name": "example_model", "version": "1", "key": "example_key"}
