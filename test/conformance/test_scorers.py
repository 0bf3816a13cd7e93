"""Registered scorers through the official client's store: versions under one scorer id, the
latest per name, reads and deletes by version, payloads the server refuses, judges whose model is
a gateway endpoint (resolved by the endpoint, so a rename follows), and online scoring configs."""

import json

import pytest
from mlflow.entities import GatewayEndpointModelConfig, GatewayModelLinkageType, GatewayResourceType
from mlflow.exceptions import MlflowException
from mlflow.genai.judges import make_judge
from mlflow.genai.scorers import RelevanceToQuery, get_scorer


@pytest.fixture
def store(client):
    return client._tracking_client.store


@pytest.fixture
def experiment_id(client):
    return client.create_experiment("scorers")


def error_code(call) -> str:
    with pytest.raises(MlflowException) as err:
        call()
    return err.value.error_code


def builtin_scorer() -> str:
    """A built-in scorer as the client serializes it (it names no gateway model)."""
    return json.dumps(RelevanceToQuery().model_dump())


def judge(endpoint_name: str, name: str = "polite") -> str:
    """A judge whose model is a gateway endpoint, as make_judge() serializes it."""
    made = make_judge(
        name=name,
        instructions="Is {{ outputs }} polite?",
        model=f"gateway:/{endpoint_name}",
        feedback_value_type=bool,
    )
    return json.dumps(made.model_dump())


def judge_model(version) -> str:
    return json.loads(version._serialized_scorer)["instructions_judge_pydantic_data"]["model"]


def gateway_endpoint(store, name: str = "judge-llm"):
    secret = store.create_gateway_secret("openai-key", {"api_key": "sk-test-12345"}, provider="openai")
    model = store.create_gateway_model_definition("gpt", secret.secret_id, "openai", "gpt-4o")
    config = GatewayEndpointModelConfig(model.model_definition_id, GatewayModelLinkageType.PRIMARY)
    return store.create_gateway_endpoint(name, [config])


def test_each_registration_is_a_new_version_of_the_same_scorer(store, experiment_id):
    first = store.register_scorer(experiment_id, "relevance", builtin_scorer())
    assert (first.experiment_id, first.scorer_name, first.scorer_version) == (experiment_id, "relevance", 1)
    assert first.scorer_id and first.creation_time > 0
    assert json.loads(first._serialized_scorer)["builtin_scorer_class"] == "RelevanceToQuery"

    second = store.register_scorer(experiment_id, "relevance", builtin_scorer())
    assert second.scorer_version == 2
    assert second.scorer_id == first.scorer_id
    other = store.register_scorer(experiment_id, "other", builtin_scorer())
    assert other.scorer_version == 1
    assert other.scorer_id != first.scorer_id

    latest = sorted((s.scorer_name, s.scorer_version) for s in store.list_scorers(experiment_id))
    assert latest == [("other", 1), ("relevance", 2)]
    versions = [
        (s.scorer_name, s.scorer_version) for s in store.list_scorer_versions(experiment_id, "relevance")
    ]
    assert sorted(versions) == [("relevance", 1), ("relevance", 2)]


def test_get_answers_the_latest_or_the_version_asked_for(store, experiment_id):
    store.register_scorer(experiment_id, "relevance", builtin_scorer())
    store.register_scorer(experiment_id, "relevance", builtin_scorer())

    assert store.get_scorer(experiment_id, "relevance").scorer_version == 2
    first = store.get_scorer(experiment_id, "relevance", version=1)
    assert (first.scorer_name, first.scorer_version, first.experiment_id) == ("relevance", 1, experiment_id)
    assert (
        error_code(lambda: store.get_scorer(experiment_id, "relevance", version=9))
        == "RESOURCE_DOES_NOT_EXIST"
    )
    assert (
        error_code(lambda: store.get_scorer(experiment_id, "never-registered")) == "RESOURCE_DOES_NOT_EXIST"
    )


def test_delete_one_version_then_all_of_them(store, experiment_id):
    store.register_scorer(experiment_id, "relevance", builtin_scorer())
    store.register_scorer(experiment_id, "relevance", builtin_scorer())
    store.register_scorer(experiment_id, "relevance", builtin_scorer())

    store.delete_scorer(experiment_id, "relevance", version=1)
    assert sorted(s.scorer_version for s in store.list_scorer_versions(experiment_id, "relevance")) == [2, 3]
    assert (
        error_code(lambda: store.get_scorer(experiment_id, "relevance", version=1))
        == "RESOURCE_DOES_NOT_EXIST"
    )
    assert (
        error_code(lambda: store.delete_scorer(experiment_id, "relevance", version=1))
        == "RESOURCE_DOES_NOT_EXIST"
    )

    store.delete_scorer(experiment_id, "relevance")
    assert store.list_scorers(experiment_id) == []
    assert error_code(lambda: store.get_scorer(experiment_id, "relevance")) == "RESOURCE_DOES_NOT_EXIST"
    assert error_code(lambda: store.delete_scorer(experiment_id, "relevance")) == "RESOURCE_DOES_NOT_EXIST"


