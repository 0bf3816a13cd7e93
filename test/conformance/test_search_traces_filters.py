"""`mlflow.search_traces(filter_string=...)` with the filters MLflow 3.17 reads beyond plain
equality: RLIKE, run_id / name / prompt / text as the metadata, tag, link and span content they stand
for, span attribute patterns, session-level assessments, and MLflow's refusals."""

import re
import time

import mlflow
import pytest
from mlflow.entities import AssessmentSource
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import unique_name


def make_traces():
    """alpha (in a run, session s1), beta (fails), gamma (session s1, linked to a prompt)."""
    experiment_id = mlflow.set_experiment(unique_name("filters")).experiment_id
    made = {}

    def make(name, child, span_type, model, question, answer, tags, metadata, fail=False):
        @mlflow.trace(name=name, span_type="CHAIN")
        def root(q):
            mlflow.update_current_trace(tags=tags, metadata=metadata)
            with mlflow.start_span(name=child, span_type=span_type) as span:
                span.set_inputs({"question": q})
                span.set_attribute("model", model)
                span.set_outputs({"answer": answer})
            if fail:
                raise ValueError("boom")
            return answer

        try:
            root(question)
        except ValueError:
            pass
        made[name] = mlflow.get_last_active_trace_id()
        time.sleep(0.01)

    with mlflow.start_run() as run:
        make("alpha", "retrieve", "RETRIEVER", "gpt-4", "What is MLflow?", "Paris", {"env": "dev"},
             {"mlflow.trace.session": "s1"})
    make("beta", "llm", "LLM", "claude-3", "Where is Rome?", "Rome", {"env": "prod"}, {}, fail=True)
    make("gamma", "llm", "TOOL", "gpt-4o", "Capital of France", "Rome", {"env": "dev"},
         {"mlflow.trace.session": "s1"})
    mlflow.flush_trace_async_logging()
    prompt = mlflow.genai.register_prompt(name=unique_name("qa"), template="Answer {{q}}")
    MlflowClient().link_prompt_versions_to_trace([prompt], made["gamma"])
    human = AssessmentSource(source_type="HUMAN", source_id="bob")
    mlflow.log_feedback(trace_id=made["beta"], name="quality", value=0.8, source=human)
    mlflow.log_feedback(trace_id=made["gamma"], name="tone", value="friendly", source=human)
    mlflow.log_feedback(trace_id=made["alpha"], name="tone", value="curt", source=human)
    mlflow.log_expectation(trace_id=made["alpha"], name="answer", value="Paris", source=human)
    # A session-level assessment: logged on alpha for session s1, it stands for gamma too.
    mlflow.log_feedback(trace_id=made["alpha"], name="coherent", value="yes", source=human,
                        metadata={"mlflow.trace.session": "s1"})
    return experiment_id, run.info.run_id, f"{prompt.name}/{prompt.version}"


def names(experiment_id, filter_string):
    found = mlflow.search_traces(experiment_ids=[experiment_id], filter_string=filter_string, return_type="list")
    return sorted(t.info.tags["mlflow.traceName"] for t in found)


def check(experiment_id, cases):
    wrong = {f: (names(experiment_id, f), expected) for f, expected in cases}
    wrong = {f: got for f, got in wrong.items() if got[0] != got[1]}
    assert not wrong, f"(found, expected) per filter: {wrong}"


def test_filters_mlflow_reads_beyond_equality(tracking_uri):
    experiment_id, run_id, prompt = make_traces()
    check(experiment_id, [
        # RLIKE on attributes, tags, metadata, spans and assessments (Python regular expressions).
        ("status RLIKE '^E'", ["beta"]),
        ("trace.status RLIKE '(?i)ok'", ["alpha", "gamma"]),
        ("name RLIKE '(?P<g>gam)ma'", ["gamma"]),
        ("name RLIKE '['", []),
        ("request_id RLIKE '^tr-'", ["alpha", "beta", "gamma"]),
        ("tags.env RLIKE '^p'", ["beta"]),
        ("metadata.`mlflow.trace.session` RLIKE '1$'", ["alpha", "gamma"]),
        ("span.name RLIKE '^re'", ["alpha"]),
        ("span.type RLIKE 'LL|TO'", ["beta", "gamma"]),
        ("span.status RLIKE 'ERR'", ["beta"]),
        ("span.attributes.model RLIKE '^gpt'", ["alpha", "gamma"]),
        ("span.attributes.model RLIKE '^gpt-4$'", ["alpha"]),
        ("feedback.tone RLIKE 'ur'", ["alpha"]),
        ("expectation.answer RLIKE 'Par'", ["alpha"]),
        # Search keys stored elsewhere.
        (f"run_id = '{run_id}'", ["alpha"]),
        (f"run_id != '{run_id}'", []),
        ("run_id IS NULL", ["beta", "gamma"]),
        ("name IS NOT NULL", ["alpha", "beta", "gamma"]),
        ("tags.name = 'beta'", ["beta"]),
        (f"prompt = '{prompt}'", ["gamma"]),
        ("trace.text LIKE '%Rome%'", ["beta", "gamma"]),
        # Span conditions hold on one span: CHAIN is only in the root spans.
        ("trace.text LIKE '%CHAIN%' AND span.name = 'llm'", []),
        ("trace.text ILIKE '%rome%' AND span.name = 'llm'", ["beta", "gamma"]),
        ("timestamp_ms > '1'", ["alpha", "beta", "gamma"]),
        # Spans.
        ("span.type IN ('LLM', 'TOOL')", ["beta", "gamma"]),
        ("span.attributes.model = 'gpt-4'", []),
        ("span.attributes.model != 'gpt-4'", ["alpha", "beta", "gamma"]),
        # Assessments, a session-level one standing for every trace of its session.
        ("feedback.coherent = 'yes'", ["alpha", "gamma"]),
        ("feedback.coherent IS NULL", ["beta"]),
        ("feedback.quality <= 0.8", ["beta"]),
        ("metadata.`mlflow.trace.tokenUsage` IS NULL", ["alpha", "beta", "gamma"]),
    ])


@pytest.mark.parametrize(
    "filter_string, message",
    [
        ("text LIKE '%Rome%'", "Invalid clause(s) in filter string: 'text', 'LIKE', ''%Rome%''"),
        ("timestamp = 'x'", "Invalid clause(s) in filter string: 'timestamp', '=', ''x'', 'timestamp'"),
        ("name IN ('alpha')", "Invalid comparator 'IN' not one of"),
        ("run_id IN ('x')", "Invalid comparator 'IN' not one of"),
        ("span.name like 'x'", "span.name comparator 'like' not one of"),
        ("span.attributes. = 'x'", "Span attribute name cannot be empty after 'attributes.'"),
        ("feedback.quality = 0.8", "Expected a quoted string value for feedback (e.g. 'my-value'). Got value 0.8"),
        ("issue.id != 'x'", "issue.id comparator '!=' not one of"),
        ("prompt = 'qa'", "Invalid prompts filter value 'qa'. Expected format: prompt = \"name/version\""),
        ("metadata.`mlflow.trace.cost` LIKE '%'", "Comparator 'LIKE' is not supported for reserved metadata"),
    ],
)
def test_filters_mlflow_refuses(tracking_uri, filter_string, message):
    experiment_id = mlflow.set_experiment(unique_name("refused")).experiment_id
    with pytest.raises(MlflowException, match=re.escape(message)) as refused:
        mlflow.search_traces(experiment_ids=[experiment_id], filter_string=filter_string)
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"
