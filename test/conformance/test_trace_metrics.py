"""Trace analytics with the official client: the tracking store's `query_trace_metrics` (what the
MLflow UI's overview charts call) and `TracingClient.calculate_trace_filter_correlation`, over
traces logged with `@mlflow.trace` (LLM spans with token usage, model and cost attributes, sessions)
and feedback. Expected numbers are worked out from the traces as the client reads them back."""

import math
import time
from datetime import datetime, timezone

import mlflow
import pytest
from mlflow.entities.trace_metrics import AggregationType, MetricAggregation, MetricViewType
from mlflow.exceptions import MlflowException
from mlflow.tracing.client import TracingClient
from names import unique_name

COUNT = MetricAggregation(AggregationType.COUNT)
SUM = MetricAggregation(AggregationType.SUM)
AVG = MetricAggregation(AggregationType.AVG)
MAX = MetricAggregation(AggregationType.MAX)


def pct(p):
    return MetricAggregation(AggregationType.PERCENTILE, percentile_value=p)


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    index = p / 100 * (len(ordered) - 1)
    lower = int(index)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (index - lower) * (ordered[upper] - ordered[lower])


# (trace name, session, [(model, provider, input tokens, output tokens, cost dict)], fails)
CALLS = [
    ("chat", "s1", [("gpt-a", "openai", 10, 5, {"input_cost": 0.25, "output_cost": 0.5, "total_cost": 0.75})], False),
    ("chat", "s1", [("gpt-a", "openai", 20, 7, {"input_cost": 0.5, "total_cost": 0.5}), ("claude", "anthropic", 3, 4, {"total_cost": 2.0})], False),
    ("agent", "s2", [], True),
    ("agent", None, [("claude", "anthropic", 1, 1, {"total_cost": 1.0})], False),
]


def log_traces():
    """Logs CALLS in a new experiment; returns its id and the traces as the client reads them."""
    experiment_id = mlflow.set_experiment(unique_name("metrics")).experiment_id

    def llm(model, provider, tokens_in, tokens_out, cost):
        with mlflow.start_span(name="llm-call", span_type="LLM") as span:
            span.set_attribute("mlflow.llm.model", model)
            span.set_attribute("mlflow.llm.provider", provider)
            span.set_attribute(
                "mlflow.chat.tokenUsage",
                {"input_tokens": tokens_in, "output_tokens": tokens_out, "total_tokens": tokens_in + tokens_out},
            )
            span.set_attribute("mlflow.llm.cost", cost)
            time.sleep(0.003)

    ids = []
    for name, session, calls, fails in CALLS:

        @mlflow.trace(name=name)
        def run(session=session, calls=calls, fails=fails):
            if session:
                mlflow.update_current_trace(metadata={"mlflow.trace.session": session})
            for call in calls:
                llm(*call)
            if fails:
                raise RuntimeError("boom")
            return "ok"

        try:
            run()
        except RuntimeError:
            pass
        ids.append(mlflow.get_last_active_trace_id())
    mlflow.flush_trace_async_logging()
    return experiment_id, [mlflow.get_trace(i) for i in ids]


def query(experiment_id, view, metric, aggregations, **kwargs):
    return list(
        TracingClient().store.query_trace_metrics(
            experiment_ids=[experiment_id], view_type=view, metric_name=metric, aggregations=aggregations, **kwargs
        )
    )


