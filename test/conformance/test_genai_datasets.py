"""Evaluation datasets through the official client (mlflow.genai.datasets): create with tags and
experiments, merge_records twice (a merge and an insert), to_df, search, tags, experiment links,
delete, and a second project that never sees the dataset."""

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.genai.datasets import (
    create_dataset,
    delete_dataset,
    delete_dataset_tag,
    get_dataset,
    search_datasets,
    set_dataset_tags,
)
from mlflow.tracking import MlflowClient
from names import project_name, unique_name


def _by_question(df):
    return {row["inputs"]["question"]: row for _, row in df.iterrows()}


def test_create_merge_records_and_read_back_as_dataframe(tracking_uri):
    exp_id = mlflow.create_experiment(unique_name("ds-exp"))
    name = unique_name("qa")
    ds = create_dataset(name=name, experiment_id=[exp_id], tags={"team": "a", "stage": "dev"})
    assert ds.dataset_id.startswith("d-")
    assert ds.name == name
    assert ds.tags["team"] == "a" and ds.tags["stage"] == "dev"
    assert ds.experiment_ids == [exp_id]

    ds.merge_records(
        [
            {
                "inputs": {"question": "What is MLflow?", "n": 1.0},
                "expectations": {"answer": "An ML platform"},
            }
        ]
    )
    # Second call: the same inputs merge expectations; new inputs are inserted.
    ds.merge_records(
        [
            {"inputs": {"n": 1.0, "question": "What is MLflow?"}, "expectations": {"score": 5}},
            {"inputs": {"question": "What is a trace?"}, "expectations": {"answer": "Spans"}},
        ]
    )

    fetched = get_dataset(dataset_id=ds.dataset_id)
    df = fetched.to_df()
    assert len(df) == 2
    rows = _by_question(df)
    assert rows["What is MLflow?"]["inputs"] == {"question": "What is MLflow?", "n": 1.0}
    assert isinstance(rows["What is MLflow?"]["inputs"]["n"], float)
    assert rows["What is MLflow?"]["expectations"] == {"answer": "An ML platform", "score": 5}
    assert rows["What is a trace?"]["expectations"] == {"answer": "Spans"}
    assert all(r.startswith("dr-") for r in df["dataset_record_id"])
    assert list(df.sort_values("created_time")["inputs"].map(lambda i: i["question"])) == [
        "What is MLflow?",
        "What is a trace?",
    ]
    assert fetched.profile and '"num_records": 2' in fetched.profile
    assert fetched.schema and '"question": "string"' in fetched.schema
    assert fetched.experiment_ids == [exp_id]

    # By name too (the client searches with a double-quoted name).
    assert get_dataset(name=name).dataset_id == ds.dataset_id


def test_merge_records_counts_from_the_rest_api(tracking_uri):
    ds = create_dataset(name=unique_name("counts"), experiment_id="0")
    store = mlflow.tracking._tracking_service.utils._get_store()
    first = store.upsert_dataset_records(
        ds.dataset_id, [{"inputs": {"q": 1}, "expectations": {"a": 1}}]
    )
    assert first == {"inserted": 1, "updated": 0}
    second = store.upsert_dataset_records(
        ds.dataset_id,
        [{"inputs": {"q": 1}, "expectations": {"b": 2}}, {"inputs": {"q": 2}}],
    )
    assert second == {"inserted": 1, "updated": 1}
    df = get_dataset(dataset_id=ds.dataset_id).to_df()
    by_q = {row["inputs"]["q"]: row for _, row in df.iterrows()}
    assert by_q[1]["expectations"] == {"a": 1, "b": 2}
    assert by_q[2]["expectations"] is None


def test_search_tags_and_delete(tracking_uri):
    exp_id = mlflow.create_experiment(unique_name("ds-search"))
    names = [unique_name(p) for p in ("alpha", "beta")]
    a = create_dataset(name=names[0], experiment_id=exp_id, tags={"kind": "x"})
    b = create_dataset(name=names[1], experiment_id=exp_id, tags={"kind": "y"})

    found = search_datasets(experiment_ids=[exp_id], order_by=["name ASC"])
    assert [d.name for d in found] == names
    found = search_datasets(experiment_ids=exp_id, filter_string="tags.kind = 'y'")
    assert [d.dataset_id for d in found] == [b.dataset_id]
    found = search_datasets(filter_string=f"name = '{names[0]}'")
    assert [d.dataset_id for d in found] == [a.dataset_id]

    set_dataset_tags(dataset_id=a.dataset_id, tags={"kind": "z", "owner": "me"})
    tags = get_dataset(dataset_id=a.dataset_id).tags
    assert tags["kind"] == "z" and tags["owner"] == "me"
    delete_dataset_tag(dataset_id=a.dataset_id, key="owner")
    assert "owner" not in get_dataset(dataset_id=a.dataset_id).tags
    # Deleting a tag that is gone is not an error (as in MLflow).
    delete_dataset_tag(dataset_id=a.dataset_id, key="owner")

    delete_dataset(dataset_id=a.dataset_id)
    with pytest.raises(MlflowException) as err:
        get_dataset(dataset_id=a.dataset_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert [d.dataset_id for d in search_datasets(experiment_ids=[exp_id])] == [b.dataset_id]


def test_experiment_links_through_the_client(tracking_uri):
    exp_a = mlflow.create_experiment(unique_name("ds-link-a"))
    exp_b = mlflow.create_experiment(unique_name("ds-link-b"))
    ds = create_dataset(name=unique_name("links"), experiment_id=[exp_a])
    client = MlflowClient()
    client.add_dataset_to_experiments(ds.dataset_id, [exp_b])
    assert sorted(get_dataset(dataset_id=ds.dataset_id).experiment_ids) == sorted([exp_a, exp_b])
    client.remove_dataset_from_experiments(ds.dataset_id, [exp_a])
    assert get_dataset(dataset_id=ds.dataset_id).experiment_ids == [exp_b]


@pytest.mark.trackd_only
def test_a_second_project_never_sees_the_dataset(trackd, tracking_uri, switch_tracking_uri):
    name = unique_name("private")
    ds = create_dataset(name=name, experiment_id="0", tags={"team": "a"})
    ds.merge_records([{"inputs": {"question": "hidden?"}, "expectations": {"answer": "yes"}}])

    switch_tracking_uri(f"{trackd.url}/projects/{project_name('other')}")
    with pytest.raises(MlflowException) as err:
        get_dataset(dataset_id=ds.dataset_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert list(search_datasets()) == []
    assert list(search_datasets(filter_string=f"name = '{name}'")) == []

    switch_tracking_uri(tracking_uri)
    assert len(get_dataset(dataset_id=ds.dataset_id).to_df()) == 1
