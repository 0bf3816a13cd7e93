"""MLflow's /graphql, fed by the official client: what MLflow's own server tests and its web UI
ask (runs with their experiment and model versions, sampled metric histories, run searches,
artifact listings, dataset summaries), NaN metrics, and the bounds and error answers of the endpoint.
Every expectation holds on MLflow's server too (CONFORMANCE_TARGET=mlflow)."""

import math

import requests
from mlflow.entities import Dataset, DatasetInput, InputTag
from mlflow.utils.mlflow_tags import MLFLOW_DATASET_CONTEXT
from names import unique_name
from rest import workspace_headers


def graphql(tracking_uri, query, variables=None, operation=None):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation is not None:
        body["operationName"] = operation
    resp = requests.post(f"{tracking_uri}/graphql", json=body, headers=workspace_headers(), timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def answer(tracking_uri, query, variables=None, operation=None):
    """The data of an answer that must hold no error."""
    got = graphql(tracking_uri, query, variables, operation)
    assert got["errors"] is None, got
    return got["data"]


def new_run(client, prefix="gql"):
    experiment_id = client.create_experiment(unique_name(prefix))
    return experiment_id, client.create_run(experiment_id).info.run_id


def test_echoes_the_test_field_for_a_named_operation(tracking_uri):
    got = graphql(tracking_uri, 'query testQuery {test(inputString: "abc") { output }}', operation="testQuery")
    assert got == {"data": {"test": {"output": "abc"}}, "errors": None}


def test_run_with_its_experiment_and_model_versions(client, tracking_uri):
    model = unique_name("gql-model")
    client.create_registered_model(model)
    experiment_id, run_id = new_run(client)
    client.log_param(run_id, "lr", "0.1")
    client.set_tag(run_id, "phase", "train")
    client.create_model_version(model, f"runs:/{run_id}/model", run_id)

    run = answer(
        tracking_uri,
        """query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
             mlflowGetRun(input: $data) {
               apiError { code message }
               run {
                 info { runId runName experimentId status startTime endTime lifecycleStage }
                 experiment { experimentId name }
                 modelVersions { name version status }
                 data { params { key value } tags { key value } }
               }
             }
           }""",
        {"data": {"runId": run_id}},
    )["mlflowGetRun"]
    seen = client.get_run(run_id)
    assert run["apiError"] is None
    assert run["run"]["info"] == {
        "runId": run_id,
        "runName": seen.info.run_name,
        "experimentId": experiment_id,
        "status": "RUNNING",
        "startTime": str(seen.info.start_time),
        "endTime": "0",
        "lifecycleStage": "active",
    }
    assert run["run"]["experiment"] == {"experimentId": experiment_id, "name": client.get_experiment(experiment_id).name}
    assert run["run"]["modelVersions"] == [{"name": model, "version": "1", "status": "READY"}]
    assert run["run"]["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    assert {"key": "phase", "value": "train"} in run["run"]["data"]["tags"]


def test_sampled_metric_history_of_a_run(client, tracking_uri):
    _, run_id = new_run(client)
    for i in range(10):
        client.log_metric(run_id, "metric_0", i, step=i)
    metrics = answer(
        tracking_uri,
        'query testQuery { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["%s"], metricKey: "metric_0"}) '
        "{ metrics { key step value runId } } }" % run_id,
        operation="testQuery",
    )["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert metrics == [{"key": "metric_0", "step": str(i), "value": i, "runId": run_id} for i in range(10)]


def test_search_runs_newest_first_as_query_and_mutation(client, tracking_uri):
    experiment_id = client.create_experiment(unique_name("gql-search"))
    first = client.create_run(experiment_id, start_time=1000).info.run_id
    second = client.create_run(experiment_id, start_time=2000).info.run_id
    document = '{ mlflowSearchRuns(input: { experimentIds: ["%s"] }) { runs { info { runId } } nextPageToken } }' % experiment_id
    for op in ("query", "mutation"):
        got = answer(tracking_uri, op + " " + document)["mlflowSearchRuns"]
        assert got == {"runs": [{"info": {"runId": second}}, {"info": {"runId": first}}], "nextPageToken": ""}


def test_list_artifacts_with_a_fragment_and_aliases(client, tracking_uri, tmp_path):
    _, run_id = new_run(client)
    file_path = tmp_path / "test.txt"
    file_path.write_text("hello world")
    client.log_artifact(run_id, str(file_path))
    client.log_artifact(run_id, str(file_path), "testDir")
    got = answer(
        tracking_uri,
        """fragment FilesFragment on MlflowListArtifactsResponse { files { path isDir fileSize } }
           query testQuery {
             file: mlflowListArtifacts(input: { runId: "%s" }) { ...FilesFragment }
             subdir: mlflowListArtifacts(input: { runId: "%s", path: "testDir" }) { ...FilesFragment }
           }"""
        % (run_id, run_id),
        operation="testQuery",
    )
    assert got["file"]["files"] == [
        {"path": "test.txt", "isDir": False, "fileSize": "11"},
        {"path": "testDir", "isDir": True, "fileSize": "0"},
    ]
    assert got["subdir"]["files"] == [{"path": "testDir/test.txt", "isDir": False, "fileSize": "11"}]


def test_dataset_summaries_with_and_without_a_context(client, tracking_uri):
    experiment_id, run_id = new_run(client)
    plain = Dataset(name="ds-plain", digest="12345", source_type="script", source="test")
    training = Dataset(name="ds-training", digest="12346", source_type="script", source="test")
    client.log_inputs(
        run_id,
        [
            DatasetInput(dataset=plain, tags=[]),
            DatasetInput(dataset=training, tags=[InputTag(key=MLFLOW_DATASET_CONTEXT, value="training")]),
        ],
    )
    got = answer(
        tracking_uri,
        'mutation { mlflowSearchDatasets(input: {experimentIds: ["%s"]}) { datasetSummaries { experimentId name digest context } } }'
        % experiment_id,
    )["mlflowSearchDatasets"]["datasetSummaries"]
    assert sorted(got, key=lambda s: s["digest"]) == [
        {"experimentId": experiment_id, "name": "ds-plain", "digest": "12345", "context": ""},
        {"experimentId": experiment_id, "name": "ds-training", "digest": "12346", "context": "training"},
    ]


def test_nan_metrics_read_as_null(client, tracking_uri):
    _, run_id = new_run(client)
    client.log_metric(run_id, "loss", 1.0, step=0)
    client.log_metric(run_id, "loss", math.nan, step=1)
    latest = answer(
        tracking_uri,
        'query { mlflowGetRun(input: {runId: "%s"}) { run { data { metrics { key value step } } } } }' % run_id,
    )["mlflowGetRun"]["run"]["data"]["metrics"]
    assert latest == [{"key": "loss", "value": None, "step": "1"}]

    # The sampled history does not spare the client: the NaN point is null and an error.
    got = graphql(
        tracking_uri,
        'query { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["%s"], metricKey: "loss"}) { metrics { step value } } }'
        % run_id,
    )
    assert got["data"]["mlflowGetMetricHistoryBulkInterval"]["metrics"] == [
        {"step": "0", "value": 1.0},
        {"step": "1", "value": None},
    ]
    assert got["errors"] == ["Float cannot represent non numeric value: nan"]


def test_unknown_run_fails_only_its_field(client, tracking_uri):
    got = graphql(
        tracking_uri,
        '{ missing: mlflowGetRun(input: {runId: "0123456789abcdef0123456789abcdef"}) { run { info { runId } } } '
        'echo: test(inputString: "still here") { output } }',
    )
    assert got["data"] == {"missing": None, "echo": {"output": "still here"}}
    assert got["errors"] == ["Run with id=0123456789abcdef0123456789abcdef not found"]


def test_document_bounds(tracking_uri):
    deep = graphql(tracking_uri, "{ a " + "{ b " * 10 + "}" * 11)
    assert deep == {"data": None, "errors": ["Query exceeds maximum depth of 10"]}

    roots = " ".join(f'f{i}: test(inputString: "{i}") {{ output }}' for i in range(11))
    assert graphql(tracking_uri, "{ %s }" % roots)["errors"] == [
        "GraphQL queries should have at most 10 root fields, got 11 root fields. "
        "To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS environment variable."
    ]

    aliases = " ".join(f"o{i}: output" for i in range(11))
    assert graphql(tracking_uri, '{ test(inputString: "x") { %s } }' % aliases)["errors"] == [
        "GraphQL queries should have at most 10 aliases, got 11 aliases. "
        "To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ALIASES environment variable."
    ]

    wide = graphql(tracking_uri, '{ test(inputString: "x") { %s } }' % ("output " * 1001))
    assert wide == {"data": None, "errors": ["Query exceeds maximum total selections of 1000"]}


def test_invalid_documents_answer_200_with_messages(tracking_uri):
    for query, named in [
        ("{ nope }", "nope"),
        ('{ mlflowGetRun(input: {runId: "x"}) { run { bogus } } }', "bogus"),
        ("{ __typename @skip(if: true) }", "skip"),
    ]:
        got = graphql(tracking_uri, query)
        assert got["data"] is None, query
        assert len(got["errors"]) == 1 and named in got["errors"][0], got


def test_content_type_must_be_json(tracking_uri):
    resp = requests.post(
        f"{tracking_uri}/graphql",
        data='{"query": "{ __typename }"}',
        headers={"Content-Type": "text/plain", **workspace_headers()},
        timeout=30,
    )
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
