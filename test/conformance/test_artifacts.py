"""Artifacts through the official client, with the server as the artifact proxy (clients hold no
storage credentials): log_artifact(s), log_text/log_dict/log_image, list_artifacts, downloads of
files and folders through runs:/ URIs, load_text/load_dict/load_image, deletes, multipart uploads
when the client opts in, and two projects that never see each other's files. Every flow runs
through a project-prefixed tracking URI (the `tracking_uri` fixture) unless it says otherwise."""

from __future__ import annotations

import filecmp
import hashlib
import os
from pathlib import Path

import mlflow
import pytest
import requests
import yaml
from mlflow.exceptions import MlflowException
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository
from mlflow.store.artifact.mlflow_artifacts_repo import MlflowArtifactsRepository
from mlflow.tracking import MlflowClient
from names import project_name, unique_name


def make_tree(root: Path) -> Path:
    """A small folder with nested subfolders and a binary file."""
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "top.txt").write_text("top level\n")
    (root / "sub" / "middle.csv").write_text("a,b\n1,2\n")
    (root / "sub" / "deeper" / "bottom.json").write_text('{"depth": 2}')
    (root / "sub" / "deeper" / "blob.bin").write_bytes(bytes(range(256)) * 40)
    return root


def listing(client: MlflowClient, run_id: str, path: str | None = None):
    return [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, path)]


def test_log_artifact_and_download_the_file(tracking_uri, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("hello from the client\n")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(source))
        mlflow.log_artifact(str(source), artifact_path="copies/a")

    run_id = run.info.run_id
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    for artifact in ["notes.txt", "copies/a/notes.txt"]:
        dst = tmp_path / "out" / artifact.replace("/", "_")
        local = mlflow.artifacts.download_artifacts(f"runs:/{run_id}/{artifact}", dst_path=str(dst))
        assert Path(local).read_text() == "hello from the client\n"
    text = mlflow.artifacts.load_text(f"runs:/{run_id}/copies/a/notes.txt")
    assert text == "hello from the client\n"


def test_log_artifacts_of_a_nested_folder_lists_and_downloads_it(tracking_uri, client, tmp_path):
    tree = make_tree(tmp_path / "tree")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(tree), artifact_path="tree")
    run_id = run.info.run_id

    assert listing(client, run_id) == [("tree", True, None)]
    assert listing(client, run_id, "tree") == [
        ("tree/sub", True, None),
        ("tree/top.txt", False, 10),
    ]
    assert listing(client, run_id, "tree/sub/deeper") == [
        ("tree/sub/deeper/blob.bin", False, 10240),
        ("tree/sub/deeper/bottom.json", False, 12),
    ]
    # Listing a file answers nothing, as MLflow's API does.
    assert listing(client, run_id, "tree/top.txt") == []

    local = Path(
        mlflow.artifacts.download_artifacts(f"runs:/{run_id}/tree", dst_path=str(tmp_path / "dl"))
    )
    comparison = filecmp.dircmp(tree, local)
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    blob = "sub/deeper/blob.bin"
    assert filecmp.cmp(tree / blob, local / blob, shallow=False)

    # The whole run, root included.
    everything = mlflow.artifacts.download_artifacts(
        run_id=run_id, dst_path=str(tmp_path / "all")
    )
    assert (Path(everything) / "tree/sub/deeper/bottom.json").read_text() == '{"depth": 2}'


def test_log_text_and_log_dict_load_back(tracking_uri):
    payload = {"lr": 0.01, "layers": [64, 32], "name": "ünïcode"}
    with mlflow.start_run() as run:
        mlflow.log_text("line one\nline two\n", "notes/readme.md")
        mlflow.log_dict(payload, "config/params.json")
        mlflow.log_dict(payload, "config/params.yaml")
    run_id = run.info.run_id

    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.md") == "line one\nline two\n"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config/params.json") == payload
    # load_dict reads JSON only; the YAML file comes back as text.
    yaml_text = mlflow.artifacts.load_text(f"runs:/{run_id}/config/params.yaml")
    assert yaml.safe_load(yaml_text) == payload
    # The run's mlflow-artifacts: URI works as well as runs:/.
    direct = mlflow.artifacts.load_text(f"{run.info.artifact_uri}/notes/readme.md")
    assert direct == "line one\nline two\n"


def test_log_image_of_a_numpy_array(tracking_uri, client):
    # log_image needs numpy and pillow in the client's environment (requirements.txt).
    import numpy
    pixels = numpy.zeros((8, 12, 3), dtype=numpy.uint8)
    pixels[2:6, 3:9] = [255, 128, 0]
    with mlflow.start_run() as run:
        mlflow.log_image(pixels, "images/patch.png")

    [(path, is_dir, size)] = listing(client, run.info.run_id, "images")
    assert (path, is_dir) == ("images/patch.png", False) and size > 0
    image = mlflow.artifacts.load_image(f"runs:/{run.info.run_id}/images/patch.png")
    assert image.size == (12, 8)
    assert numpy.array_equal(numpy.asarray(image.convert("RGB")), pixels)


