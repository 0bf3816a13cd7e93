"""MLflow 3's AI gateway configuration through the official client's store: secrets (answered
masked, never in plain text), model definitions, endpoints with their model mappings, tags and
bindings; plus the web UI's ajax endpoints (provider catalogue, secrets config, gateway proxy)
by raw REST. Every test works in its own project, so lists only hold what the test made."""

import time

import pytest
import requests
from mlflow.entities import (
    FallbackConfig,
    FallbackStrategy,
    GatewayEndpointModelConfig,
    GatewayEndpointTag,
    GatewayModelLinkageType,
    GatewayResourceType,
    RoutingStrategy,
)
from mlflow.exceptions import MlflowException
from rest import workspace_headers

PRIMARY = GatewayModelLinkageType.PRIMARY
FALLBACK = GatewayModelLinkageType.FALLBACK


@pytest.fixture
def store(client):
    return client._tracking_client.store


def ajax(tracking_uri: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(
        method, f"{tracking_uri}/ajax-api/{path}", headers=workspace_headers(), timeout=30, **kwargs
    )


def gateway(tracking_uri: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    """A raw call to the v3 gateway REST API (GET sends the body as query parameters)."""
    url = f"{tracking_uri}/api/3.0/mlflow/gateway/{path}"
    if method == "GET":
        return requests.get(url, params=body, headers=workspace_headers(), timeout=30)
    return requests.request(method, url, json=body, headers=workspace_headers(), timeout=30)


def error_code(call) -> str:
    with pytest.raises(MlflowException) as err:
        call()
    return err.value.error_code


def openai_model(store, name: str = "gpt", secret_name: str = "openai-key"):
    secret = store.create_gateway_secret(secret_name, {"api_key": "sk-test-12345"}, provider="openai")
    return store.create_gateway_model_definition(name, secret.secret_id, "openai", "gpt-4o")


# ---------------------------------------------------------------------------- the UI's catalogue


def test_the_ui_lists_providers_and_the_credentials_each_one_takes(tracking_uri):
    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/supported-providers")
    assert res.status_code == 200
    assert "openai" in res.json()["providers"]

    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/provider-config", params={"provider": "openai"})
    assert res.status_code == 200
    openai = res.json()
    assert openai["default_mode"] == "api_key"
    [mode] = openai["auth_modes"]
    assert mode["mode"] == "api_key"
    assert [f["name"] for f in mode["secret_fields"]] == ["api_key"]

    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/provider-config", params={"provider": "bedrock"})
    modes = {m["mode"]: m for m in res.json()["auth_modes"]}
    assert {"api_key", "access_keys", "iam_role"} <= modes.keys()
    access_keys = modes["access_keys"]
    assert [f["name"] for f in access_keys["secret_fields"]] == ["aws_access_key_id", "aws_secret_access_key"]
    assert "aws_region_name" in [f["name"] for f in access_keys["config_fields"]]
    assert "aws_role_name" in [f["name"] for f in modes["iam_role"]["config_fields"]]

    # A provider the catalogue does not know still gets a plain API key form with a base URL.
    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/provider-config", params={"provider": "my-llm-host"})
    assert res.status_code == 200
    [mode] = res.json()["auth_modes"]
    assert (mode["mode"], res.json()["default_mode"]) == ("api_key", "api_key")
    assert mode["config_fields"][0]["name"] == "api_base"

    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/provider-config")
    assert (res.status_code, res.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_secrets_are_available_and_the_proxy_answers_no_endpoints_without_a_target(tracking_uri):
    res = ajax(tracking_uri, "GET", "3.0/mlflow/gateway/secrets/config")
    assert res.status_code == 200
    assert res.json()["secrets_available"] is True
    assert isinstance(res.json()["using_default_passphrase"], bool)

    # No deployments target configured: the UI is told there is nothing behind the proxy.
    res = ajax(tracking_uri, "POST", "2.0/mlflow/gateway-proxy", json={})
    assert (res.status_code, res.json()) == (200, {"endpoints": []})
    assert ajax(tracking_uri, "DELETE", "2.0/mlflow/gateway-proxy").status_code == 405


# ---------------------------------------------------------------------------- secrets


def test_secret_values_are_answered_masked(store):
    api_key = store.create_gateway_secret("openai-key", {"api_key": "sk-test-12345"}, provider="openai")
    assert api_key.secret_id
    assert (api_key.secret_name, api_key.provider) == ("openai-key", "openai")
    assert api_key.masked_values == {"api_key": "sk-...2345"}
    assert api_key.created_at == api_key.last_updated_at > 0

    short = store.create_gateway_secret("short-key", {"api_key": "abc1234"})
    assert short.masked_values == {"api_key": "***"}

    aws = store.create_gateway_secret(
        "aws-keys",
        {"aws_access_key_id": "AKIAEXAMPLE1234", "aws_secret_access_key": "abcdefghijklmnop"},
        provider="bedrock",
        auth_config={"auth_mode": "access_keys", "aws_region_name": "us-east-1"},
    )
    assert aws.masked_values == {"aws_access_key_id": "AKI...1234", "aws_secret_access_key": "abc...mnop"}
    assert aws.auth_config == {"auth_mode": "access_keys", "aws_region_name": "us-east-1"}

    got = store.get_secret_info(secret_id=aws.secret_id)
    assert (got.secret_name, got.masked_values, got.auth_config) == (
        "aws-keys",
        aws.masked_values,
        aws.auth_config,
    )


def test_the_plaintext_never_appears_in_any_answer(tracking_uri):
    plaintext, rotated = "sk-live-PLAINTEXT-0001", "sk-live-PLAINTEXT-0002"
    res = gateway(
        tracking_uri,
        "POST",
        "secrets/create",
        {"secret_name": "raw-key", "secret_value": {"api_key": plaintext}, "provider": "openai"},
    )
    assert res.status_code == 200, res.text
    secret_id = res.json()["secret"]["secret_id"]
    answers = [res]
    answers.append(gateway(tracking_uri, "GET", "secrets/get", {"secret_id": secret_id}))
    answers.append(gateway(tracking_uri, "GET", "secrets/list"))
    answers.append(
        gateway(
            tracking_uri,
            "POST",
            "secrets/update",
            {"secret_id": secret_id, "secret_value": {"api_key": rotated}},
        )
    )
    answers.append(gateway(tracking_uri, "GET", "secrets/list", {"provider": "openai"}))
    for res in answers:
        assert res.status_code == 200, res.text
        assert plaintext not in res.text and rotated not in res.text
        assert "PLAINTEXT" not in res.text
    assert answers[-1].json()["secrets"][0]["masked_values"] == {"api_key": "sk-...0002"}


def test_a_secret_name_is_taken_once_and_unknown_ids_do_not_exist(tracking_uri, store):
    store.create_gateway_secret("team-key", {"api_key": "sk-test-12345"})
    assert error_code(lambda: store.create_gateway_secret("team-key", {"api_key": "sk-other-678"})) == (
        "RESOURCE_ALREADY_EXISTS"
    )
    assert len(store.list_secret_infos()) == 1

    assert (
        error_code(lambda: store.get_secret_info(secret_id="s-does-not-exist")) == "RESOURCE_DOES_NOT_EXIST"
    )
    assert error_code(lambda: store.delete_gateway_secret("s-does-not-exist")) == "RESOURCE_DOES_NOT_EXIST"
    res = gateway(tracking_uri, "GET", "secrets/get", {"secret_id": "s-does-not-exist"})
    assert (res.status_code, res.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_update_rotates_the_value_list_filters_by_provider_and_delete_removes(store):
    openai = store.create_gateway_secret("openai-key", {"api_key": "sk-test-12345"}, provider="openai")
    anthropic = store.create_gateway_secret(
        "anthropic-key", {"api_key": "sk-ant-777777"}, provider="anthropic"
    )

    time.sleep(0.005)
    rotated = store.update_gateway_secret(openai.secret_id, {"api_key": "sk-new-98765"})
    assert rotated.masked_values == {"api_key": "sk-...8765"}
    assert rotated.last_updated_at > openai.last_updated_at
    assert rotated.created_at == openai.created_at
    assert store.get_secret_info(secret_id=openai.secret_id).masked_values == {"api_key": "sk-...8765"}

    assert [s.secret_name for s in store.list_secret_infos(provider="openai")] == ["openai-key"]
    assert [s.secret_name for s in store.list_secret_infos(provider="anthropic")] == ["anthropic-key"]
    assert {s.secret_name for s in store.list_secret_infos()} == {"openai-key", "anthropic-key"}

    store.delete_gateway_secret(anthropic.secret_id)
    assert [s.secret_name for s in store.list_secret_infos()] == ["openai-key"]
    assert (
        error_code(lambda: store.get_secret_info(secret_id=anthropic.secret_id)) == "RESOURCE_DOES_NOT_EXIST"
    )


# ---------------------------------------------------------------------------- model definitions


def test_model_definitions_are_created_read_listed_updated_and_deleted(store):
    openai = store.create_gateway_secret("openai-key", {"api_key": "sk-test-12345"}, provider="openai")
    anthropic = store.create_gateway_secret(
        "anthropic-key", {"api_key": "sk-ant-777777"}, provider="anthropic"
    )

    gpt = store.create_gateway_model_definition("gpt", openai.secret_id, "openai", "gpt-4o")
    assert gpt.model_definition_id
    assert (gpt.name, gpt.provider, gpt.model_name) == ("gpt", "openai", "gpt-4o")
    assert (gpt.secret_id, gpt.secret_name) == (openai.secret_id, "openai-key")
    mini = store.create_gateway_model_definition("mini", openai.secret_id, "openai", "gpt-4o-mini")

    got = store.get_gateway_model_definition(gpt.model_definition_id)
    assert (got.name, got.model_name, got.secret_name) == ("gpt", "gpt-4o", "openai-key")
    assert {d.name for d in store.list_gateway_model_definitions()} == {"gpt", "mini"}

    time.sleep(0.005)
    moved = store.update_gateway_model_definition(
        mini.model_definition_id,
        provider="anthropic",
        secret_id=anthropic.secret_id,
        model_name="claude-sonnet",
    )
    assert (moved.name, moved.provider, moved.model_name) == ("mini", "anthropic", "claude-sonnet")
    assert (moved.secret_id, moved.secret_name) == (anthropic.secret_id, "anthropic-key")
    assert moved.last_updated_at > mini.last_updated_at
    assert [d.name for d in store.list_gateway_model_definitions(provider="anthropic")] == ["mini"]
    assert [d.name for d in store.list_gateway_model_definitions(provider="openai")] == ["gpt"]
    assert [d.name for d in store.list_gateway_model_definitions(secret_id=anthropic.secret_id)] == ["mini"]

    store.delete_gateway_model_definition(mini.model_definition_id)
    assert [d.name for d in store.list_gateway_model_definitions()] == ["gpt"]
    assert error_code(lambda: store.get_gateway_model_definition(mini.model_definition_id)) == (
        "RESOURCE_DOES_NOT_EXIST"
    )


def test_a_model_definition_needs_an_existing_secret_and_a_free_name(store):
    gpt = openai_model(store)
    assert (
        error_code(
            lambda: store.create_gateway_model_definition("other", "s-does-not-exist", "openai", "gpt-4o")
        )
        == "RESOURCE_DOES_NOT_EXIST"
    )
    assert (
        error_code(lambda: store.create_gateway_model_definition("gpt", gpt.secret_id, "openai", "gpt-4o"))
        == "RESOURCE_ALREADY_EXISTS"
    )
    assert (
        error_code(lambda: store.get_gateway_model_definition("d-does-not-exist"))
        == "RESOURCE_DOES_NOT_EXIST"
    )


def test_a_model_definition_in_use_by_an_endpoint_cannot_be_deleted(tracking_uri, store):
    gpt = openai_model(store)
    store.create_gateway_endpoint("chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)])
    # Raw REST: MLflow answers INVALID_STATE with a 500 (which its client retries and then
    # reports as INTERNAL_ERROR); trackd answers it with a 400. The error code is the same.
    res = gateway(
        tracking_uri, "DELETE", "model-definitions/delete", {"model_definition_id": gpt.model_definition_id}
    )
    assert res.status_code in (400, 500)
    assert res.json()["error_code"] == "INVALID_STATE"
    assert store.get_gateway_model_definition(gpt.model_definition_id).name == "gpt"


def test_deleting_a_secret_leaves_its_model_definitions_without_one(store):
    gpt = openai_model(store)
    endpoint = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )

    store.delete_gateway_secret(gpt.secret_id)
    orphan = store.get_gateway_model_definition(gpt.model_definition_id)
    assert (orphan.name, orphan.model_name) == ("gpt", "gpt-4o")
    assert (orphan.secret_id, orphan.secret_name) == (None, None)
    [mapping] = store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id).model_mappings
    assert mapping.model_definition.name == "gpt"
    assert (mapping.model_definition.secret_id, mapping.model_definition.secret_name) == (None, None)


# ---------------------------------------------------------------------------- endpoints


def test_an_endpoint_keeps_its_models_in_order_with_routing_and_fallback(store):
    gpt = openai_model(store)
    secret = store.create_gateway_secret("anthropic-key", {"api_key": "sk-ant-777777"}, provider="anthropic")
    claude = store.create_gateway_model_definition("claude", secret.secret_id, "anthropic", "claude-sonnet")

    endpoint = store.create_gateway_endpoint(
        "chat",
        [
            GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY, weight=1.0),
            GatewayEndpointModelConfig(claude.model_definition_id, FALLBACK, fallback_order=0),
        ],
        routing_strategy=RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT,
        fallback_config=FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=2),
    )
    assert endpoint.endpoint_id and endpoint.name == "chat"
    assert endpoint.created_at == endpoint.last_updated_at > 0
    assert endpoint.routing_strategy == RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT
    assert endpoint.fallback_config == FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=2)
    mappings = [
        (m.model_definition_id, m.linkage_type, m.weight, m.fallback_order, m.model_definition.name)
        for m in endpoint.model_mappings
    ]
    assert mappings == [
        (gpt.model_definition_id, PRIMARY, 1.0, None, "gpt"),
        (claude.model_definition_id, FALLBACK, 1.0, 0, "claude"),
    ]
    assert all(m.endpoint_id == endpoint.endpoint_id and m.mapping_id for m in endpoint.model_mappings)

    for got in (
        store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id),
        store.get_gateway_endpoint(name="chat"),
    ):
        assert got.endpoint_id == endpoint.endpoint_id
        assert [m.model_definition_id for m in got.model_mappings] == [
            gpt.model_definition_id,
            claude.model_definition_id,
        ]
        assert got.routing_strategy == RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT
        assert got.fallback_config == endpoint.fallback_config


