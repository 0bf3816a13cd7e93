"""Several writers at once through the official client, and a run written through one server and
read through another. Against a replica set (CONFORMANCE_REPLICAS=2: two trackd processes on one
PostgreSQL database and one bucket, behind a round-robin nginx) the writers' requests alternate
between the replicas and the cross-server test names each replica directly; against one server
the same flows check that server's own concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from mlflow.tracking import MlflowClient
from names import unique_name

WRITERS = 32

pytestmark = pytest.mark.trackd_only  # MLflow's SQLite store answers "database is locked" here


def servers(trackd) -> list[str]:
    """Each replica's own address, or the one server's."""
    return [r.url for r in getattr(trackd, "replicas", [trackd])]


def test_concurrent_writers_get_every_model_version_once(client, tracking_uri):
    model = unique_name("contended")
    client.create_registered_model(model)
    experiment_id = client.create_experiment(unique_name("contended"))
    source_run = client.create_run(experiment_id).info.run_id

    def write(i: int):
        # A client per thread, as separate processes would have.
        mine = MlflowClient(tracking_uri)
        version = mine.create_model_version(model, f"runs:/{source_run}/model", run_id=source_run)
        run = mine.create_run(experiment_id, run_name=f"writer-{i}")
        mine.log_metric(run.info.run_id, "i", i)
        return int(version.version), run.info.run_id

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))

    assert sorted(v for v, _ in results) == list(range(1, WRITERS + 1))
    assert len({run_id for _, run_id in results}) == WRITERS
    found = client.search_runs([experiment_id], max_results=100)
    assert len(found) == WRITERS + 1
    assert sorted(r.data.metrics["i"] for r in found if "i" in r.data.metrics) == list(
        range(WRITERS)
    )
    latest = client.get_latest_versions(model)
    assert [v.version for v in latest] == [str(WRITERS)]


def test_a_run_created_on_one_server_is_logged_to_on_another(trackd, project, tmp_path):
    first, last = servers(trackd)[0], servers(trackd)[-1]
    on_first = MlflowClient(f"{first}/projects/{project}")
    on_last = MlflowClient(f"{last}/projects/{project}")
    experiment_id = on_first.create_experiment(unique_name("crossing"))
    run_id = on_first.create_run(experiment_id).info.run_id
    on_last.log_metric(run_id, "loss", 0.25, step=3)
    on_last.log_param(run_id, "lr", "0.1")
    on_last.set_terminated(run_id)
    run = on_first.get_run(run_id)
    assert run.data.metrics == {"loss": 0.25}
    assert run.data.params == {"lr": "0.1"}
    assert run.info.status == "FINISHED"
    # An artifact written through one is read back through the other.
    on_last.log_text(run_id, "written on one replica", "notes.txt")
    assert [f.path for f in on_first.list_artifacts(run_id)] == ["notes.txt"]
    local = on_first.download_artifacts(run_id, "notes.txt", dst_path=str(tmp_path))
    assert open(local).read() == "written on one replica"
