"""The `mlflow` command-line tools pointed at a project (MLFLOW_TRACKING_URI with the
/projects/<name> prefix): experiments create/search/rename/delete, runs list/describe/delete,
artifacts log-artifact/log-artifacts/list/download, and `mlflow gc`, which cannot work over REST
(docs/clients.md says why) and must refuse without touching anything."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient
from names import unique_name
from server_process import VENV_BIN

MLFLOW = str(VENV_BIN / "mlflow")


def cli(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Runs `mlflow <args>` in a child process with this test's environment (tracking URI included)."""
    result = subprocess.run(
        [MLFLOW, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=dict(os.environ)
    )
    if check:
        assert result.returncode == 0, f"mlflow {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def table_rows(output: str) -> list[list[str]]:
    """The rows of the plain-text table the CLI prints (header and ruler skipped)."""
    lines = [line for line in output.splitlines() if line.strip()]
    return [line.split() for line in lines[2:]]


def test_experiments_create_search_rename_and_delete(tracking_uri):
    name = unique_name("cli-exp")
    created = cli("experiments", "create", "--experiment-name", name).stdout
    assert created.startswith(f"Created experiment '{name}' with id ")
    experiment_id = created.strip().rsplit(" ", 1)[1]

    rows = table_rows(cli("experiments", "search").stdout)
    assert [experiment_id, name, f"mlflow-artifacts:/{experiment_id}"] in rows

    new_name = unique_name("cli-renamed")
    renamed = cli("experiments", "rename", "--experiment-id", experiment_id, "--new-name", new_name)
    assert f"has been renamed to '{new_name}'" in renamed.stdout
    assert MlflowClient().get_experiment(experiment_id).name == new_name
    assert [experiment_id, new_name] in [row[:2] for row in table_rows(cli("experiments", "search").stdout)]

    deleted = cli("experiments", "delete", "--experiment-id", experiment_id)
    assert f"Experiment with ID {experiment_id} has been deleted." in deleted.stdout
    assert experiment_id not in [row[0] for row in table_rows(cli("experiments", "search").stdout)]
    deleted_rows = table_rows(cli("experiments", "search", "--view", "deleted_only").stdout)
    assert [experiment_id, new_name] in [row[:2] for row in deleted_rows]
    assert MlflowClient().get_experiment(experiment_id).lifecycle_stage == "deleted"


def test_runs_list_describe_and_delete(tracking_uri):
    experiment_id = mlflow.create_experiment(unique_name("cli-runs"))
    with mlflow.start_run(experiment_id=experiment_id, run_name="first") as first:
        mlflow.log_param("lr", "0.01")
        mlflow.log_metric("loss", 0.25, step=3)
        mlflow.set_tag("team", "vision")
    with mlflow.start_run(experiment_id=experiment_id, run_name="second") as second:
        pass

    listed = table_rows(cli("runs", "list", "--experiment-id", experiment_id).stdout)
    assert sorted((row[-2], row[-1]) for row in listed) == sorted(
        [("first", first.info.run_id), ("second", second.info.run_id)]
    )

    described = json.loads(cli("runs", "describe", "--run-id", first.info.run_id).stdout)
    assert described["info"]["run_id"] == first.info.run_id
    assert described["info"]["experiment_id"] == experiment_id
    assert described["info"]["status"] == "FINISHED"
    assert described["data"]["params"] == {"lr": "0.01"}
    assert described["data"]["metrics"] == {"loss": 0.25}
    assert described["data"]["tags"]["team"] == "vision"

    deleted = cli("runs", "delete", "--run-id", second.info.run_id)
    assert f"Run with ID {second.info.run_id} has been deleted." in deleted.stdout
    active = table_rows(cli("runs", "list", "--experiment-id", experiment_id).stdout)
    assert [row[-1] for row in active] == [first.info.run_id]
    gone = table_rows(cli("runs", "list", "--experiment-id", experiment_id, "--view", "deleted_only").stdout)
    assert [row[-1] for row in gone] == [second.info.run_id]


def test_artifacts_log_list_and_download(tracking_uri, tmp_path):
    with mlflow.start_run() as run:
        pass
    run_id = run.info.run_id
    report = tmp_path / "report.json"
    report.write_text('{"accuracy": 0.93, "note": "caf\\u00e9"}\n')
    folder = tmp_path / "plots"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.csv").write_text("x,y\n1,2\n")
    (folder / "nested" / "blob.bin").write_bytes(bytes(range(256)) * 64)

    cli("artifacts", "log-artifact", "--run-id", run_id, "--local-file", str(report), "--artifact-path", "results")
    cli("artifacts", "log-artifacts", "--run-id", run_id, "--local-dir", str(folder), "--artifact-path", "plots")

    top = json.loads(cli("artifacts", "list", "--run-id", run_id).stdout)
    assert top == [{"path": "plots", "is_dir": True}, {"path": "results", "is_dir": True}]
    plots = json.loads(cli("artifacts", "list", "--run-id", run_id, "--artifact-path", "plots").stdout)
    assert plots == [
        {"path": "plots/a.csv", "is_dir": False, "file_size": 8},
        {"path": "plots/nested", "is_dir": True},
    ]

    one = tmp_path / "one"
    out = cli("artifacts", "download", "--run-id", run_id, "--artifact-path", "results/report.json", "--dst-path", str(one))
    downloaded = Path(out.stdout.strip().splitlines()[-1])
    # A single file lands directly in the destination folder (the client drops its folders).
    assert downloaded == one / "report.json"
    assert downloaded.read_bytes() == report.read_bytes()

    whole = tmp_path / "whole"
    out = cli("artifacts", "download", "--artifact-uri", f"runs:/{run_id}/plots", "--dst-path", str(whole))
    assert Path(out.stdout.strip().splitlines()[-1]) == whole / "plots"
    comparison = filecmp.dircmp(folder, whole / "plots")
    assert comparison.left_list == comparison.right_list == ["a.csv", "nested"]
    assert filecmp.cmp(folder / "nested" / "blob.bin", whole / "plots" / "nested" / "blob.bin", shallow=False)


def test_gc_refuses_a_tracking_server_and_deletes_nothing(tracking_uri, tmp_path):
    with mlflow.start_run() as run:
        mlflow.log_param("kept", "yes")
    client = MlflowClient()
    client.delete_run(run.info.run_id)

    result = cli("gc", "--run-ids", run.info.run_id, cwd=tmp_path, check=False)

    assert result.returncode != 0
    assert "This cli can only be used with a backend that allows hard-deleting runs" in result.stderr
    # Nothing was purged on the server, and no local store was created instead.
    assert list(tmp_path.iterdir()) == []
    client.restore_run(run.info.run_id)
    assert client.get_run(run.info.run_id).data.params == {"kept": "yes"}