def test_endpoint_requests_mlflow_refuses(store):
    gpt = openai_model(store)
    config = GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)
    assert (
        error_code(lambda: store.create_gateway_endpoint("has space", [config])) == "INVALID_PARAMETER_VALUE"
    )
    assert error_code(lambda: store.create_gateway_endpoint("empty", [])) == "INVALID_PARAMETER_VALUE"
    unknown = GatewayEndpointModelConfig("d-does-not-exist", PRIMARY)
    assert (
        error_code(lambda: store.create_gateway_endpoint("unknown", [unknown])) == "RESOURCE_DOES_NOT_EXIST"
    )
    assert (
        error_code(lambda: store.get_gateway_endpoint(endpoint_id="e-does-not-exist"))
        == "RESOURCE_DOES_NOT_EXIST"
    )
    assert store.list_gateway_endpoints() == []

    # A taken name is refused (MLflow's own answer is a BAD_REQUEST leaking its SQL error).
    store.create_gateway_endpoint("chat", [config])
    with pytest.raises(MlflowException) as err:
        store.create_gateway_endpoint("chat", [config])
    assert err.value.get_http_status_code() == 400
    assert [e.name for e in store.list_gateway_endpoints()] == ["chat"]


def test_usage_tracking_logs_to_a_gateway_experiment_unless_turned_off(client, store):
    gpt = openai_model(store)
    config = GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)

    tracked = store.create_gateway_endpoint("tracked", [config])
    assert tracked.usage_tracking is True
    assert tracked.experiment_id
    experiment = client.get_experiment(tracked.experiment_id)
    assert (experiment.name, experiment.lifecycle_stage) == ("gateway/tracked", "active")
    assert client.get_experiment_by_name("gateway/tracked").experiment_id == tracked.experiment_id

    untracked = store.create_gateway_endpoint("untracked", [config], usage_tracking=False)
    assert (untracked.usage_tracking, untracked.experiment_id) == (False, None)
    assert client.get_experiment_by_name("gateway/untracked") is None