def test_trace_counts_latencies_and_token_usage(tracking_uri):
    experiment_id, traces = log_traces()

    by_name = query(experiment_id, MetricViewType.TRACES, "trace_count", [COUNT], dimensions=["trace_name", "trace_status"])
    want = {}
    for t in traces:
        key = (t.info.tags["mlflow.traceName"], t.info.state.value)
        want[key] = want.get(key, 0) + 1
    assert [(p.dimensions["trace_name"], p.dimensions["trace_status"]) for p in by_name] == sorted(want)
    assert {(p.dimensions["trace_name"], p.dimensions["trace_status"]): p.values["COUNT"] for p in by_name} == want

    (sessions,) = query(experiment_id, MetricViewType.TRACES, "session_count", [COUNT])
    assert sessions.values == {"COUNT": 2}

    latencies = [t.info.execution_duration for t in traces]
    (latency,) = query(experiment_id, MetricViewType.TRACES, "latency", [AVG, MAX, pct(50), pct(90)])
    assert latency.values == pytest.approx(
        {
            "AVG": sum(latencies) / len(latencies),
            "MAX": max(latencies),
            "P50.0": percentile(latencies, 50),
            "P90.0": percentile(latencies, 90),
        }
    )

    for metric in ("input_tokens", "total_tokens"):
        values = [t.info.token_usage[metric] for t in traces if t.info.token_usage]
        points = query(experiment_id, MetricViewType.TRACES, metric, [SUM, pct(50)], dimensions=["trace_name"])
        assert [p.dimensions["trace_name"] for p in points] == ["agent", "chat"]
        assert sum(p.values["SUM"] for p in points) == sum(values)
        chat = [t.info.token_usage[metric] for t in traces if t.info.token_usage and t.info.tags["mlflow.traceName"] == "chat"]
        assert points[1].values["P50.0"] == pytest.approx(percentile(chat, 50))


def test_span_counts_costs_and_models(tracking_uri):
    experiment_id, traces = log_traces()
    spans = [s for t in traces for s in t.data.spans]

    by_type = query(experiment_id, MetricViewType.SPANS, "span_count", [COUNT], dimensions=["span_type"])
    want = {}
    for s in spans:
        want[s.span_type] = want.get(s.span_type, 0) + 1
    assert {p.dimensions["span_type"]: p.values["COUNT"] for p in by_type} == want

    costs = query(experiment_id, MetricViewType.SPANS, "total_cost", [SUM, AVG], dimensions=["span_model_name", "span_model_provider"])
    priced = {}
    for _, _, calls, _ in CALLS:
        for model, provider, _, _, cost in calls:
            priced.setdefault((model, provider), []).append(cost["total_cost"])
    assert [(p.dimensions["span_model_name"], p.dimensions["span_model_provider"]) for p in costs] == sorted(priced)
    for point in costs:
        values = priced[(point.dimensions["span_model_name"], point.dimensions["span_model_provider"])]
        assert point.values == pytest.approx({"SUM": sum(values), "AVG": sum(values) / len(values)})

    llm_latencies = [(s.end_time_ns - s.start_time_ns) // 1_000_000 for s in spans if s.span_type == "LLM"]
    (latency,) = query(experiment_id, MetricViewType.SPANS, "latency", [MAX, pct(50)], filters=["span.type = 'LLM'"])
    assert latency.values == pytest.approx({"MAX": max(llm_latencies), "P50.0": percentile(llm_latencies, 50)})


def test_assessment_counts_and_values(tracking_uri):
    experiment_id, traces = log_traces()
    ids = [t.info.trace_id for t in traces]
    for trace_id, value in zip(ids, [True, False, "yes", 0.5]):
        mlflow.log_feedback(trace_id=trace_id, name="quality", value=value)
    mlflow.log_expectation(trace_id=ids[0], name="expected", value="hello")

    by_name = query(experiment_id, MetricViewType.ASSESSMENTS, "assessment_count", [COUNT], dimensions=["assessment_name"])
    assert [(p.dimensions["assessment_name"], p.values["COUNT"]) for p in by_name] == [("expected", 1), ("quality", 4)]

    # Booleans and "yes"/"no" count as 1/0.
    (quality,) = query(
        experiment_id, MetricViewType.ASSESSMENTS, "assessment_value", [AVG, pct(50)], filters=["assessment.name = 'quality'"]
    )
    assert quality.values == pytest.approx({"AVG": (1 + 0 + 1 + 0.5) / 4, "P50.0": percentile([1, 0, 1, 0.5], 50)})


def test_time_buckets_cover_every_trace(tracking_uri):
    experiment_id, traces = log_traces()
    now = int(time.time() * 1000)
    points = query(
        experiment_id,
        MetricViewType.TRACES,
        "trace_count",
        [COUNT],
        time_interval_seconds=3600,
        start_time_ms=now - 24 * 3600 * 1000,
        end_time_ms=now + 3600 * 1000,
    )
    want = {}
    for t in traces:
        start = t.info.request_time // 3_600_000 * 3_600_000
        bucket = datetime.fromtimestamp(start / 1000, tz=timezone.utc).isoformat()
        want[bucket] = want.get(bucket, 0) + 1
    assert {p.dimensions["time_bucket"]: p.values["COUNT"] for p in points} == want
    with pytest.raises(MlflowException, match="start_time_ms and end_time_ms are required"):
        query(experiment_id, MetricViewType.TRACES, "trace_count", [COUNT], time_interval_seconds=60)


def test_metrics_requests_are_checked(tracking_uri):
    experiment_id = mlflow.set_experiment(unique_name("metrics-bad")).experiment_id
    with pytest.raises(MlflowException, match=r"metric_name must be one of \['span_count'") as bad_metric:
        query(experiment_id, MetricViewType.SPANS, "trace_count", [COUNT])
    assert bad_metric.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException, match=r"Found invalid dimension\(s\): \['span_name'\]"):
        query(experiment_id, MetricViewType.TRACES, "trace_count", [COUNT], dimensions=["span_name"])
    with pytest.raises(MlflowException, match="Filtering by assessment is only supported for ASSESSMENTS"):
        query(experiment_id, MetricViewType.TRACES, "trace_count", [COUNT], filters=["assessment.name = 'x'"])
    with pytest.raises(MlflowException, match="only '=' operator is supported"):
        query(experiment_id, MetricViewType.TRACES, "trace_count", [COUNT], filters=["trace.status LIKE 'O%'"])


