"""The model registry through the official client: a scikit-learn model registered by log_model and
register_model and loaded back by every URI form, registered models and versions created, renamed,
updated and deleted, searches with filters and paging, aliases, stages and latest versions, error
codes with their HTTP statuses, and each project's registry invisible to the others."""

import mlflow
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import project_name, unique_name
from rest import call
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression


@pytest.fixture(scope="module")
def iris_model():
    x, y = load_iris(return_X_y=True)
    return LogisticRegression(max_iter=300).fit(x, y), x[::10]


def error_of(fn, *args, **kwargs) -> MlflowException:
    with pytest.raises(MlflowException) as err:
        fn(*args, **kwargs)
    return err.value


def new_run_id(client: MlflowClient) -> str:
    experiment_id = client.create_experiment(unique_name("registry"))
    return client.create_run(experiment_id).info.run_id


def test_log_model_registers_a_version_loadable_by_every_uri(tracking_uri, client, iris_model):
    model, sample = iris_model
    mlflow.set_experiment(unique_name("headline"))
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name="m")
    assert info.registered_model_version == "1"

    version = client.get_model_version("m", "1")
    assert version.run_id == run.info.run_id
    assert version.source == f"models:/{info.model_id}"
    assert version.status == "READY"
    assert version.current_stage == "None"
    client.set_registered_model_alias("m", "champion", "1")

    expected = model.predict(sample)
    for uri in [
        f"runs:/{run.info.run_id}/model",
        "models:/m/1",
        "models:/m@champion",
        "models:/m/latest",
        f"models:/{info.model_id}",
    ]:
        loaded = mlflow.pyfunc.load_model(uri)
        np.testing.assert_array_equal(loaded.predict(sample), expected, err_msg=uri)

    # The logged model lists the version registered from it: the server's entry (version as a
    # number) followed by the client's own (as a string), exactly as with MLflow's server.
    assert client.get_logged_model(info.model_id).tags["mlflow.modelVersions"] == (
        '[{"name": "m", "version": 1}, {"name": "m", "version": "1"}]'
    )


def test_register_model_from_run_uri_and_from_model_id(tracking_uri, client, iris_model):
    model, sample = iris_model
    mlflow.set_experiment(unique_name("register"))
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="clf")

    from_run = mlflow.register_model(f"runs:/{run.info.run_id}/clf", "from-run")
    assert from_run.version == "1"
    assert from_run.run_id == run.info.run_id
    assert from_run.source == f"models:/{info.model_id}"

    from_id = mlflow.register_model(f"models:/{info.model_id}", "from-id")
    assert from_id.version == "1"
    assert from_id.run_id == run.info.run_id
    again = mlflow.register_model(f"models:/{info.model_id}", "from-id")
    assert again.version == "2"

    download = client.get_model_version_download_uri("from-id", "1")
    assert download == client.get_logged_model(info.model_id).artifact_location
    for uri in ["models:/from-run/1", "models:/from-id/2"]:
        np.testing.assert_array_equal(
            mlflow.pyfunc.load_model(uri).predict(sample), model.predict(sample)
        )

    copied = client.copy_model_version("models:/from-run/1", "copied")
    assert copied.source == "models:/from-run/1"
    assert client.get_model_version_download_uri("copied", copied.version) == (
        client.get_model_version_download_uri("from-run", "1")
    )


