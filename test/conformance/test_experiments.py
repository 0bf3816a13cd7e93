"""Experiments through the official client: set/create, search, rename, delete and restore."""

import time

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException


def test_set_experiment_creates_it_once_and_makes_it_active(tracking_uri, client):
    exp = mlflow.set_experiment("tuning")
    assert exp.name == "tuning"
    assert exp.lifecycle_stage == "active"
    assert exp.experiment_id != "0"

    again = mlflow.set_experiment("tuning")
    assert again.experiment_id == exp.experiment_id

    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == exp.experiment_id
    assert client.get_experiment_by_name("tuning").experiment_id == exp.experiment_id


@pytest.mark.trackd_only
def test_set_experiment_by_id_and_default_experiment(tracking_uri, client):
    default = client.get_experiment("0")
    assert default.name == "Default"
    assert mlflow.set_experiment(experiment_id="0").name == "Default"
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == "0"


def test_create_experiment_with_tags(client):
    exp_id = client.create_experiment("with-tags", tags={"team": "vision", "priority": "1"})
    exp = client.get_experiment(exp_id)
    assert exp.name == "with-tags"
    assert exp.tags == {"team": "vision", "priority": "1"}
    assert exp.artifact_location.endswith(exp_id)
    assert exp.creation_time and exp.last_update_time


@pytest.mark.trackd_only  # MLflow refuses artifact_location when workspaces are enabled
def test_create_experiment_with_artifact_location(client):
    exp_id = client.create_experiment("elsewhere", artifact_location="s3://bucket/x")
    assert client.get_experiment(exp_id).artifact_location == "s3://bucket/x"


def test_experiment_tags_can_be_set_and_deleted(client):
    exp_id = client.create_experiment("tagged")
    client.set_experiment_tag(exp_id, "k", "v1")
    client.set_experiment_tag(exp_id, "k", "v2")
    client.set_experiment_tag(exp_id, "other", "x")
    assert client.get_experiment(exp_id).tags == {"k": "v2", "other": "x"}
    client.delete_experiment_tag(exp_id, "other")
    assert client.get_experiment(exp_id).tags == {"k": "v2"}


def test_search_experiments_filters_orders_and_pages(client):
    ids = {}
    for name, team in [("exp-b", "red"), ("exp-a", "blue"), ("exp-c", "red"), ("other", "red")]:
        ids[name] = client.create_experiment(name, tags={"team": team})
        time.sleep(0.005)  # distinct creation times, so "newest first" is well defined

    found = client.search_experiments(filter_string="name LIKE 'exp-%'", order_by=["name ASC"])
    assert [e.name for e in found] == ["exp-a", "exp-b", "exp-c"]

    red = client.search_experiments(filter_string="tags.team = 'red'", order_by=["name DESC"])
    assert [e.name for e in red] == ["other", "exp-c", "exp-b"]

    both = client.search_experiments(filter_string="tags.team = 'red' AND name ILIKE 'EXP%'")
    assert sorted(e.name for e in both) == ["exp-b", "exp-c"]

    pages, token = [], None
    while True:
        page = client.search_experiments(
            filter_string="name != 'Default'", order_by=["name"], max_results=2, page_token=token
        )
        pages.append([e.name for e in page])
        token = page.token
        if not token:
            break
    assert pages == [["exp-a", "exp-b"], ["exp-c", "other"]]

    # Default order: newest first.
    newest = client.search_experiments(max_results=3)
    assert [e.name for e in newest] == ["other", "exp-c", "exp-a"]


def test_rename_experiment(client):
    exp_id = client.create_experiment("before")
    client.rename_experiment(exp_id, "after")
    assert client.get_experiment(exp_id).name == "after"
    assert client.get_experiment_by_name("after").experiment_id == exp_id
    assert client.get_experiment_by_name("before") is None


def test_delete_and_restore_experiment(client):
    exp_id = client.create_experiment("short-lived")
    run = client.create_run(exp_id)
    client.delete_experiment(exp_id)

    exp = client.get_experiment(exp_id)
    assert exp.lifecycle_stage == "deleted"
    active = client.search_experiments(view_type=ViewType.ACTIVE_ONLY)
    assert exp_id not in [e.experiment_id for e in active]
    deleted = client.search_experiments(view_type=ViewType.DELETED_ONLY)
    assert [e.experiment_id for e in deleted] == [exp_id]
    everything = client.search_experiments(view_type=ViewType.ALL)
    assert exp_id in [e.experiment_id for e in everything]

    # The name stays taken while the experiment is deleted.
    with pytest.raises(MlflowException) as err:
        client.create_experiment("short-lived")
    assert err.value.error_code == "RESOURCE_ALREADY_EXISTS"

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"
