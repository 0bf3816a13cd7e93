"""MLflow 3 tracing with the official client: `@mlflow.trace` spans sent over OTLP (/v1/traces)
and StartTraceV3, read back with `mlflow.get_trace`; trace tags; `MlflowClient.delete_traces`; spans
exported by the plain OpenTelemetry SDK with no MLflow library involved."""

import time

import mlflow
import pytest
from mlflow.tracking import MlflowClient
from names import unique_name


def flush():
    mlflow.flush_trace_async_logging()


def traced_calls():
    """Runs a nested traced call and a failing one; returns the live spans the client made."""
    seen = []

    @mlflow.trace(span_type="LLM", attributes={"model": "tiny", "temperature": 0.5})
    def child(question: str) -> dict:
        seen.append(mlflow.get_current_active_span())
        return {"answer": question.upper(), "tokens": 3}

    @mlflow.trace(name="pipeline")
    def parent(question: str, n: int = 2) -> str:
        seen.append(mlflow.get_current_active_span())
        mlflow.get_current_active_span().set_attribute("custom", {"k": [1, 2]})
        return child(question)["answer"] * n

    @mlflow.trace
    def boom():
        seen.append(mlflow.get_current_active_span())
        raise ValueError("bad input")

    assert parent("hi") == "HIHI"
    ok_trace = mlflow.get_last_active_trace_id()
    with pytest.raises(ValueError):
        boom()
    error_trace = mlflow.get_last_active_trace_id()
    flush()
    return ok_trace, error_trace, seen


def test_traced_calls_come_back_with_every_span(tracking_uri):
    mlflow.set_experiment(unique_name("tracing"))
    ok_id, error_id, seen = traced_calls()

    trace = mlflow.get_trace(ok_id)
    assert trace is not None
    assert trace.info.trace_id == ok_id
    assert trace.info.state.value == "OK" if hasattr(trace.info.state, "value") else "OK"
    assert trace.info.tags["mlflow.traceName"] == "pipeline"
    assert trace.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    spans = {s.span_id: s for s in trace.data.spans}
    originals = [s for s in seen if s.trace_id == ok_id]
    assert set(spans) == {s.span_id for s in originals}
    for original in originals:
        got = spans[original.span_id]
        assert got.name == original.name
        assert got.parent_id == original.parent_id
        assert got.start_time_ns == original.start_time_ns
        assert got.end_time_ns == original.end_time_ns
        assert got.span_type == original.span_type
        assert got.inputs == original.inputs
        assert got.outputs == original.outputs
        assert got.attributes == original.attributes
    root = next(s for s in trace.data.spans if s.parent_id is None)
    assert root.name == "pipeline"
    assert root.inputs == {"question": "hi", "n": 2}
    assert root.outputs == "HIHI"
    assert root.attributes["custom"] == {"k": [1, 2]}
    llm = next(s for s in trace.data.spans if s.parent_id is not None)
    assert llm.span_type == "LLM"
    assert llm.attributes["model"] == "tiny"
    assert llm.attributes["temperature"] == 0.5
    assert llm.outputs == {"answer": "HI", "tokens": 3}

    failed = mlflow.get_trace(error_id)
    assert str(failed.info.state) in ("ERROR", "TraceState.ERROR")
    (span,) = failed.data.spans
    assert span.status.status_code == "ERROR"
    assert span.status.description == "ValueError: bad input"
    (event,) = span.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "ValueError"
    assert event.attributes["exception.message"] == "bad input"


def test_trace_tags_set_and_delete(tracking_uri):
    mlflow.set_experiment(unique_name("tags"))

    @mlflow.trace
    def f():
        return 1

    f()
    trace_id = mlflow.get_last_active_trace_id()
    flush()
    mlflow.set_trace_tag(trace_id, "reviewed", "yes")
    assert mlflow.get_trace(trace_id).info.tags["reviewed"] == "yes"
    mlflow.delete_trace_tag(trace_id, "reviewed")
    assert "reviewed" not in mlflow.get_trace(trace_id).info.tags


def test_delete_traces_by_id_and_by_age(tracking_uri):
    experiment_id = mlflow.set_experiment(unique_name("delete")).experiment_id

    @mlflow.trace
    def f(i):
        return i

    ids = []
    for i in range(3):
        f(i)
        ids.append(mlflow.get_last_active_trace_id())
    flush()
    client = MlflowClient()
    assert client.delete_traces(experiment_id, trace_ids=[ids[0]]) == 1
    assert mlflow.get_trace(ids[0]) is None
    assert client.delete_traces(experiment_id, max_timestamp_millis=int(time.time() * 1000), max_traces=1) == 1
    # mlflow 3.17 has no top-level mlflow.delete_traces; the client method is the public one.
    assert client.delete_traces(experiment_id, trace_ids=ids) == 1
    for trace_id in ids:
        assert mlflow.get_trace(trace_id) is None


