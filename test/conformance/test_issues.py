"""MLflow 3's issues API (`/api/3.0/mlflow/issues`, issue 16) by raw REST, as MLflow's own REST
tests drive it: create (all fields, and only the required ones), get, update, search by experiment
and by filter, most severe first, paged with an empty token on the last page."""

import requests
from mlflow.tracking import MlflowClient
from rest import workspace_headers


def issues(tracking_uri: str, method: str, path: str = "", body: dict | None = None):
    return requests.request(
        method,
        f"{tracking_uri}/api/3.0/mlflow/issues{path}",
        json=body,
        headers=workspace_headers(),
        timeout=30,
    )


def new_issue(tracking_uri, experiment_id, name, **fields):
    res = issues(tracking_uri, "POST", body={"experiment_id": experiment_id, "name": name, "description": f"{name} seen", **fields})
    assert res.status_code == 200, res.text
    return res.json()["issue"]


def test_an_issue_with_every_field_and_one_with_only_the_required_ones(tracking_uri):
    client = MlflowClient(tracking_uri)
    experiment_id = client.create_experiment("issues-create")
    run_id = client.create_run(experiment_id).info.run_id

    full = new_issue(
        tracking_uri,
        experiment_id,
        "High latency",
        status="resolved",
        severity="high",
        source_run_id=run_id,
        root_causes=["slow query", "network"],
        categories=["latency"],
        created_by="ann",
    )
    assert full["issue_id"].startswith("iss-")
    assert {k: full[k] for k in ("experiment_id", "name", "description", "status", "severity")} == {
        "experiment_id": experiment_id,
        "name": "High latency",
        "description": "High latency seen",
        "status": "resolved",
        "severity": "high",
    }
    assert (full["source_run_id"], full["root_causes"], full["categories"], full["created_by"]) == (
        run_id,
        ["slow query", "network"],
        ["latency"],
        "ann",
    )
    assert full["created_timestamp"] == full["last_updated_timestamp"] > 0

    minimal = new_issue(tracking_uri, experiment_id, "Wrong answers")
    assert minimal["status"] == "pending"
    for absent in ("severity", "root_causes", "source_run_id", "categories", "created_by", "trace_count"):
        assert absent not in minimal

    got = issues(tracking_uri, "GET", f"/{full['issue_id']}")
    assert got.status_code == 200
    assert got.json()["issue"] == full


def test_unknown_experiment_and_unknown_issue_do_not_exist(tracking_uri):
    res = issues(tracking_uri, "POST", body={"experiment_id": "987654", "name": "n", "description": "d"})
    assert (res.status_code, res.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    res = issues(tracking_uri, "GET", "/iss-nope")
    assert (res.status_code, res.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    # The issue id goes in the body too, as MLflow's server wants it (it reads no path field).
    res = issues(tracking_uri, "PATCH", "/iss-nope", {"issue_id": "iss-nope", "name": "x"})
    assert (res.status_code, res.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    res = issues(tracking_uri, "POST", body={"experiment_id": "0", "name": "no description"})
    assert (res.status_code, res.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_update_changes_only_what_it_names(tracking_uri):
    experiment_id = MlflowClient(tracking_uri).create_experiment("issues-update")
    issue = new_issue(tracking_uri, experiment_id, "Original", severity="low", created_by="bob")
    res = issues(
        tracking_uri,
        "PATCH",
        f"/{issue['issue_id']}",
        {
            "issue_id": issue["issue_id"],
            "name": "Renamed",
            "description": "Better words",
            "status": "resolved",
            "severity": "high",
        },
    )
    assert res.status_code == 200
    updated = res.json()["issue"]
    assert (updated["name"], updated["description"], updated["status"], updated["severity"]) == (
        "Renamed",
        "Better words",
        "resolved",
        "high",
    )
    assert updated["created_by"] == "bob"
    assert updated["created_timestamp"] == issue["created_timestamp"]
    assert updated["last_updated_timestamp"] >= issue["last_updated_timestamp"]
    res = issues(tracking_uri, "PATCH", f"/{issue['issue_id']}", {"issue_id": issue["issue_id"], "status": "rejected"})
    assert res.json()["issue"]["name"] == "Renamed"
    assert res.json()["issue"]["status"] == "rejected"


def test_search_by_experiment_and_filter_most_severe_then_newest_first(tracking_uri):
    client = MlflowClient(tracking_uri)
    experiment_id = client.create_experiment("issues-search")
    other = client.create_experiment("issues-search-other")
    run_id = client.create_run(experiment_id).info.run_id
    low = new_issue(tracking_uri, experiment_id, "low", severity="low", status="resolved")
    none = new_issue(tracking_uri, experiment_id, "unrated", source_run_id=run_id)
    high = new_issue(tracking_uri, experiment_id, "high", severity="high")
    later_high = new_issue(tracking_uri, experiment_id, "later high", severity="high", status="resolved")
    new_issue(tracking_uri, other, "elsewhere")

    res = issues(tracking_uri, "POST", "/search", {"experiment_id": experiment_id})
    assert res.status_code == 200
    found = [i["issue_id"] for i in res.json()["issues"]]
    # Same severity: the newer first (created within one millisecond, the id decides; both
    # servers order by creation time, then id, both descending).
    top = sorted([high, later_high], key=lambda i: (i["created_timestamp"], i["issue_id"]), reverse=True)
    assert found == [top[0]["issue_id"], top[1]["issue_id"], low["issue_id"], none["issue_id"]]
    assert res.json()["next_page_token"] == ""

    def ids(filter_string):
        body = {"experiment_id": experiment_id, "filter_string": filter_string}
        res = issues(tracking_uri, "POST", "/search", body)
        assert res.status_code == 200, res.text
        return {i["issue_id"] for i in res.json().get("issues", [])}

    assert ids("status = 'resolved'") == {low["issue_id"], later_high["issue_id"]}
    assert ids("status != 'resolved'") == {high["issue_id"], none["issue_id"]}
    assert ids(f"source_run_id = '{run_id}' AND status = 'pending'") == {none["issue_id"]}

    bad = issues(tracking_uri, "POST", "/search", {"experiment_id": experiment_id, "filter_string": "name = 'x'"})
    assert (bad.status_code, bad.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    assert bad.json()["message"].startswith("Invalid filter field 'name'. Supported fields: {")
    bad = issues(tracking_uri, "POST", "/search", {"experiment_id": experiment_id, "filter_string": "status LIKE 'x'"})
    assert (bad.status_code, bad.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_search_pages_end_with_an_empty_token(tracking_uri):
    experiment_id = MlflowClient(tracking_uri).create_experiment("issues-pages")
    made = {new_issue(tracking_uri, experiment_id, f"issue {n}")["issue_id"] for n in range(7)}
    first = issues(tracking_uri, "POST", "/search", {"experiment_id": experiment_id, "max_results": 5}).json()
    assert len(first["issues"]) == 5 and first["next_page_token"] != ""
    second = issues(
        tracking_uri,
        "POST",
        "/search",
        {"experiment_id": experiment_id, "max_results": 5, "page_token": first["next_page_token"]},
    ).json()
    assert len(second["issues"]) == 2 and second["next_page_token"] == ""
    assert {i["issue_id"] for i in first["issues"] + second["issues"]} == made