def test_payloads_and_experiments_the_server_refuses(store, experiment_id):
    assert (
        error_code(lambda: store.register_scorer(experiment_id, "broken", "{not json"))
        == "INVALID_PARAMETER_VALUE"
    )
    assert error_code(lambda: store.register_scorer("987654", "relevance", builtin_scorer())) == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    # A @scorer function carries its source code; a server on its default settings never stores it.
    decorated = json.dumps(
        {
            "name": "always_one",
            "call_source": "return 1",
            "call_signature": "(outputs)",
            "original_func_name": "always_one",
        }
    )
    assert error_code(lambda: store.register_scorer(experiment_id, "always_one", decorated)) == (
        "INVALID_PARAMETER_VALUE"
    )
    assert store.list_scorers(experiment_id) == []


def test_a_gateway_judge_needs_its_endpoint_and_is_bound_to_it(store, experiment_id):
    assert error_code(lambda: store.register_scorer(experiment_id, "polite", judge("judge-llm"))) == (
        "RESOURCE_DOES_NOT_EXIST"
    )

    endpoint = gateway_endpoint(store, "judge-llm")
    registered = store.register_scorer(experiment_id, "polite", judge("judge-llm"))
    assert registered.scorer_version == 1
    assert judge_model(registered) == "gateway:/judge-llm"
    assert judge_model(store.get_scorer(experiment_id, "polite")) == "gateway:/judge-llm"

    [binding] = store.list_endpoint_bindings(resource_type=GatewayResourceType.SCORER)
    assert (binding.endpoint_id, binding.resource_id, binding.display_name) == (
        endpoint.endpoint_id,
        registered.scorer_id,
        "polite",
    )
    assert [b.resource_id for b in store.list_endpoint_bindings(endpoint_id=endpoint.endpoint_id)] == [
        registered.scorer_id
    ]

    # Deleting the scorer releases the endpoint.
    store.delete_scorer(experiment_id, "polite")
    assert store.list_endpoint_bindings(endpoint_id=endpoint.endpoint_id) == []


def test_a_gateway_judge_follows_its_endpoint_when_renamed(store, experiment_id):
    endpoint = gateway_endpoint(store, "judge-llm")
    store.register_scorer(experiment_id, "polite", judge("judge-llm"))

    store.update_gateway_endpoint(endpoint.endpoint_id, name="judge-llm-v2")
    assert judge_model(store.get_scorer(experiment_id, "polite")) == "gateway:/judge-llm-v2"
    [listed] = store.list_scorers(experiment_id)
    assert judge_model(listed) == "gateway:/judge-llm-v2"
    # The client's own loader rebuilds the judge against the new name.
    assert get_scorer(name="polite", experiment_id=experiment_id).model == "gateway:/judge-llm-v2"


def test_online_scoring_config_is_upserted_and_read_by_scorer_id(store, experiment_id):
    gateway_endpoint(store, "judge-llm")
    scorer = store.register_scorer(experiment_id, "polite", judge("judge-llm"))

    config = store.upsert_online_scoring_config(
        experiment_id=experiment_id, scorer_name="polite", sample_rate=0.5, filter_string="status = 'OK'"
    )
    assert (config.scorer_id, config.experiment_id) == (scorer.scorer_id, experiment_id)
    assert (config.sample_rate, config.filter_string) == (0.5, "status = 'OK'")
    assert config.online_scoring_config_id
    [read] = store.get_online_scoring_configs([scorer.scorer_id])
    assert (read.scorer_id, read.sample_rate, read.filter_string, read.experiment_id) == (
        scorer.scorer_id,
        0.5,
        "status = 'OK'",
        experiment_id,
    )

    replaced = store.upsert_online_scoring_config(
        experiment_id=experiment_id, scorer_name="polite", sample_rate=0.25, filter_string=None
    )
    assert (replaced.sample_rate, replaced.filter_string) == (0.25, None)
    [read] = store.get_online_scoring_configs([scorer.scorer_id])
    assert (read.sample_rate, read.filter_string) == (0.25, None)
    assert store.get_online_scoring_configs(["no-such-scorer"]) == []


def test_online_scoring_configs_the_server_refuses(store, experiment_id):
    gateway_endpoint(store, "judge-llm")
    scorer = store.register_scorer(experiment_id, "polite", judge("judge-llm"))
    store.register_scorer(experiment_id, "relevance", builtin_scorer())

    def upsert(name="polite", sample_rate=0.5, filter_string=None):
        return lambda: store.upsert_online_scoring_config(
            experiment_id=experiment_id,
            scorer_name=name,
            sample_rate=sample_rate,
            filter_string=filter_string,
        )

    assert error_code(upsert(sample_rate=1.5)) == "INVALID_PARAMETER_VALUE"
    # Only a judge that calls a gateway endpoint can run on incoming traces.
    assert error_code(upsert(name="relevance")) == "INVALID_PARAMETER_VALUE"
    assert error_code(upsert(filter_string="status === 'OK")) == "INVALID_PARAMETER_VALUE"
    assert error_code(upsert(name="never-registered")) == "RESOURCE_DOES_NOT_EXIST"
    assert store.get_online_scoring_configs([scorer.scorer_id]) == []
