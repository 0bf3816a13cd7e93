"""The deprecated V2 trace endpoints through the official client's REST store: StartTrace and
EndTrace (`deprecated_start_trace_v2` / `deprecated_end_trace_v2`), and GetTraceInfo and
SearchTraces (the client's fallback when a server lacks the V3 API)."""

import mlflow
import pytest
from mlflow.entities.trace_status import TraceStatus
from mlflow.entities.trace_info_v2 import TraceInfoV2
from mlflow.exceptions import MlflowException
from mlflow.protos.service_pb2 import GetTraceInfo, SearchTraces
from mlflow.tracking import MlflowClient
from mlflow.utils.proto_json_utils import message_to_json
from names import unique_name


def rest_store():
    return MlflowClient()._tracking_client.store


def get_info_v2(store, request_id: str) -> TraceInfoV2:
    # GetTraceInfo's path as the server declares it (the client's own V2 fallback drops `/info`,
    # a path MLflow's server does not answer either).
    body = message_to_json(GetTraceInfo(request_id=request_id))
    endpoint = f"/api/2.0/mlflow/traces/{request_id}/info"
    return TraceInfoV2.from_proto(store._call_endpoint(GetTraceInfo, body, endpoint=endpoint).trace_info)


def search_v2(store, experiment_id: str, **kwargs):
    body = message_to_json(SearchTraces(experiment_ids=[experiment_id], **kwargs))
    response = store._call_endpoint(SearchTraces, body)
    return [TraceInfoV2.from_proto(t) for t in response.traces], response.next_page_token


def test_v2_trace_lifecycle_round_trips(tracking_uri):
    experiment_id = mlflow.set_experiment(unique_name("v2")).experiment_id
    store = rest_store()
    started = store.deprecated_start_trace_v2(
        experiment_id=experiment_id,
        timestamp_ms=1_700_000_000_000,
        request_metadata={"mlflow.user": "alice"},
        tags={"mlflow.traceName": "legacy", "env": "dev"},
    )
    assert len(started.request_id) == 32
    assert started.status == TraceStatus.IN_PROGRESS
    assert started.execution_time_ms == 0
    assert started.tags["mlflow.traceName"] == "legacy"
    assert started.tags["env"] == "dev"
    assert started.tags["mlflow.artifactLocation"].endswith(f"/traces/{started.request_id}/artifacts")
    assert started.request_metadata == {"mlflow.user": "alice"}

    ended = store.deprecated_end_trace_v2(
        request_id=started.request_id,
        timestamp_ms=1_700_000_000_420,
        status=TraceStatus.ERROR,
        request_metadata={"step": "2"},
        tags={"env": "prod"},
    )
    assert ended.status == TraceStatus.ERROR
    assert ended.execution_time_ms == 420
    assert ended.request_metadata == {"mlflow.user": "alice", "step": "2"}
    assert ended.tags["env"] == "prod"

    read = get_info_v2(store, started.request_id)
    assert (read.status, read.execution_time_ms, read.tags["env"]) == (TraceStatus.ERROR, 420, "prod")
    # The V3 API (the client's get_trace_info) sees the same trace.
    info = store.get_trace_info(started.request_id)
    assert (info.state.value, info.execution_duration, info.request_time) == ("ERROR", 420, 1_700_000_000_000)


def test_v2_search_filters_orders_and_pages(tracking_uri):
    experiment_id = mlflow.set_experiment(unique_name("v2-search")).experiment_id
    store = rest_store()
    ids = []
    for n, status in enumerate([TraceStatus.OK, TraceStatus.ERROR, TraceStatus.OK], start=1):
        info = store.deprecated_start_trace_v2(experiment_id, n * 1000, {}, {"n": str(n)})
        store.deprecated_end_trace_v2(info.request_id, n * 1000 + n, status, {}, {})
        ids.append(info.request_id)

    found, token = search_v2(store, experiment_id)
    assert [t.request_id for t in found] == list(reversed(ids))
    assert token == ""
    found, _ = search_v2(store, experiment_id, filter="status = 'OK'", order_by=["timestamp_ms ASC"])
    assert [t.request_id for t in found] == [ids[0], ids[2]]
    page, token = search_v2(store, experiment_id, max_results=2)
    rest, last = search_v2(store, experiment_id, max_results=2, page_token=token)
    assert [t.request_id for t in page + rest] == list(reversed(ids)) and last == ""
    with pytest.raises(MlflowException, match="Invalid clause"):
        search_v2(store, experiment_id, filter="status = 'OK' OR status = 'ERROR'")


def test_v2_errors(tracking_uri):
    store = rest_store()
    with pytest.raises(MlflowException, match="not found") as missing:
        get_info_v2(store, "0" * 32)
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException, match="not found"):
        store.deprecated_end_trace_v2("0" * 32, 5, TraceStatus.OK, {}, {})
    with pytest.raises(MlflowException, match="No Experiment with id=987654 exists"):
        store.deprecated_start_trace_v2("987654", 0, {}, {})