def test_update_renames_the_endpoint_and_replaces_its_models(store):
    gpt = openai_model(store)
    mini = store.create_gateway_model_definition("mini", gpt.secret_id, "openai", "gpt-4o-mini")
    endpoint = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )

    time.sleep(0.005)
    updated = store.update_gateway_endpoint(
        endpoint.endpoint_id,
        name="chat-v2",
        model_configs=[GatewayEndpointModelConfig(mini.model_definition_id, PRIMARY, weight=3.0)],
    )
    assert updated.endpoint_id == endpoint.endpoint_id
    assert updated.name == "chat-v2"
    assert updated.last_updated_at > endpoint.last_updated_at
    assert [(m.model_definition_id, m.weight) for m in updated.model_mappings] == [
        (mini.model_definition_id, 3.0)
    ]

    assert store.get_gateway_endpoint(name="chat-v2").endpoint_id == endpoint.endpoint_id
    assert error_code(lambda: store.get_gateway_endpoint(name="chat")) == "RESOURCE_DOES_NOT_EXIST"
    # The replaced definition is free again.
    store.delete_gateway_model_definition(gpt.model_definition_id)


def test_models_are_attached_once_and_detached_once(store):
    gpt = openai_model(store)
    mini = store.create_gateway_model_definition("mini", gpt.secret_id, "openai", "gpt-4o-mini")
    endpoint = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )

    extra = GatewayEndpointModelConfig(mini.model_definition_id, PRIMARY, weight=2.0)
    mapping = store.attach_model_to_endpoint(endpoint.endpoint_id, extra)
    assert (mapping.endpoint_id, mapping.model_definition_id, mapping.weight) == (
        endpoint.endpoint_id,
        mini.model_definition_id,
        2.0,
    )
    assert mapping.model_definition.name == "mini"
    assert (
        error_code(lambda: store.attach_model_to_endpoint(endpoint.endpoint_id, extra))
        == "RESOURCE_ALREADY_EXISTS"
    )
    got = store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id)
    assert {m.model_definition_id for m in got.model_mappings} == {
        gpt.model_definition_id,
        mini.model_definition_id,
    }

    store.detach_model_from_endpoint(endpoint.endpoint_id, mini.model_definition_id)
    got = store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id)
    assert [m.model_definition_id for m in got.model_mappings] == [gpt.model_definition_id]
    assert (
        error_code(lambda: store.detach_model_from_endpoint(endpoint.endpoint_id, mini.model_definition_id))
        == "RESOURCE_DOES_NOT_EXIST"
    )


