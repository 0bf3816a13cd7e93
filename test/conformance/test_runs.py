"""Runs through the official client: lifecycle, nesting, params, metrics, tags, batches and
datasets."""

import math
import sys
import time

import mlflow
import pandas as pd
import pytest
import requests
from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType
from mlflow.exceptions import MlflowException
from rest import workspace_headers


def test_start_run_records_name_user_and_start_time(tracking_uri, client):
    mlflow.set_experiment("lifecycle")
    before = int(time.time() * 1000)
    with mlflow.start_run(run_name="first") as run:
        active = mlflow.active_run()
        assert active.info.run_id == run.info.run_id
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "first"
    assert fetched.data.tags["mlflow.runName"] == "first"
    assert fetched.info.status == "FINISHED"
    assert before - 1000 <= fetched.info.start_time <= fetched.info.end_time
    assert fetched.info.lifecycle_stage == "active"
    assert fetched.info.artifact_uri.endswith(f"{run.info.run_id}/artifacts")
    # Tags the client sets on its own.
    assert "mlflow.user" in fetched.data.tags
    assert "mlflow.source.name" in fetched.data.tags


def test_unnamed_run_gets_a_generated_name(tracking_uri, client):
    with mlflow.start_run() as run:
        pass
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name
    assert fetched.data.tags["mlflow.runName"] == fetched.info.run_name


def test_nested_runs_record_their_parent(tracking_uri, client):
    exp = mlflow.set_experiment("nesting")
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child-1", nested=True) as child1:
            assert mlflow.active_run().info.run_id == child1.info.run_id
        with mlflow.start_run(run_name="child-2", nested=True) as child2:
            with mlflow.start_run(run_name="grandchild", nested=True) as grandchild:
                pass
        assert mlflow.active_run().info.run_id == parent.info.run_id

    parent_id = parent.info.run_id
    assert client.get_run(child1.info.run_id).data.tags["mlflow.parentRunId"] == parent_id
    assert client.get_run(child2.info.run_id).data.tags["mlflow.parentRunId"] == parent_id
    assert (
        client.get_run(grandchild.info.run_id).data.tags["mlflow.parentRunId"]
        == child2.info.run_id
    )
    assert "mlflow.parentRunId" not in client.get_run(parent_id).data.tags

    children = client.search_runs(
        [exp.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent_id}'",
        order_by=["attributes.run_name ASC"],
    )
    assert [r.info.run_name for r in children] == ["child-1", "child-2"]


def test_params_are_logged_singly_and_in_bulk(tracking_uri, client):
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"layers": 3, "optimizer": "adam", "dropout": None})
        mlflow.log_param("lr", 0.01)  # the same value again is fine
    params = client.get_run(run.info.run_id).data.params
    assert params == {"lr": "0.01", "layers": "3", "optimizer": "adam", "dropout": "None"}


def test_metrics_keep_steps_timestamps_and_history(tracking_uri, client):
    with mlflow.start_run() as run:
        for step, value in enumerate([1.0, 0.5, 0.25]):
            mlflow.log_metric("loss", value, step=step, timestamp=1_700_000_000_000 + step)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=7)
        mlflow.log_metric("acc", 0.95, step=8)
        mlflow.log_metric("nan", float("nan"))
        mlflow.log_metric("inf", float("inf"))

    data = client.get_run(run.info.run_id).data
    assert data.metrics["loss"] == 0.25  # the value at the highest step
    assert data.metrics["acc"] == 0.95
    assert data.metrics["f1"] == 0.8
    assert data.metrics["nan"] != data.metrics["nan"]  # NaN round-trips
    assert data.metrics["inf"] > 1e308

    history = client.get_metric_history(run.info.run_id, "loss")
    assert [(m.step, m.value, m.timestamp) for m in history] == [
        (0, 1.0, 1_700_000_000_000),
        (1, 0.5, 1_700_000_000_001),
        (2, 0.25, 1_700_000_000_002),
    ]
    acc = client.get_metric_history(run.info.run_id, "acc")
    assert sorted((m.step, m.value) for m in acc) == [(7, 0.9), (8, 0.95)]
    assert client.get_metric_history(run.info.run_id, "never-logged") == []


