"""MLflow 3 logged models with the official client: a scikit-learn model logged in a run and loaded
back by `runs:/` and `models:/` URIs, model metrics, tags and params, initialize/finalize, search
(filters, order_by, paging, list and DataFrame output), run outputs, and project isolation."""

import re

import mlflow
import numpy as np
import pytest
from mlflow.entities import LoggedModelStatus
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import project_name, unique_name
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

MODEL_ID = re.compile(r"^m-[0-9a-f]{32}$")


def user_tags(tags: dict[str, str]) -> dict[str, str]:
    """Tags minus the `mlflow.*` context tags (source, user) the client adds on creation."""
    return {k: v for k, v in tags.items() if not k.startswith("mlflow.")}


@pytest.fixture(scope="module")
def iris_model():
    x, y = load_iris(return_X_y=True)
    return LogisticRegression(max_iter=300).fit(x, y), x[::10]


def test_sklearn_model_logged_in_a_run_loads_back_by_run_and_model_uri(tracking_uri, iris_model):
    model, sample = iris_model
    mlflow.set_experiment(unique_name("sk"))
    with mlflow.start_run() as run:
        mlflow.log_metric("train_acc", 0.97)
        info = mlflow.sklearn.log_model(model, name="model")
    run_id = run.info.run_id

    assert MODEL_ID.match(info.model_id)
    expected = model.predict(sample)
    by_run = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    by_id = mlflow.pyfunc.load_model(f"models:/{info.model_id}")
    np.testing.assert_array_equal(by_run.predict(sample), expected)
    np.testing.assert_array_equal(by_id.predict(sample), expected)
    # The flavour's own loader reads the same artifacts.
    np.testing.assert_array_equal(
        mlflow.sklearn.load_model(f"models:/{info.model_id}").predict(sample), expected
    )

    logged = mlflow.get_logged_model(info.model_id)
    assert logged.name == "model"
    assert logged.status == LoggedModelStatus.READY
    assert logged.source_run_id == run_id
    assert logged.experiment_id == run.info.experiment_id
    assert logged.artifact_location.endswith(f"/models/{info.model_id}/artifacts")
    # log_model copies the run's metrics of the current step onto the model.
    assert [(m.key, m.value, m.run_id) for m in logged.metrics] == [("train_acc", 0.97, run_id)]

    outputs = mlflow.get_run(run_id).outputs.model_outputs
    assert [(o.model_id, o.step) for o in outputs] == [(info.model_id, 0)]
    names = {f.path for f in MlflowClient().list_logged_model_artifacts(info.model_id)}
    assert "MLmodel" in names, names
    assert any(n.startswith("model.") for n in names), names


def test_metric_logged_with_model_id_shows_on_the_model_and_as_run_input(tracking_uri):
    mlflow.set_experiment(unique_name("metrics"))
    model = mlflow.initialize_logged_model(name="candidate", params={"lr": "0.1"})
    with mlflow.start_run() as run:
        mlflow.log_metric("val_loss", 0.25, step=3, model_id=model.model_id)
        mlflow.log_metrics({"f1": 0.8}, model_id=model.model_id)

    metrics = {m.key: m for m in mlflow.get_logged_model(model.model_id).metrics}
    assert set(metrics) == {"val_loss", "f1"}
    assert (metrics["val_loss"].value, metrics["val_loss"].step) == (0.25, 3)
    assert metrics["val_loss"].run_id == run.info.run_id
    assert metrics["val_loss"].model_id == model.model_id
    fetched = mlflow.get_run(run.info.run_id)
    assert fetched.data.metrics == {"val_loss": 0.25, "f1": 0.8}
    assert [i.model_id for i in fetched.inputs.model_inputs] == [model.model_id]


def test_initialize_then_finalize_moves_a_model_from_pending_to_ready(tracking_uri):
    mlflow.set_experiment(unique_name("lifecycle"))
    model = mlflow.initialize_logged_model(
        name="agent", model_type="agent", tags={"team": "a"}, params={"k": "v"}
    )
    assert model.status == LoggedModelStatus.PENDING
    assert (model.model_type, user_tags(model.tags), model.params) == (
        "agent",
        {"team": "a"},
        {"k": "v"},
    )

    ready = mlflow.finalize_logged_model(model.model_id, "READY")
    assert ready.status == LoggedModelStatus.READY
    assert ready.last_updated_timestamp >= model.last_updated_timestamp
    failed = mlflow.finalize_logged_model(model.model_id, LoggedModelStatus.FAILED)
    assert mlflow.get_logged_model(model.model_id).status == failed.status == LoggedModelStatus.FAILED


def test_tags_set_and_delete_and_params_log_on_a_logged_model(tracking_uri):
    mlflow.set_experiment(unique_name("tags"))
    model_id = mlflow.initialize_logged_model(name="tagged").model_id
    mlflow.set_logged_model_tags(model_id, {"stage": "dev", "owner": "me"})
    mlflow.set_logged_model_tags(model_id, {"stage": "prod"})
    mlflow.log_model_params({"alpha": "0.5"}, model_id=model_id)
    model = mlflow.get_logged_model(model_id)
    assert user_tags(model.tags) == {"stage": "prod", "owner": "me"}
    assert model.params == {"alpha": "0.5"}

    mlflow.delete_logged_model_tag(model_id, "owner")
    assert user_tags(mlflow.get_logged_model(model_id).tags) == {"stage": "prod"}
    with pytest.raises(MlflowException) as err:
        mlflow.delete_logged_model_tag(model_id, "owner")
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def make_models(count: int) -> list[str]:
    """Models m0..m{count-1} with params lr, tags parity and metric acc = i/10, in creation order."""
    ids = []
    with mlflow.start_run():
        for i in range(count):
            model = mlflow.initialize_logged_model(
                name=f"m{i}",
                params={"lr": str(i % 2)},
                tags={"parity": "even" if i % 2 == 0 else "odd"},
            )
            mlflow.log_metric("acc", i / 10, model_id=model.model_id)
            if i % 2 == 0:
                mlflow.finalize_logged_model(model.model_id, "READY")
            ids.append(model.model_id)
    return ids