def test_endpoint_tags_are_set_and_deleted(store):
    gpt = openai_model(store)
    endpoint = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )

    store.set_gateway_endpoint_tag(endpoint.endpoint_id, GatewayEndpointTag("team", "search"))
    store.set_gateway_endpoint_tag(endpoint.endpoint_id, GatewayEndpointTag("tier", "gold"))
    store.set_gateway_endpoint_tag(endpoint.endpoint_id, GatewayEndpointTag("team", "ranking"))
    tags = {t.key: t.value for t in store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id).tags}
    assert tags == {"team": "ranking", "tier": "gold"}

    store.delete_gateway_endpoint_tag(endpoint.endpoint_id, "team")
    tags = {t.key: t.value for t in store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id).tags}
    assert tags == {"tier": "gold"}


def test_endpoints_are_listed_by_the_provider_of_any_of_their_models(store):
    gpt = openai_model(store)
    secret = store.create_gateway_secret("anthropic-key", {"api_key": "sk-ant-777777"}, provider="anthropic")
    claude = store.create_gateway_model_definition("claude", secret.secret_id, "anthropic", "claude-sonnet")
    store.create_gateway_endpoint(
        "openai-only", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )
    store.create_gateway_endpoint(
        "mixed",
        [
            GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY),
            GatewayEndpointModelConfig(claude.model_definition_id, FALLBACK, fallback_order=0),
        ],
    )

    assert {e.name for e in store.list_gateway_endpoints()} == {"openai-only", "mixed"}
    assert {e.name for e in store.list_gateway_endpoints(provider="openai")} == {"openai-only", "mixed"}
    assert [e.name for e in store.list_gateway_endpoints(provider="anthropic")] == ["mixed"]
    assert store.list_gateway_endpoints(provider="gemini") == []