def test_opentelemetry_sdk_spans_come_back_through_get_trace(tracking_uri, monkeypatch):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    experiment_id = mlflow.set_experiment(unique_name("otel")).experiment_id
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{tracking_uri}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", f"x-mlflow-experiment-id={experiment_id}")
    exporter = OTLPSpanExporter()  # reads the two variables above
    provider = TracerProvider(resource=Resource.create({"service.name": "plain-otel"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("conformance")

    with tracer.start_as_current_span("request") as root:
        root.set_attribute("http.method", "GET")
        root.set_attribute("retries", 2)
        with tracer.start_as_current_span("db-query") as child:
            child.set_attribute("db.rows", 7)
    provider.shutdown()

    trace_id = "tr-" + format(root.get_span_context().trace_id, "032x")
    trace = mlflow.get_trace(trace_id)
    assert trace is not None
    by_name = {s.name: s for s in trace.data.spans}
    assert set(by_name) == {"request", "db-query"}
    assert by_name["request"].span_id == format(root.get_span_context().span_id, "016x")
    assert by_name["db-query"].parent_id == by_name["request"].span_id
    assert by_name["request"].start_time_ns == root.start_time
    assert by_name["db-query"].end_time_ns == child.end_time
    assert by_name["request"].attributes["http.method"] == "GET"
    assert by_name["request"].attributes["retries"] == 2
    assert by_name["db-query"].attributes["db.rows"] == 7
    assert trace.info.tags["service.name"] == "plain-otel"


def log_three_traces(prefix: str):
    """Three traced calls in the active experiment: `<prefix>-0..2`, tagged by parity."""

    ids = []
    for i in range(3):

        @mlflow.trace(name=f"{prefix}-{i}")
        def step(i=i):
            mlflow.update_current_trace(tags={"parity": "even" if i % 2 == 0 else "odd"})
            with mlflow.start_span(name="inner", span_type="TOOL") as span:
                span.set_inputs({"i": i})
            return i

        step()
        ids.append(mlflow.get_last_active_trace_id())
        time.sleep(0.01)
    flush()
    return ids


def test_search_traces_filters_orders_and_stays_in_its_project(trackd, project, switch_tracking_uri):
    from names import project_name

    other = project_name()
    found = {}
    for name in (project, other):
        switch_tracking_uri(f"{trackd.url}/projects/{name}")
        experiment_id = mlflow.set_experiment("traces").experiment_id
        ids = log_three_traces(name)
        found[name] = (experiment_id, ids)

    for name in (project, other):
        switch_tracking_uri(f"{trackd.url}/projects/{name}")
        experiment_id, ids = found[name]
        df = mlflow.search_traces(
            experiment_ids=[experiment_id],
            filter_string="tags.parity = 'even' AND span.type = 'TOOL'",
            order_by=["timestamp_ms ASC"],
        )
        assert list(df["trace_id"]) == [ids[0], ids[2]]
        listed = mlflow.search_traces(
            experiment_ids=[experiment_id], order_by=["timestamp_ms DESC"], return_type="list"
        )
        assert [t.info.trace_id for t in listed] == list(reversed(ids))
        assert all(t.info.trace_id.startswith("tr-") for t in listed)
        assert [len(t.data.spans) for t in listed] == [2, 2, 2]
        assert {t.info.tags["mlflow.traceName"] for t in listed} == {f"{name}-{i}" for i in range(3)}
        # The other project's traces are never seen, even by id.
        stranger = found[other if name == project else project][1][0]
        assert mlflow.get_trace(stranger) is None


def test_feedback_and_expectations_round_trip(tracking_uri):
    from mlflow.entities import AssessmentSource, Feedback

    experiment_id = mlflow.set_experiment(unique_name("assess")).experiment_id

    @mlflow.trace
    def answer(q):
        return "Paris"

    answer("capital of France?")
    trace_id = mlflow.get_last_active_trace_id()
    flush()

    human = AssessmentSource(source_type="HUMAN", source_id="bob")
    fb = mlflow.log_feedback(
        trace_id=trace_id, name="correct", value=True, source=human, rationale="right", metadata={"k": "v"}
    )
    assert fb.assessment_id.startswith("a-")
    assert fb.value is True and fb.rationale == "right" and fb.valid
    exp_scalar = mlflow.log_expectation(trace_id=trace_id, name="expected", value="Paris", source=human)
    exp_dict = mlflow.log_expectation(trace_id=trace_id, name="facts", value={"answer": 42, "tags": ["a"]})

    got = mlflow.get_assessment(trace_id, fb.assessment_id)
    assert (got.name, got.value, got.source.source_id, got.metadata) == ("correct", True, "bob", {"k": "v"})
    assert mlflow.get_assessment(trace_id, exp_scalar.assessment_id).value == "Paris"
    assert mlflow.get_assessment(trace_id, exp_dict.assessment_id).value == {"answer": 42, "tags": ["a"]}

    updated = mlflow.update_assessment(
        trace_id=trace_id,
        assessment_id=fb.assessment_id,
        assessment=Feedback(name="correct", value=False, rationale="on second thought"),
    )
    assert (updated.value, updated.rationale) == (False, "on second thought")
    assert mlflow.get_assessment(trace_id, fb.assessment_id).value is False

    override = mlflow.override_feedback(trace_id=trace_id, assessment_id=fb.assessment_id, value=True)
    assert override.overrides == fb.assessment_id
    assert mlflow.get_assessment(trace_id, fb.assessment_id).valid is False

    trace = mlflow.get_trace(trace_id)
    names = sorted(a.name for a in trace.info.assessments)
    assert names == ["correct", "correct", "expected", "facts"]
    found = mlflow.search_traces(
        experiment_ids=[experiment_id], filter_string="feedback.correct = 'true'", return_type="list"
    )
    assert [t.info.trace_id for t in found] == [trace_id]

    mlflow.delete_assessment(trace_id, override.assessment_id)
    assert mlflow.get_assessment(trace_id, fb.assessment_id).valid is True
    with pytest.raises(Exception, match="not found"):
        mlflow.get_assessment(trace_id, override.assessment_id)


def test_traces_made_in_a_run_are_found_by_run_id(tracking_uri):
    experiment_id = mlflow.set_experiment(unique_name("in-run")).experiment_id

    @mlflow.trace
    def f(x):
        return x

    with mlflow.start_run() as run:
        f(1)
        inside = mlflow.get_last_active_trace_id()
    f(2)
    outside = mlflow.get_last_active_trace_id()
    flush()
    found = mlflow.search_traces(experiment_ids=[experiment_id], run_id=run.info.run_id, return_type="list")
    assert [t.info.trace_id for t in found] == [inside]
    MlflowClient().link_traces_to_run([outside], run.info.run_id)
    found = mlflow.search_traces(experiment_ids=[experiment_id], run_id=run.info.run_id, return_type="list")
    assert sorted(t.info.trace_id for t in found) == sorted([inside, outside])


def test_trace_artifact_downloads_as_traces_json(tracking_uri):
    # The web UI's download of a trace's spans: saved as traces.json, read as TraceData.
    import json

    import requests
    from mlflow.entities import SpanEvent
    from mlflow.entities.trace_data import TraceData
    from rest import workspace_headers

    with mlflow.start_span(name="download") as span:
        span.set_attributes({"fruit": "apple"})
        span.add_event(SpanEvent("an_event", timestamp=99999, attributes={"foo": "bar"}))
    flush()

    res = requests.get(
        f"{tracking_uri}/ajax-api/2.0/mlflow/get-trace-artifact",
        params={"request_id": span.trace_id},
        headers=workspace_headers(),
        timeout=30,
    )
    assert res.status_code == 200
    assert res.headers["Content-Disposition"] == "attachment; filename=traces.json"
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    data = TraceData.from_dict(json.loads(res.text))
    assert [s.to_dict() for s in data.spans] == [span.to_dict()]


@pytest.mark.trackd_only
def test_a_trace_linked_right_after_it_is_made_is_found_by_run_id(tracking_uri):
    # The client exports spans in the background: the link may reach the server first. MLflow's
    # store links such a trace (upstream's test_link_traces_to_run_and_search_traces), except with
    # workspaces on, as this suite runs it, where it skips ids not stored yet; trackd links them.
    experiment_id = mlflow.set_experiment(unique_name("link-early")).experiment_id
    client = MlflowClient()
    run_id = client.create_run(experiment_id).info.run_id
    with mlflow.start_run(run_id=run_id):
        with mlflow.start_span(name="made-in-run") as in_run:
            in_run.set_attribute("n", 1)
    with mlflow.start_span(name="linked") as linked:
        linked.set_attribute("n", 2)
    client.link_traces_to_run(trace_ids=[linked.trace_id], run_id=run_id)
    with mlflow.start_span(name="unlinked") as unlinked:
        unlinked.set_attribute("n", 3)

    everything = client.search_traces(locations=[experiment_id], flush=True)
    assert {t.info.trace_id for t in everything} == {
        in_run.trace_id,
        linked.trace_id,
        unlinked.trace_id,
    }
    found = client.search_traces(locations=[experiment_id], filter_string=f"attribute.run_id = '{run_id}'")
    assert sorted(t.info.trace_id for t in found) == sorted([in_run.trace_id, linked.trace_id])