def test_search_logged_models_filters_orders_and_pages(tracking_uri):
    exp_id = mlflow.set_experiment(unique_name("search")).experiment_id
    ids = make_models(5)

    def names(**kwargs):
        return [m.name for m in mlflow.search_logged_models(output_format="list", **kwargs)]

    # Newest first by default.
    assert names() == ["m4", "m3", "m2", "m1", "m0"]
    assert names(filter_string="params.lr = '1'") == ["m3", "m1"]
    assert names(filter_string="tags.parity = 'even' AND metrics.acc >= 0.2") == ["m4", "m2"]
    assert names(filter_string="name IN ('m0', 'm3')") == ["m3", "m0"]
    # MLflow compares status with its stored number (LOGGED_MODEL_READY = 2).
    assert names(filter_string="name LIKE 'm%' AND status = 2") == ["m4", "m2", "m0"]
    assert names(filter_string=f"model_id = '{ids[1]}'") == ["m1"]
    assert names(filter_string="creation_time > 0 AND attributes.name != 'm4'") == [
        "m3",
        "m2",
        "m1",
        "m0",
    ]
    assert names(order_by=[{"field_name": "metrics.acc", "ascending": True}]) == [
        "m0",
        "m1",
        "m2",
        "m3",
        "m4",
    ]
    assert names(order_by=[{"field_name": "name", "ascending": False}], max_results=2) == [
        "m4",
        "m3",
    ]

    client = MlflowClient()
    seen, token = [], None
    while True:
        page = client.search_logged_models([exp_id], max_results=2, page_token=token)
        assert len(page) <= 2
        seen += [m.name for m in page]
        token = page.token
        if not token:
            break
    assert seen == ["m4", "m3", "m2", "m1", "m0"]

    df = mlflow.search_logged_models(filter_string="tags.parity = 'odd'")
    assert list(df["name"]) == ["m3", "m1"]
    assert set(df["model_id"]) == {ids[1], ids[3]}
    assert {"status", "params", "tags", "metrics", "artifact_location"} <= set(df.columns)


@pytest.mark.trackd_only
def test_search_logged_models_takes_status_by_name(tracking_uri):
    # MLflow matches nothing for a status name (it compares the stored number with the text).
    mlflow.set_experiment(unique_name("status"))
    make_models(3)
    found = mlflow.search_logged_models(filter_string="status = 'READY'", output_format="list")
    assert [m.name for m in found] == ["m2", "m0"]
    pending = mlflow.search_logged_models(
        filter_string="status IN ('PENDING', 'LOGGED_MODEL_UPLOAD_FAILED')", output_format="list"
    )
    assert [m.name for m in pending] == ["m1"]


def test_search_logged_models_rejects_a_bad_filter(tracking_uri):
    mlflow.set_experiment(unique_name("bad"))
    for bad in ["name = 'a' OR name = 'b'", "metric.acc > 1", "name > 'a'"]:
        with pytest.raises(MlflowException) as err:
            mlflow.search_logged_models(filter_string=bad, output_format="list")
        assert err.value.error_code == "INVALID_PARAMETER_VALUE", bad


def test_deleted_logged_model_disappears_from_get_and_search(tracking_uri):
    mlflow.set_experiment(unique_name("delete"))
    keep = mlflow.initialize_logged_model(name="keep").model_id
    gone = mlflow.initialize_logged_model(name="gone").model_id
    MlflowClient().delete_logged_model(gone)
    with pytest.raises(MlflowException) as err:
        mlflow.get_logged_model(gone)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert [m.model_id for m in mlflow.search_logged_models(output_format="list")] == [keep]


def test_unknown_model_id_is_resource_does_not_exist(tracking_uri):
    with pytest.raises(MlflowException) as err:
        mlflow.get_logged_model("m-" + "0" * 32)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.trackd_only
def test_logged_models_of_one_project_are_invisible_to_another(trackd, switch_tracking_uri, iris_model):
    model, sample = iris_model
    uri_a = switch_tracking_uri(f"{trackd.url}/projects/{project_name('a')}")
    mlflow.set_experiment("shared")
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(model, name="model")
    np.testing.assert_array_equal(
        mlflow.pyfunc.load_model(f"models:/{info.model_id}").predict(sample), model.predict(sample)
    )
    assert [m.name for m in mlflow.search_logged_models(output_format="list")] == ["model"]

    switch_tracking_uri(f"{trackd.url}/projects/{project_name('b')}")
    mlflow.set_experiment("shared")
    assert mlflow.search_logged_models(output_format="list") == []
    with pytest.raises(MlflowException) as err:
        mlflow.get_logged_model(info.model_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException):
        mlflow.pyfunc.load_model(f"models:/{info.model_id}")

    # Back in project a, the model is intact.
    switch_tracking_uri(uri_a)
    assert mlflow.get_logged_model(info.model_id).status == LoggedModelStatus.READY