def test_deleting_an_endpoint_removes_it_and_its_bindings(store):
    gpt = openai_model(store)
    endpoint = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )
    store.create_endpoint_binding(endpoint.endpoint_id, GatewayResourceType.SCORER, "scorer-1")

    store.delete_gateway_endpoint(endpoint.endpoint_id)
    assert error_code(lambda: store.get_gateway_endpoint(endpoint_id=endpoint.endpoint_id)) == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    assert store.list_gateway_endpoints() == []
    assert store.list_endpoint_bindings(endpoint_id=endpoint.endpoint_id) == []
    assert store.list_endpoint_bindings(resource_type=GatewayResourceType.SCORER) == []
    # Its model definition stays, and is free to delete now.
    store.delete_gateway_model_definition(gpt.model_definition_id)


# ---------------------------------------------------------------------------- bindings


def test_bindings_are_created_listed_by_each_filter_and_deleted_once(store):
    gpt = openai_model(store)
    chat = store.create_gateway_endpoint(
        "chat", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )
    judge = store.create_gateway_endpoint(
        "judge", [GatewayEndpointModelConfig(gpt.model_definition_id, PRIMARY)]
    )

    binding = store.create_endpoint_binding(chat.endpoint_id, GatewayResourceType.SCORER, "scorer-1")
    assert (binding.endpoint_id, binding.resource_type, binding.resource_id) == (
        chat.endpoint_id,
        GatewayResourceType.SCORER,
        "scorer-1",
    )
    assert binding.created_at > 0
    store.create_endpoint_binding(chat.endpoint_id, GatewayResourceType.SCORER, "scorer-2")
    store.create_endpoint_binding(judge.endpoint_id, GatewayResourceType.SCORER, "scorer-1")

    def bound(**filters):
        return sorted((b.endpoint_id, b.resource_id) for b in store.list_endpoint_bindings(**filters))

    assert bound(endpoint_id=chat.endpoint_id) == sorted(
        [(chat.endpoint_id, "scorer-1"), (chat.endpoint_id, "scorer-2")]
    )
    assert bound(resource_type=GatewayResourceType.SCORER, resource_id="scorer-1") == sorted(
        [(chat.endpoint_id, "scorer-1"), (judge.endpoint_id, "scorer-1")]
    )
    assert len(bound(resource_type=GatewayResourceType.SCORER)) == 3

    store.delete_endpoint_binding(chat.endpoint_id, GatewayResourceType.SCORER.value, "scorer-1")
    assert bound(endpoint_id=chat.endpoint_id) == [(chat.endpoint_id, "scorer-2")]
    assert (
        error_code(
            lambda: store.delete_endpoint_binding(
                chat.endpoint_id, GatewayResourceType.SCORER.value, "scorer-1"
            )
        )
        == "RESOURCE_DOES_NOT_EXIST"
    )
