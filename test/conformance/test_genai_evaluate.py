"""mlflow.genai.evaluate end to end with two code scorers (no LLM needed): the evaluation's run, one
trace a row with its predict_fn span, the scorers' feedback and the data's expectations on each
trace, the traces linked to the run, and the scorers' mean metrics, all read back through
search_traces and the run, as a user of MLflow checks them."""

import mlflow
from mlflow.genai.scorers import scorer
from names import unique_name

ANSWERS = {"2+2": "4", "capital of France": "Lyon"}
DATA = [
    {"inputs": {"question": "2+2"}, "expectations": {"expected_response": "4"}},
    {"inputs": {"question": "capital of France"}, "expectations": {"expected_response": "Paris"}},
]


@scorer
def exact_match(outputs, expectations) -> bool:
    return outputs == expectations["expected_response"]


@scorer
def answer_length(outputs) -> int:
    return len(outputs)


def predict(question: str) -> str:
    return ANSWERS[question]


def _assessments(trace) -> dict:
    return {a.name: a for a in trace.info.assessments}


def test_evaluate_with_code_scorers_stores_run_traces_and_assessments(tracking_uri):
    exp_id = mlflow.create_experiment(unique_name("genai-eval"))
    mlflow.set_experiment(experiment_id=exp_id)

    result = mlflow.genai.evaluate(data=DATA, predict_fn=predict, scorers=[exact_match, answer_length])

    run = mlflow.get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["mlflow.runType"] == "genai_evaluate"
    # "4" is right, "Lyon" is not; lengths 1 and 4.
    assert run.data.metrics["exact_match/mean"] == 0.5
    assert run.data.metrics["answer_length/mean"] == 2.5

    traces = mlflow.search_traces(locations=[exp_id], run_id=result.run_id, return_type="list")
    assert len(traces) == 2
    by_question = {}
    for trace in traces:
        root = next(s for s in trace.data.spans if s.parent_id is None)
        assert root.name == "predict"
        by_question[root.inputs["question"]] = (trace, root)
    assert set(by_question) == set(ANSWERS)

    for question, (trace, root) in by_question.items():
        assert root.outputs == ANSWERS[question]
        found = _assessments(trace)
        assert found["exact_match"].value is (question == "2+2")
        assert found["answer_length"].value == len(ANSWERS[question])
        assert found["exact_match"].source.source_type == "CODE"
        assert found["exact_match"].run_id == result.run_id
        expected = next(d for d in DATA if d["inputs"]["question"] == question)
        assert found["expected_response"].value == expected["expectations"]["expected_response"]

    # The feedback is searchable: only the right answer passed.
    passed = mlflow.search_traces(
        locations=[exp_id], filter_string="feedback.exact_match = 'true'", return_type="list"
    )
    assert [t.info.trace_id for t in passed] == [by_question["2+2"][0].info.trace_id]