def test_delete_artifacts_through_the_artifact_repository(tracking_uri, client, tmp_path):
    tree = make_tree(tmp_path / "tree")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(tree))
    repo = get_artifact_repository(run.info.artifact_uri)
    repo.delete_artifacts("sub/deeper")
    assert listing(client, run.info.run_id, "sub") == [("sub/middle.csv", False, 8)]
    repo.delete_artifacts("top.txt")
    assert listing(client, run.info.run_id) == [("sub", True, None)]


def test_downloading_a_missing_artifact_fails(tracking_uri, tmp_path):
    with mlflow.start_run() as run:
        mlflow.log_text("x", "present.txt")
    with pytest.raises(MlflowException) as err:
        mlflow.artifacts.download_artifacts(
            f"runs:/{run.info.run_id}/absent.txt", dst_path=str(tmp_path)
        )
    assert "absent.txt" in str(err.value)
    with pytest.raises(MlflowException):
        mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/absent.txt")
    assert not list(tmp_path.rglob("absent.txt"))


@pytest.mark.trackd_only
def test_artifact_requests_go_below_the_project_prefix(trackd, project, tracking_uri):
    with mlflow.start_run() as run:
        mlflow.log_text("scoped", "where.txt")
    resolved = MlflowArtifactsRepository.resolve_uri(run.info.artifact_uri, tracking_uri)
    proxy = "api/2.0/mlflow-artifacts/artifacts"
    assert resolved.startswith(f"{trackd.url}/projects/{project}/{proxy}/")

    path = run.info.artifact_uri.removeprefix("mlflow-artifacts:")
    scoped = requests.get(f"{trackd.url}/projects/{project}/{proxy}{path}/where.txt")
    assert scoped.status_code == 200 and scoped.text == "scoped"
    at_root = requests.get(f"{trackd.url}/{proxy}{path}/where.txt")
    assert at_root.status_code == 404
    assert at_root.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_project_default_at_the_root_uri(root_uri, tmp_path):
    experiment = unique_name("artifacts-root")
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
        mlflow.log_dict({"at": "root"}, "where.json")
    assert mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/where.json") == {"at": "root"}


@pytest.mark.trackd_only
def test_two_projects_never_see_each_others_files(trackd, switch_tracking_uri, tmp_path):
    uri_a = f"{trackd.url}/projects/{project_name('art-a')}"
    uri_b = f"{trackd.url}/projects/{project_name('art-b')}"

    def log_in(uri: str, text: str) -> mlflow.entities.Run:
        switch_tracking_uri(uri)
        mlflow.set_experiment("shared-name")
        with mlflow.start_run() as run:
            mlflow.log_text(text, "same/name.txt")
        return run

    run_a = log_in(uri_a, "belongs to A")
    run_b = log_in(uri_b, "belongs to B")
    # Both projects number their first experiment alike, so the folders have the same shape.
    assert run_a.info.artifact_uri.split("/")[1] == run_b.info.artifact_uri.split("/")[1]

    switch_tracking_uri(uri_a)
    assert mlflow.artifacts.load_text(f"runs:/{run_a.info.run_id}/same/name.txt") == "belongs to A"
    switch_tracking_uri(uri_b)
    assert mlflow.artifacts.load_text(f"runs:/{run_b.info.run_id}/same/name.txt") == "belongs to B"

    client_b = MlflowClient(uri_b)
    # A's run is unknown in B, through every client path.
    with pytest.raises(MlflowException) as err:
        client_b.list_artifacts(run_a.info.run_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException):
        mlflow.artifacts.download_artifacts(
            f"runs:/{run_a.info.run_id}/same/name.txt", dst_path=str(tmp_path)
        )
    # A's artifact URI resolved against B's tracking URI reads B's folder, where A never wrote.
    repo_b = get_artifact_repository(run_a.info.artifact_uri, tracking_uri=uri_b)
    assert [f.path for f in repo_b.list_artifacts()] == []
    with pytest.raises(Exception):
        repo_b.download_artifacts("same/name.txt", dst_path=str(tmp_path))


@pytest.mark.trackd_only
def test_multipart_upload_when_the_client_opts_in(tracking_uri, monkeypatch, tmp_path):
    # MLflow's server refuses multipart uploads for a local store; ours runs them over local part
    # files (server-info still advertises them off, so the client must be told to use them).
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", "1024")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(1024 * 1024))
    calls = []
    original = HttpArtifactRepository._try_multipart_upload

    def spy(self, local_file, artifact_path=None):
        calls.append(local_file)
        return original(self, local_file, artifact_path)

    monkeypatch.setattr(HttpArtifactRepository, "_try_multipart_upload", spy)
    data = os.urandom(3 * 1024 * 1024 + 123)
    source = tmp_path / "weights.bin"
    source.write_bytes(data)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(source), artifact_path="model")

    assert calls == [str(source)]
    local = mlflow.artifacts.download_artifacts(
        f"runs:/{run.info.run_id}/model/weights.bin", dst_path=str(tmp_path / "dl")
    )
    assert hashlib.sha256(Path(local).read_bytes()).digest() == hashlib.sha256(data).digest()
