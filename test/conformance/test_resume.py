"""A run started in one process and resumed by id in another (mlflow.start_run(run_id=...))."""

import subprocess
import sys
import textwrap

import mlflow

RESUME_SCRIPT = textwrap.dedent(
    """
    import sys
    import mlflow

    run_id = sys.argv[1]
    with mlflow.start_run(run_id=run_id) as run:
        assert run.info.run_id == run_id
        assert run.data.params["phase"] == "first"
        mlflow.log_param("resumed_by", "second-process")
        mlflow.log_metric("loss", 0.25, step=1)
        mlflow.log_metric("loss", 0.125, step=2)
        mlflow.set_tag("resumed", "yes")
    """
)


def test_run_resumed_by_id_in_a_second_process(tracking_uri, client):
    mlflow.set_experiment("resumable")
    with mlflow.start_run(run_name="resumable-run") as run:
        mlflow.log_param("phase", "first")
        mlflow.log_metric("loss", 0.5, step=0)
    run_id = run.info.run_id
    first_end = client.get_run(run_id).info.end_time

    # The child inherits MLFLOW_TRACKING_URI (this test's project) and the quiet client settings.
    done = subprocess.run(
        [sys.executable, "-c", RESUME_SCRIPT, run_id],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    resumed = client.get_run(run_id)
    assert resumed.info.run_name == "resumable-run"
    assert resumed.info.status == "FINISHED"
    assert resumed.info.end_time >= first_end
    assert resumed.data.params == {"phase": "first", "resumed_by": "second-process"}
    assert resumed.data.tags["resumed"] == "yes"
    assert resumed.data.metrics["loss"] == 0.125
    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.value) for m in history] == [(0, 0.5), (1, 0.25), (2, 0.125)]
    assert len(client.search_runs([run.info.experiment_id])) == 1