def npmi(joint, n1, n2, total, smoothing):
    a, b, c, d = (x + smoothing for x in (joint, n1 - joint, n2 - joint, total - n1 - n2 + joint))
    if smoothing == 0 and joint == 0:
        return -1.0
    if (n1 - joint, n2 - joint, total - n1 - n2 + joint) == (0, 0, 0):
        return 1.0
    n = a + b + c + d
    return max(-1.0, min(1.0, math.log(a * n / ((a + b) * (a + c))) / -math.log(a / n)))


def test_filter_correlation(tracking_uri):
    experiment_id, traces = log_traces()
    client = TracingClient()

    result = client.calculate_trace_filter_correlation(
        experiment_ids=[experiment_id], filter_string1="span.type = 'LLM'", filter_string2="trace.status = 'OK'"
    )
    llm = {t.info.trace_id for t in traces if any(s.span_type == "LLM" for s in t.data.spans)}
    ok = {t.info.trace_id for t in traces if t.info.state.value == "OK"}
    counts = (len(llm & ok), len(llm), len(ok), len(traces))
    assert (result.joint_count, result.filter1_count, result.filter2_count, result.total_count) == counts
    assert result.npmi == pytest.approx(npmi(*counts, 0))
    assert result.npmi_smoothed == pytest.approx(npmi(*counts, 0.5))

    within = client.calculate_trace_filter_correlation(
        experiment_ids=[experiment_id],
        filter_string1="span.type = 'LLM'",
        filter_string2="trace.status = 'OK'",
        base_filter="name = 'chat'",
    )
    chats = [t for t in traces if t.info.tags["mlflow.traceName"] == "chat"]
    assert (within.filter1_count, within.filter2_count, within.joint_count, within.total_count) == (2, 2, 2, 2)
    assert len(chats) == 2 and within.npmi == 1.0

    nobody = client.calculate_trace_filter_correlation(
        experiment_ids=[experiment_id], filter_string1="name = 'nobody'", filter_string2="trace.status = 'OK'"
    )
    assert nobody.filter1_count == 0 and math.isnan(nobody.npmi) and nobody.npmi_smoothed is None

    with pytest.raises(MlflowException, match="Invalid clause"):
        client.calculate_trace_filter_correlation(
            experiment_ids=[experiment_id], filter_string1="name = 'a' OR name = 'b'", filter_string2="name = 'c'"
        )
