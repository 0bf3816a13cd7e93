"""Spans from other OpenTelemetry instrumentations, exported with the plain OpenTelemetry SDK (no
MLflow library involved) and carrying OpenTelemetry GenAI (`gen_ai.*`) or OpenInference
attributes: the server translates them at ingest, so `mlflow.get_trace` and `mlflow.search_traces`
show MLflow span types, inputs/outputs, token usage, model, cost and chat previews."""

import json
import os

import mlflow
import pytest
from names import unique_name


@pytest.fixture
def otel_tracer(tracking_uri, monkeypatch):
    """A tracer exporting each span over OTLP/HTTP to the server as soon as it ends (so a trace
    arrives in several batches, children first), into a fresh experiment."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    experiment_id = mlflow.set_experiment(unique_name("otel-genai")).experiment_id
    headers = {"x-mlflow-experiment-id": experiment_id}
    if os.environ.get("MLFLOW_WORKSPACE"):
        headers["X-MLFLOW-WORKSPACE"] = os.environ["MLFLOW_WORKSPACE"]
    exporter = OTLPSpanExporter(endpoint=f"{tracking_uri}/v1/traces", headers=headers)
    provider = TracerProvider(resource=Resource.create({"service.name": "genai-app"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield experiment_id, provider.get_tracer("conformance")
    provider.shutdown()


def trace_id_of(span) -> str:
    return "tr-" + format(span.get_span_context().trace_id, "032x")


def test_genai_semconv_spans_read_back_as_mlflow_spans(otel_tracer):
    experiment_id, tracer = otel_tracer
    question = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Weather in Paris?"},
    ]
    with tracer.start_as_current_span("invoke_agent weather") as root:
        root.set_attribute("gen_ai.operation.name", "invoke_agent")
        root.set_attribute("gen_ai.input.messages", json.dumps({"messages": question}))
        root.set_attribute(
            "gen_ai.output.messages",
            json.dumps({"choices": [{"message": {"role": "assistant", "content": "Sunny, 21C."}}]}),
        )
        with tracer.start_as_current_span("chat gpt-4o-mini") as llm:
            llm.set_attribute("gen_ai.operation.name", "chat")
            llm.set_attribute("gen_ai.provider.name", "openai")
            llm.set_attribute("gen_ai.request.model", "gpt-4o-mini")
            llm.set_attribute("gen_ai.input.messages", json.dumps(question))
            llm.set_attribute("gen_ai.usage.input_tokens", 1000)
            llm.set_attribute("gen_ai.usage.output_tokens", 200)
        with tracer.start_as_current_span("execute_tool get_weather") as tool:
            tool.set_attribute("gen_ai.operation.name", "execute_tool")
            tool.set_attribute("gen_ai.tool.call.arguments", json.dumps({"city": "Paris"}))
            tool.set_attribute("gen_ai.tool.call.result", json.dumps({"sky": "sunny", "celsius": 21}))

    trace = mlflow.get_trace(trace_id_of(root))
    assert trace is not None
    spans = {s.name: s for s in trace.data.spans}
    agent, chat, tool_span = (
        spans["invoke_agent weather"],
        spans["chat gpt-4o-mini"],
        spans["execute_tool get_weather"],
    )
    assert agent.span_type == "AGENT"
    assert chat.span_type == "CHAT_MODEL"
    assert tool_span.span_type == "TOOL"
    assert chat.inputs == question
    assert tool_span.inputs == {"city": "Paris"}
    assert tool_span.outputs == {"sky": "sunny", "celsius": 21}
    assert chat.get_attribute("mlflow.chat.tokenUsage") == {
        "input_tokens": 1000,
        "output_tokens": 200,
        "total_tokens": 1200,
    }
    assert chat.model_name == "gpt-4o-mini"
    assert chat.get_attribute("mlflow.llm.provider") == "openai"
    # gpt-4o-mini at $0.15 / $0.60 per million tokens.
    assert chat.llm_cost == pytest.approx(
        {"input_cost": 0.00015, "output_cost": 0.00012, "total_cost": 0.00027}
    )
    # The untranslated attributes are still there.
    assert chat.get_attribute("gen_ai.usage.input_tokens") == 1000

    info = trace.info
    assert info.token_usage == {"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200}
    assert info.cost == pytest.approx({"input_cost": 0.00015, "output_cost": 0.00012, "total_cost": 0.00027})
    # Chat payloads preview as the last user / assistant message, not as JSON.
    assert info.request_preview == "Weather in Paris?"
    assert info.response_preview == "Sunny, 21C."

    (found,) = mlflow.search_traces(locations=[experiment_id], return_type="list")
    assert found.info.trace_id == trace.info.trace_id
    assert found.info.token_usage == info.token_usage
    assert found.info.request_preview == "Weather in Paris?"


def test_openinference_spans_read_back_as_mlflow_spans(otel_tracer):
    experiment_id, tracer = otel_tracer
    with tracer.start_as_current_span("rag") as root:
        root.set_attribute("openinference.span.kind", "CHAIN")
        root.set_attribute("input.value", "What is MLflow?")
        root.set_attribute("output.value", json.dumps({"answer": "An ML platform."}))
        with tracer.start_as_current_span("retrieve") as retriever:
            retriever.set_attribute("openinference.span.kind", "RETRIEVER")
            retriever.set_attribute("input.value", "MLflow")
        with tracer.start_as_current_span("llm") as llm:
            llm.set_attribute("openinference.span.kind", "LLM")
            llm.set_attribute("llm.model_name", "claude-3-haiku-20240307")
            llm.set_attribute("llm.provider", "anthropic")
            llm.set_attribute("llm.token_count.prompt", 40)
            llm.set_attribute("llm.token_count.completion", 8)
            llm.set_attribute("llm.token_count.total", 48)
            llm.set_attribute(
                "input.value",
                json.dumps({"messages": [{"role": "user", "content": "What is MLflow?"}]}),
            )
        with tracer.start_as_current_span("llm-2") as second:
            second.set_attribute("openinference.span.kind", "LLM")
            second.set_attribute("llm.token_count.prompt", 10)
            second.set_attribute("llm.token_count.completion", 2)

    trace = mlflow.get_trace(trace_id_of(root))
    spans = {s.name: s for s in trace.data.spans}
    assert {name: s.span_type for name, s in spans.items()} == {
        "rag": "CHAIN",
        "retrieve": "RETRIEVER",
        "llm": "LLM",
        "llm-2": "LLM",
    }
    assert spans["rag"].inputs == "What is MLflow?"
    assert spans["rag"].outputs == {"answer": "An ML platform."}
    assert spans["llm"].inputs == {"messages": [{"role": "user", "content": "What is MLflow?"}]}
    assert spans["llm"].model_name == "claude-3-haiku-20240307"
    assert spans["llm"].get_attribute("mlflow.chat.tokenUsage") == {
        "input_tokens": 40,
        "output_tokens": 8,
        "total_tokens": 48,
    }
    # The trace's usage is summed over spans that arrived in separate exports.
    assert trace.info.token_usage == {"input_tokens": 50, "output_tokens": 10, "total_tokens": 60}
    assert trace.info.request_preview == '"What is MLflow?"'
    assert trace.info.response_preview == '{"answer": "An ML platform."}'

    (found,) = mlflow.search_traces(locations=[experiment_id], return_type="list")
    assert found.info.token_usage == trace.info.token_usage


def test_spans_with_mlflow_attributes_keep_them(otel_tracer):
    """A span that says its own MLflow type and inputs keeps them; an UNKNOWN type is replaced."""
    _, tracer = otel_tracer
    with tracer.start_as_current_span("root") as root:
        root.set_attribute("mlflow.spanType", json.dumps("CHAIN"))
        root.set_attribute("mlflow.spanInputs", json.dumps({"q": "mine"}))
        root.set_attribute("gen_ai.operation.name", "invoke_agent")
        root.set_attribute("gen_ai.input.messages", json.dumps([{"role": "user", "content": "theirs"}]))
        with tracer.start_as_current_span("child") as child:
            child.set_attribute("mlflow.spanType", json.dumps("UNKNOWN"))
            child.set_attribute("gen_ai.operation.name", "embeddings")

    spans = {s.name: s for s in mlflow.get_trace(trace_id_of(root)).data.spans}
    assert spans["root"].span_type == "CHAIN"
    assert spans["root"].inputs == {"q": "mine"}
    assert spans["child"].span_type == "EMBEDDING"
