"""search_runs through the official client: the filter grammar, order_by, paging and the pandas
DataFrame of mlflow.search_runs."""

import math

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag

T0 = 1_700_000_000_000

# name, start offset, params, metrics, tags, final status
RUNS = [
    ("alpha", 1, {"lr": "0.01", "model": "resnet"}, {"loss": 0.3, "acc": 0.9},
     {"stage": "train", "note": "Hello"}, "FINISHED"),
    ("beta", 2, {"lr": "0.1", "model": "vgg"}, {"loss": 0.7},
     {"stage": "eval", "note": "hello there"}, "RUNNING"),
    ("gamma", 3, {"lr": "0.01", "model": "resnet50"}, {"loss": 0.5, "acc": 0.8},
     {"stage": "train"}, "FAILED"),
    ("delta", 4, {}, {"loss": 1.5, "acc": 0.2}, {"stage": "test"}, "KILLED"),
    ("epsilon", 5, {"lr": "1e-3", "model": "vgg"}, {"loss": -1.0}, {"stage": "train"}, "FINISHED"),
]


@pytest.fixture
def populated(client):
    """An experiment holding RUNS (start times T0+1..5 s) and their run ids by name."""
    exp_id = client.create_experiment("search-me")
    ids = {}
    for name, offset, params, metrics, tags, status in RUNS:
        run = client.create_run(exp_id, run_name=name, start_time=T0 + offset * 1000)
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(k, v, T0 + offset * 1000, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        if status != "RUNNING":
            client.set_terminated(run.info.run_id, status, end_time=T0 + offset * 1000 + 500)
        ids[name] = run.info.run_id
    return exp_id, ids


def names(runs):
    return [r.info.run_name for r in runs]


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("", ["epsilon", "delta", "gamma", "beta", "alpha"]),
        ("metrics.loss < 0.6", ["epsilon", "gamma", "alpha"]),
        ("metrics.loss <= 0.5", ["epsilon", "gamma", "alpha"]),
        ("metrics.loss > 0.5", ["delta", "beta"]),
        ("metric.loss >= 0.7", ["delta", "beta"]),
        ("metrics.acc = 0.9", ["alpha"]),
        ("metrics.acc != 0.9", ["delta", "gamma"]),
        ("metrics.`loss` < 0", ["epsilon"]),
        ("params.lr = '0.01'", ["gamma", "alpha"]),
        ('params.lr = "0.01"', ["gamma", "alpha"]),
        ("params.model != 'vgg'", ["gamma", "alpha"]),
        ("params.model LIKE 'res%'", ["gamma", "alpha"]),
        ("param.model ILIKE 'RESNET_0'", ["gamma"]),
        ("tags.stage = 'train'", ["epsilon", "gamma", "alpha"]),
        ("tags.note LIKE '%hello%'", ["beta"]),
        ("tags.note ILIKE '%hello%'", ["beta", "alpha"]),
        ("tags.`mlflow.runName` = 'delta'", ["delta"]),
        ("attributes.status = 'FINISHED'", ["epsilon", "alpha"]),
        ("attribute.status != 'RUNNING'", ["epsilon", "delta", "gamma", "alpha"]),
        ("attributes.run_name = 'beta'", ["beta"]),
        ("run_name LIKE '%a'", ["delta", "gamma", "beta", "alpha"]),
        (f"attributes.start_time > {T0 + 3000}", ["epsilon", "delta"]),
        (f"attributes.end_time <= {T0 + 3500}", ["gamma", "alpha"]),
        ("metrics.loss < 1 and params.lr = '0.01' and tags.stage = 'train'", ["gamma", "alpha"]),
        ("metrics.nope > 0", []),
    ],
)
def test_search_runs_filters(client, populated, filter_string, expected):
    exp_id, _ = populated
    assert names(client.search_runs([exp_id], filter_string=filter_string)) == expected


def test_search_runs_by_run_id_in_and_not_in(client, populated):
    exp_id, ids = populated
    flt = f"attributes.run_id IN ('{ids['alpha']}', '{ids['delta']}')"
    assert names(client.search_runs([exp_id], filter_string=flt)) == ["delta", "alpha"]
    flt = f"attributes.run_id NOT IN ('{ids['alpha']}', '{ids['delta']}')"
    assert names(client.search_runs([exp_id], filter_string=flt)) == ["epsilon", "gamma", "beta"]


