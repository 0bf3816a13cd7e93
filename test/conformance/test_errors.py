"""Invalid input surfaces as MlflowException with MLflow's error codes."""

import mlflow
import pytest
from mlflow.entities import Metric, Param
from mlflow.exceptions import MlflowException


def error_code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(MlflowException) as err:
        fn(*args, **kwargs)
    return err.value.error_code


@pytest.fixture
def run_id(client):
    exp_id = client.create_experiment("errors")
    return client.create_run(exp_id).info.run_id


def test_changing_a_logged_param_is_invalid(tracking_uri, client):
    with mlflow.start_run() as run:
        mlflow.log_param("lr", "0.01")
        assert error_code_of(mlflow.log_param, "lr", "0.02") == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run.info.run_id).data.params["lr"] == "0.01"


def test_changing_a_param_through_log_batch_is_invalid(client, run_id):
    client.log_batch(run_id, params=[Param("p", "1")])
    code = error_code_of(client.log_batch, run_id, params=[Param("p", "2")])
    assert code == "INVALID_PARAMETER_VALUE"


def test_missing_run_does_not_exist(client):
    missing = "0123456789abcdef0123456789abcdef"
    assert error_code_of(client.get_run, missing) == "RESOURCE_DOES_NOT_EXIST"
    assert error_code_of(client.log_param, missing, "k", "v") == "RESOURCE_DOES_NOT_EXIST"
    assert error_code_of(client.set_tag, missing, "k", "v") == "RESOURCE_DOES_NOT_EXIST"
    assert error_code_of(client.delete_run, missing) == "RESOURCE_DOES_NOT_EXIST"


def test_missing_experiment_does_not_exist(client):
    assert error_code_of(client.get_experiment, "987654") == "RESOURCE_DOES_NOT_EXIST"
    assert error_code_of(client.create_run, "987654") == "RESOURCE_DOES_NOT_EXIST"
    assert error_code_of(client.rename_experiment, "987654", "x") == "RESOURCE_DOES_NOT_EXIST"
    assert client.get_experiment_by_name("no-such-experiment") is None


def test_duplicate_experiment_name_already_exists(client):
    client.create_experiment("dup")
    assert error_code_of(client.create_experiment, "dup") == "RESOURCE_ALREADY_EXISTS"


def test_invalid_names_and_values(client, run_id):
    assert error_code_of(client.log_param, run_id, "bad!key", "1") == "INVALID_PARAMETER_VALUE"
    assert error_code_of(client.log_param, run_id, "../up", "1") == "INVALID_PARAMETER_VALUE"
    assert error_code_of(client.set_tag, run_id, "bad!key", "v") == "INVALID_PARAMETER_VALUE"
    code = error_code_of(client.log_batch, run_id, metrics=[Metric("bad!key", 1.0, 0, 0)])
    assert code == "INVALID_PARAMETER_VALUE"
    code = error_code_of(client.set_experiment_tag, "0", "k" * 251, "v")
    assert code == "INVALID_PARAMETER_VALUE"


def test_deleted_run_rejects_writes(client, run_id):
    client.delete_run(run_id)
    assert error_code_of(client.log_param, run_id, "k", "v") == "INVALID_PARAMETER_VALUE"
    assert error_code_of(client.log_metric, run_id, "m", 1.0) == "INVALID_PARAMETER_VALUE"
    assert error_code_of(client.set_tag, run_id, "k", "v") == "INVALID_PARAMETER_VALUE"


def test_deleted_experiment_rejects_new_runs(client):
    exp_id = client.create_experiment("deleted-exp")
    client.delete_experiment(exp_id)
    assert error_code_of(client.create_run, exp_id) == "INVALID_PARAMETER_VALUE"


def test_deleting_a_missing_tag_does_not_exist(client, run_id):
    assert error_code_of(client.delete_tag, run_id, "never-set") == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.loss <",
        "foo.bar = 'x'",
        "params.lr = 0.01",
        "metrics.loss = 'abc'",
        "params.lr > '0'",
        "metrics.loss < 1 OR metrics.loss > 2",
        "attributes.nope = 'x'",
        "datasets.size = '1'",
    ],
)
def test_invalid_search_filters_are_rejected(client, run_id, filter_string):
    exp_id = client.get_run(run_id).info.experiment_id
    code = error_code_of(client.search_runs, [exp_id], filter_string=filter_string)
    assert code == "INVALID_PARAMETER_VALUE"


def test_invalid_order_by_and_page_token_are_rejected(client, run_id):
    exp_id = client.get_run(run_id).info.experiment_id
    code = error_code_of(client.search_runs, [exp_id], order_by=["metrics.loss UP"])
    assert code == "INVALID_PARAMETER_VALUE"
    code = error_code_of(client.search_runs, [exp_id], page_token="garbage")
    assert code == "INVALID_PARAMETER_VALUE"
    code = error_code_of(client.search_experiments, filter_string="params.x = 'y'")
    assert code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    "value, written, python_type",
    [(9.0, "9.0", "float"), (9, "9", "int"), (1e20, "1e+20", "float"), ([1.5], "[1.5]", "list")],
)
def test_a_wrong_typed_value_is_quoted_as_the_client_wrote_it(tracking_uri, value, written, python_type):
    from rest import call

    res = call(tracking_uri, "POST", "experiments/create", {"name": "typed", "artifact_location": value})
    assert res.status_code == 400
    assert res.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert res.json()["message"].startswith(
        f"Invalid value {written} for parameter 'artifact_location' supplied:  "
        f"Hint: Value was of type '{python_type}'."
    )