def test_registered_model_create_get_update_rename_delete(client):
    created = client.create_registered_model(
        "lifecycle", tags={"team": "vision"}, description="first"
    )
    assert created.name == "lifecycle"
    assert created.tags == {"team": "vision"}
    assert created.description == "first"
    assert created.creation_timestamp > 0

    updated = client.update_registered_model("lifecycle", description="second")
    assert updated.description == "second"
    assert client.get_registered_model("lifecycle").description == "second"

    client.set_registered_model_tag("lifecycle", "stage", "beta")
    client.delete_registered_model_tag("lifecycle", "team")
    assert client.get_registered_model("lifecycle").tags == {"stage": "beta"}

    run_id = new_run_id(client)
    client.create_model_version("lifecycle", f"runs:/{run_id}/model", run_id)
    client.rename_registered_model("lifecycle", "renamed")
    assert client.get_registered_model("renamed").tags == {"stage": "beta"}
    assert client.get_model_version("renamed", "1").name == "renamed"
    err = error_of(client.get_registered_model, "lifecycle")
    assert err.error_code == "RESOURCE_DOES_NOT_EXIST"

    client.delete_registered_model("renamed")
    assert error_of(client.get_registered_model, "renamed").error_code == "RESOURCE_DOES_NOT_EXIST"
    assert error_of(client.get_model_version, "renamed", "1").error_code == (
        "RESOURCE_DOES_NOT_EXIST"
    )


def test_model_version_create_update_tag_delete(client):
    client.create_registered_model("versions")
    run_id = new_run_id(client)
    first = client.create_model_version(
        "versions", f"runs:/{run_id}/model", run_id, tags={"k": "v"}, description="one"
    )
    assert (first.version, first.tags, first.description) == ("1", {"k": "v"}, "one")
    second = client.create_model_version("versions", f"runs:/{run_id}/model", run_id)
    assert second.version == "2"

    assert client.update_model_version("versions", "1", description="uno").description == "uno"
    client.set_model_version_tag("versions", "1", "extra", "x")
    client.delete_model_version_tag("versions", "1", "k")
    assert client.get_model_version("versions", "1").tags == {"extra": "x"}
    assert client.get_model_version_download_uri("versions", "2") == f"runs:/{run_id}/model"

    client.delete_model_version("versions", "2")
    assert error_of(client.get_model_version, "versions", "2").error_code == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    third = client.create_model_version("versions", f"runs:/{run_id}/model", run_id)
    assert third.version == "3"


def test_search_registered_models_filters_orders_and_pages(client):
    for name, team in [("sr-a", "x"), ("sr-b", "y"), ("sr-c", "x"), ("sr-d", "x"), ("other", "x")]:
        client.create_registered_model(name, tags={"team": team})

    found = client.search_registered_models(filter_string="name LIKE 'sr-%'")
    assert [m.name for m in found] == ["sr-a", "sr-b", "sr-c", "sr-d"]
    found = client.search_registered_models(
        filter_string="tags.team = 'x' AND name != 'other'", order_by=["name DESC"]
    )
    assert [m.name for m in found] == ["sr-d", "sr-c", "sr-a"]
    found = client.search_registered_models(filter_string="name IN ('sr-b', 'other')")
    assert [m.name for m in found] == ["other", "sr-b"]

    names, token, pages = [], None, 0
    while True:
        page = client.search_registered_models(
            filter_string="name LIKE 'sr-%'", max_results=3, page_token=token
        )
        names += [m.name for m in page]
        pages += 1
        token = page.token
        if not token:
            break
    assert (names, pages) == (["sr-a", "sr-b", "sr-c", "sr-d"], 2)

    err = error_of(client.search_registered_models, filter_string="name = 'a' OR name = 'b'")
    assert err.error_code == "INVALID_PARAMETER_VALUE"
    err = error_of(client.search_registered_models, order_by=["creation_timestamp"])
    assert err.error_code == "INVALID_PARAMETER_VALUE"