def test_history_longer_than_a_page_comes_whole_and_in_mlflow_order(tracking_uri, client):
    # 25,000 points: the server reads and encodes them in pages of 10,000 (on a worker thread in
    # the built server). Timestamps fall as steps rise within each block of 7, so the answer's
    # order (timestamp, step, value) differs from the order the points were logged in.
    points = [
        Metric("long", (i % 11) / 3, 1_700_000_000_000 + (i // 7) * 7 + (6 - i % 7), i)
        for i in range(25_000)
    ]
    with mlflow.start_run() as run:
        for start in range(0, len(points), 1000):
            client.log_batch(run.info.run_id, metrics=points[start : start + 1000])
    history = client.get_metric_history(run.info.run_id, "long")
    expected = sorted(points, key=lambda m: (m.timestamp, m.step, m.value))
    assert [(m.timestamp, m.step, m.value) for m in history] == [
        (m.timestamp, m.step, m.value) for m in expected
    ]


def test_latest_metric_is_chosen_by_step_then_timestamp(tracking_uri, client):
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 5.0, step=10, timestamp=1_700_000_000_000)
        mlflow.log_metric("m", 1.0, step=2, timestamp=1_700_000_009_999)  # older step, newer time
        mlflow.log_metric("m", 7.0, step=10, timestamp=1_700_000_000_500)  # same step, newer time
    assert client.get_run(run.info.run_id).data.metrics["m"] == 7.0
    assert len(client.get_metric_history(run.info.run_id, "m")) == 3


def test_tags_are_set_overwritten_and_deleted(tracking_uri, client):
    with mlflow.start_run() as run:
        mlflow.set_tag("stage", "train")
        mlflow.set_tags({"stage": "eval", "owner": "alice", "empty": ""})
    run_id = run.info.run_id
    client.set_tag(run_id, "late", "yes")
    tags = client.get_run(run_id).data.tags
    assert tags["stage"] == "eval"
    assert tags["owner"] == "alice"
    assert tags["empty"] == ""
    assert tags["late"] == "yes"
    client.delete_tag(run_id, "owner")
    assert "owner" not in client.get_run(run_id).data.tags


def test_setting_the_run_name_tag_renames_the_run(tracking_uri, client):
    with mlflow.start_run(run_name="old") as run:
        mlflow.set_tag("mlflow.runName", "new")
    assert client.get_run(run.info.run_id).info.run_name == "new"
    client.update_run(run.info.run_id, name="newer")
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "newer"
    assert fetched.data.tags["mlflow.runName"] == "newer"


@pytest.mark.parametrize("status", ["FINISHED", "FAILED", "KILLED"])
def test_end_run_records_the_status(tracking_uri, client, status):
    run = mlflow.start_run()
    mlflow.end_run(status=status)
    info = client.get_run(run.info.run_id).info
    assert info.status == status
    assert info.end_time is not None and info.end_time >= info.start_time


def test_a_run_left_by_an_exception_is_failed(tracking_uri, client):
    with pytest.raises(RuntimeError):
        with mlflow.start_run() as run:
            raise RuntimeError("boom")
    assert client.get_run(run.info.run_id).info.status == "FAILED"


def test_client_run_lifecycle_and_terminate(client):
    exp_id = client.create_experiment("client-lifecycle")
    run = client.create_run(exp_id, run_name="by-client", tags={"k": "v"}, start_time=1234)
    assert run.info.status == "RUNNING"
    assert run.info.start_time == 1234
    assert run.data.tags["k"] == "v"
    killed = RunStatus.to_string(RunStatus.KILLED)
    client.set_terminated(run.info.run_id, status=killed, end_time=5678)
    info = client.get_run(run.info.run_id).info
    assert (info.status, info.end_time) == ("KILLED", 5678)


def test_log_batch_writes_metrics_params_and_tags_at_once(client):
    exp_id = client.create_experiment("batch")
    run_id = client.create_run(exp_id).info.run_id
    client.log_batch(
        run_id,
        metrics=[
            Metric("loss", 1.0, 1_700_000_000_000, 0),
            Metric("loss", 0.5, 1_700_000_000_001, 1),
            Metric("acc", 0.7, 1_700_000_000_001, 1),
        ],
        params=[Param("batch_size", "32"), Param("epochs", "10")],
        tags=[RunTag("phase", "one"), RunTag("mlflow.note.content", "notes")],
    )
    data = client.get_run(run_id).data
    assert data.metrics == {"loss": 0.5, "acc": 0.7}
    assert data.params == {"batch_size": "32", "epochs": "10"}
    assert data.tags["phase"] == "one"
    assert data.tags["mlflow.note.content"] == "notes"
    assert [m.value for m in client.get_metric_history(run_id, "loss")] == [1.0, 0.5]


def test_log_batch_with_many_metrics_is_split_by_the_client(client):
    exp_id = client.create_experiment("big-batch")
    run_id = client.create_run(exp_id).info.run_id
    metrics = [Metric("m", float(i), 1_700_000_000_000 + i, i) for i in range(2500)]
    client.log_batch(run_id, metrics=metrics)
    history = client.get_metric_history(run_id, "m")
    assert len(history) == 2500
    assert client.get_run(run_id).data.metrics["m"] == 2499.0


def point_of(metric: Metric) -> tuple:
    """A history point as a comparable tuple: NaN equals NaN, and the largest double stands for
    infinity (MLflow's SQL store clamps +/-inf to it; trackd keeps them, see the allowlist)."""
    value = metric.value
    if math.isnan(value):
        value = "nan"
    elif abs(value) == sys.float_info.max:
        value = math.copysign(math.inf, value)
    return (metric.timestamp, metric.step, value)


def test_full_log_batch_keeps_every_value_and_model_link_exactly(client):
    # 1000 metrics in one request: trackd decodes a body this size on a worker thread.
    exp_id = client.create_experiment("full-batch")
    run_id = client.create_run(exp_id).info.run_id
    model = client.create_logged_model(exp_id, name="linked")
    specials = [math.nan, math.inf, -math.inf, 1e-300, 2.0**60, 0.1 + 0.2, -7.5]
    # Timestamps up to 2**53 - 1 travel as int64 strings; steps go negative.
    sent = [Metric("spread", specials[i % 7], 2**53 - 1 - i, -i) for i in range(999)]
    link = dict(model_id=model.model_id, dataset_name="eval", dataset_digest="d1")
    sent.append(Metric("linked", 0.5, 1_700_000_000_000, 7, **link))
    client.log_batch(run_id, metrics=sent)

    history = client.get_metric_history(run_id, "spread")
    assert sorted(map(point_of, history)) == sorted(map(point_of, sent[:999]))
    latest = client.get_run(run_id).data.metrics
    # The newest by step is step 0: the first metric sent, NaN.
    assert math.isnan(latest["spread"]) and latest["linked"] == 0.5
    [on_model] = client.get_logged_model(model.model_id).metrics
    assert (on_model.key, on_model.value, on_model.step, on_model.run_id) == ("linked", 0.5, 7, run_id)
    assert (on_model.dataset_name, on_model.dataset_digest) == ("eval", "d1")


def test_full_log_batch_with_one_bad_metric_is_refused_whole(tracking_uri, client):
    exp_id = client.create_experiment("bad-full-batch")
    run_id = client.create_run(exp_id).info.run_id
    metrics = [Metric(f"m{i % 50}", float(i), 1_700_000_000_000, i) for i in range(999)]
    metrics.append(Metric("bad!key", 1.0, 1_700_000_000_000, 0))
    with pytest.raises(MlflowException) as err:
        client.log_batch(run_id, metrics=metrics)
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "metrics[999].name" in err.value.message
    assert client.get_run(run_id).data.metrics == {}


@pytest.mark.trackd_only  # MLflow's server answers a malformed body with a 500
def test_large_malformed_log_batch_is_a_400(tracking_uri):
    garbage = "{" + "x" * 40_000
    resp = requests.post(
        f"{tracking_uri}/api/2.0/mlflow/runs/log-batch",
        data=garbage,
        headers={"Content-Type": "application/json", **workspace_headers()},
        timeout=30,
    )
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_log_input_dataset_and_search_by_dataset(tracking_uri, client):
    exp = mlflow.set_experiment("datasets")
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0.0, 1.0, 0.0]})
    dataset = mlflow.data.from_pandas(df, name="toy", targets="y")
    with mlflow.start_run() as with_data:
        mlflow.log_input(dataset, context="training")
    with mlflow.start_run() as without_data:
        pass

    inputs = client.get_run(with_data.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    logged = inputs[0]
    sent = dataset._to_mlflow_entity()
    assert logged.dataset.name == "toy"
    assert logged.dataset.digest == dataset.digest
    assert (logged.dataset.source_type, logged.dataset.source) == (sent.source_type, sent.source)
    assert (logged.dataset.schema, logged.dataset.profile) == (sent.schema, sent.profile)
    assert "mlflow_colspec" in logged.dataset.schema
    assert {t.key: t.value for t in logged.tags} == {"mlflow.data.context": "training"}
    assert client.get_run(without_data.info.run_id).inputs.dataset_inputs == []

    for flt in [
        "datasets.name = 'toy'",
        f"datasets.digest = '{dataset.digest}'",
        "datasets.context = 'training'",
        "datasets.name LIKE 't%'",
    ]:
        found = client.search_runs([exp.experiment_id], filter_string=flt)
        assert [r.info.run_id for r in found] == [with_data.info.run_id], flt
    assert client.search_runs([exp.experiment_id], filter_string="datasets.name = 'nope'") == []


def test_delete_and_restore_run(client):
    exp_id = client.create_experiment("deletions")
    keep = client.create_run(exp_id, run_name="keep").info.run_id
    gone = client.create_run(exp_id, run_name="gone").info.run_id
    client.delete_run(gone)

    assert client.get_run(gone).info.lifecycle_stage == "deleted"
    assert [r.info.run_id for r in client.search_runs([exp_id])] == [keep]
    deleted = client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted] == [gone]
    assert len(client.search_runs([exp_id], run_view_type=ViewType.ALL)) == 2

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert len(client.search_runs([exp_id])) == 2