@pytest.mark.parametrize(
    "order_by, expected",
    [
        (["metrics.loss ASC"], ["epsilon", "alpha", "gamma", "beta", "delta"]),
        (["metrics.loss DESC"], ["delta", "beta", "gamma", "alpha", "epsilon"]),
        (["metrics.acc"], ["delta", "gamma", "alpha", "epsilon", "beta"]),  # missing values last
        (
            ["params.lr ASC", "attributes.run_name DESC"],
            ["gamma", "alpha", "beta", "epsilon", "delta"],
        ),
        (["tags.stage DESC", "run_name"], ["alpha", "epsilon", "gamma", "delta", "beta"]),
        (["attributes.start_time ASC"], ["alpha", "beta", "gamma", "delta", "epsilon"]),
        (["attributes.run_name"], ["alpha", "beta", "delta", "epsilon", "gamma"]),
        (["attributes.status", "start_time DESC"], ["gamma", "epsilon", "alpha", "delta", "beta"]),
    ],
)
def test_search_runs_order_by(client, populated, order_by, expected):
    exp_id, _ = populated
    assert names(client.search_runs([exp_id], order_by=order_by)) == expected


@pytest.mark.parametrize("order_by", [None, ["metrics.loss DESC"], ["params.model ASC"]])
def test_search_runs_pages_through_every_run_once(client, populated, order_by):
    exp_id, _ = populated
    everything = names(client.search_runs([exp_id], order_by=order_by))
    seen, token, pages = [], None, 0
    while True:
        page = client.search_runs([exp_id], order_by=order_by, max_results=2, page_token=token)
        assert len(page) <= 2
        seen += names(page)
        pages += 1
        token = page.token
        if not token:
            break
    assert seen == everything
    assert pages == 3


def test_search_runs_across_experiments(client, populated):
    exp_id, _ = populated
    other = client.create_experiment("search-other")
    client.create_run(other, run_name="zeta", start_time=T0 + 9000)
    found = client.search_runs([exp_id, other], filter_string="attributes.start_time > 1")
    assert names(found) == ["zeta", "epsilon", "delta", "gamma", "beta", "alpha"]


def test_mlflow_search_runs_returns_a_dataframe(tracking_uri, client, populated):
    exp_id, ids = populated
    df = mlflow.search_runs(
        experiment_ids=[exp_id], filter_string="tags.stage = 'train'", order_by=["metrics.loss"]
    )
    assert isinstance(df, pd.DataFrame)
    assert list(df["run_id"]) == [ids["epsilon"], ids["alpha"], ids["gamma"]]
    for column in [
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
        "metrics.loss",
        "metrics.acc",
        "params.lr",
        "params.model",
        "tags.stage",
        "tags.mlflow.runName",
    ]:
        assert column in df.columns, column
    assert set(df["experiment_id"]) == {exp_id}
    assert list(df["status"]) == ["FINISHED", "FINISHED", "FAILED"]
    assert list(df["metrics.loss"]) == [-1.0, 0.3, 0.5]
    assert math.isnan(df["metrics.acc"][0]) and list(df["metrics.acc"][1:]) == [0.9, 0.8]
    assert list(df["params.lr"]) == ["1e-3", "0.01", "0.01"]
    assert list(df["tags.mlflow.runName"]) == ["epsilon", "alpha", "gamma"]
    assert df["start_time"][1] == pd.Timestamp(T0 + 1000, unit="ms", tz="UTC")


def test_mlflow_search_runs_by_experiment_name_and_as_list(tracking_uri, populated):
    runs = mlflow.search_runs(
        experiment_names=["search-me"], max_results=2, output_format="list", order_by=["run_name"]
    )
    assert names(runs) == ["alpha", "beta"]
    df = mlflow.search_runs(search_all_experiments=True, filter_string="run_name = 'beta'")
    assert list(df["tags.mlflow.runName"]) == ["beta"]