def test_search_model_versions_filters_orders_and_pages(client):
    client.create_registered_model("sv")
    run_a, run_b = new_run_id(client), new_run_id(client)
    for run_id, tag in [(run_a, "a"), (run_b, "b"), (run_a, "c"), (run_b, "d")]:
        client.create_model_version("sv", f"runs:/{run_id}/model", run_id, tags={"t": tag})

    by_run = client.search_model_versions(f"run_id = '{run_a}'")
    assert sorted(v.version for v in by_run) == ["1", "3"]
    newer = client.search_model_versions(
        "name = 'sv' AND version_number >= 3", order_by=["version_number ASC"]
    )
    assert [v.version for v in newer] == ["3", "4"]
    tagged = client.search_model_versions("tags.t = 'b'")
    assert [v.version for v in tagged] == ["2"]
    listed = client.search_model_versions(f"run_id IN ('{run_a}', '{run_b}')")
    assert len(listed) == 4
    sourced = client.search_model_versions("source_path LIKE 'runs:/%/model' AND name = 'sv'")
    assert len(sourced) == 4

    versions, token = [], None
    while True:
        page = client.search_model_versions(
            "name = 'sv'", max_results=3, order_by=["version_number DESC"], page_token=token
        )
        versions += [v.version for v in page]
        token = page.token
        if not token:
            break
    assert versions == ["4", "3", "2", "1"]

    err = error_of(client.search_model_versions, "source_path IN ('x')")
    assert err.error_code == "INVALID_PARAMETER_VALUE"


def test_aliases_set_get_move_and_delete(client):
    client.create_registered_model("aliased")
    run_id = new_run_id(client)
    for _ in range(2):
        client.create_model_version("aliased", f"runs:/{run_id}/model", run_id)

    client.set_registered_model_alias("aliased", "champion", "1")
    client.set_registered_model_alias("aliased", "challenger", "2")
    assert client.get_model_version_by_alias("aliased", "champion").version == "1"
    assert client.get_registered_model("aliased").aliases == {"champion": "1", "challenger": "2"}
    assert client.get_model_version("aliased", "2").aliases == ["challenger"]

    client.set_registered_model_alias("aliased", "champion", "2")
    assert sorted(client.get_model_version("aliased", "2").aliases) == ["challenger", "champion"]
    client.delete_registered_model_alias("aliased", "challenger")
    assert client.get_registered_model("aliased").aliases == {"champion": "2"}

    client.delete_model_version("aliased", "2")
    assert client.get_registered_model("aliased").aliases == {}
    err = error_of(client.get_model_version_by_alias, "aliased", "champion")
    assert err.error_code == "INVALID_PARAMETER_VALUE"
    for reserved in ["latest", "v1"]:
        err = error_of(client.set_registered_model_alias, "aliased", reserved, "1")
        assert err.error_code == "INVALID_PARAMETER_VALUE"


def test_stage_transitions_and_latest_versions(client):
    client.create_registered_model("staged")
    run_id = new_run_id(client)
    for _ in range(3):
        client.create_model_version("staged", f"runs:/{run_id}/model", run_id)

    assert client.transition_model_version_stage("staged", "1", "Production").current_stage == (
        "Production"
    )
    client.transition_model_version_stage("staged", "2", "staging")
    latest = {v.current_stage: v.version for v in client.get_latest_versions("staged")}
    assert latest == {"Production": "1", "Staging": "2", "None": "3"}

    moved = client.transition_model_version_stage(
        "staged", "3", "Production", archive_existing_versions=True
    )
    assert moved.current_stage == "Production"
    assert client.get_model_version("staged", "1").current_stage == "Archived"
    production = client.get_latest_versions("staged", stages=["Production"])
    assert [v.version for v in production] == ["3"]

    err = error_of(client.transition_model_version_stage, "staged", "1", "Live")
    assert err.error_code == "INVALID_PARAMETER_VALUE"


def test_errors_carry_mlflow_codes_and_statuses(tracking_uri, client):
    client.create_registered_model("errs")
    run_id = new_run_id(client)
    client.create_model_version("errs", f"runs:/{run_id}/model", run_id)

    cases = [
        ("POST", "registered-models/create", {"name": "errs"}, 400, "RESOURCE_ALREADY_EXISTS"),
        ("GET", "registered-models/get", {"name": "nope"}, 404, "RESOURCE_DOES_NOT_EXIST"),
        ("GET", "model-versions/get", {"name": "errs", "version": "9"}, 404,
         "RESOURCE_DOES_NOT_EXIST"),
        ("GET", "model-versions/get", {"name": "errs", "version": "x"}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("POST", "registered-models/alias", {"name": "errs", "alias": "v2", "version": "1"}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("POST", "registered-models/alias", {"name": "errs", "alias": "a b", "version": "1"}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("GET", "registered-models/alias", {"name": "errs", "alias": "none"}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("DELETE", "model-versions/delete", {"name": "errs", "version": "5"}, 404,
         "RESOURCE_DOES_NOT_EXIST"),
        ("POST", "model-versions/create", {"name": "errs", "source": "file:///etc"}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("POST", "model-versions/create",
         {"name": "errs", "source": f"runs:/{run_id}/../../etc", "run_id": run_id}, 400,
         "INVALID_PARAMETER_VALUE"),
        ("POST", "model-versions/create",
         {"name": "errs", "source": f"runs:/{run_id}/model"}, 400, "INVALID_PARAMETER_VALUE"),
        ("POST", "model-versions/create", {"name": "nope", "source": "x"}, 400,
         "INVALID_PARAMETER_VALUE"),
    ]
    for method, path, body, status, code in cases:
        res = call(tracking_uri, method, path, body)
        assert (res.status_code, res.json()["error_code"]) == (status, code), (path, body, res.text)

    assert error_of(client.create_registered_model, "errs").error_code == "RESOURCE_ALREADY_EXISTS"
    err = error_of(client.create_model_version, "errs", "/etc/passwd", run_id)
    assert err.error_code == "INVALID_PARAMETER_VALUE"
    assert [v.version for v in client.search_model_versions("name = 'errs'")] == ["1"]


@pytest.mark.trackd_only
def test_sources_from_another_project_resolve_to_nothing(trackd, client):
    # As MLflow, a runs:/ source is registered without looking the run up; it is resolved in this
    # project only, so another project's run and its files stay out of reach.
    elsewhere = MlflowClient(f"{trackd.url}/projects/{project_name('src')}")
    foreign_run = new_run_id(elsewhere)
    elsewhere.log_text(foreign_run, "secret", "model/MLmodel")
    client.create_registered_model("guarded")
    version = client.create_model_version("guarded", f"runs:/{foreign_run}/model", foreign_run)
    res = requests.get(
        f"{client.tracking_uri}/model-versions/get-artifact",
        params={"name": "guarded", "version": version.version, "path": "MLmodel"},
        timeout=30,
    )
    assert res.status_code == 404
    assert "secret" not in res.text
    assert error_of(client.get_run, foreign_run).error_code == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.trackd_only
def test_each_project_has_its_own_registry(trackd, switch_tracking_uri, iris_model):
    model, sample = iris_model
    uri_a = f"{trackd.url}/projects/{project_name('reg-a')}"
    uri_b = f"{trackd.url}/projects/{project_name('reg-b')}"
    a, b = MlflowClient(uri_a), MlflowClient(uri_b)

    switch_tracking_uri(uri_a)
    mlflow.set_experiment("iso")
    with mlflow.start_run():
        mlflow.sklearn.log_model(model, name="model", registered_model_name="shared")
    a.set_registered_model_alias("shared", "prod", "1")

    assert b.search_registered_models() == []
    assert b.search_model_versions() == []
    for fn, args in [
        (b.get_registered_model, ("shared",)),
        (b.get_model_version, ("shared", "1")),
        (b.get_model_version_by_alias, ("shared", "prod")),
        (b.get_latest_versions, ("shared",)),
        (b.delete_registered_model, ("shared",)),
    ]:
        assert error_of(fn, *args).error_code == "RESOURCE_DOES_NOT_EXIST", fn.__name__

    b.create_registered_model("shared", description="in b")
    assert a.get_registered_model("shared").description == ""
    assert [v.version for v in a.search_model_versions("name = 'shared'")] == ["1"]

    switch_tracking_uri(uri_b)
    with pytest.raises(MlflowException):
        mlflow.pyfunc.load_model("models:/shared/1")
    switch_tracking_uri(uri_a)
    np.testing.assert_array_equal(
        mlflow.pyfunc.load_model("models:/shared@prod").predict(sample), model.predict(sample)
    )
