"""schemathesis (property-based testing) against the server's own /openapi.json: every documented
operation gets a bounded number of generated requests, valid and invalid, and every answer must be
no server error (5xx), a documented status, a documented content type and headers, and a body the
document's schema accepts.

The project is seeded first (an experiment, a run with params, metrics and an artifact), and the
fuzzer is told those ids through a schemathesis dictionary, so that half of the generated requests
name things that exist and reach past "not found".

Not checked, deliberately: `negative_data_rejection` — MLflow's protobuf JSON parser accepts more
than its schema says (int64 as numeric strings, numbers for enums, unknown fields), and so do we,
MLflow being the spec; `positive_data_acceptance` — the document types ids as strings, while an id
that names nothing is rightly refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import mlflow
import pytest
import requests

pytestmark = pytest.mark.trackd_only

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
# Bounded for CI (2 shared cores): about 40 s for ~80 operations. Raise locally to dig deeper.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "40"))
SEED = os.environ.get("FUZZ_SEED", "20261124")


def seed_project(tmp_path: Path) -> dict[str, list]:
    """Things that exist in the project, for the fuzzer to name."""
    experiment_id = mlflow.create_experiment("fuzz-seed")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_param("lr", "0.01")
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        (tmp_path / "result.json").write_text('{"ok": true}')
        mlflow.log_artifact(str(tmp_path / "result.json"), "reports")
    return {
        "run_ids": [run.info.run_id],
        "experiment_ids": [experiment_id],
        "metric_keys": ["loss"],
        "artifact_paths": [f"{experiment_id}/{run.info.run_id}/artifacts/reports/result.json"],
        "run_artifact_paths": ["reports/result.json", "reports"],
    }


def config_toml(seeds: dict[str, list]) -> str:
    def values(items: list) -> str:
        return "[" + ", ".join(json.dumps(str(v)) for v in items) + "]"

    lines = []
    for name, items in seeds.items():
        lines += [f"[dictionaries.{name}]", f"values = {values(items)}", ""]
    bindings = {
        "run_id": "run_ids",
        "query.run_id": "run_ids",
        "body.run_id": "run_ids",
        "query.run_ids": "run_ids",
        "experiment_id": "experiment_ids",
        "body.experiment_id": "experiment_ids",
        "body.experiment_ids[*]": "experiment_ids",
        "query.experiment_ids": "experiment_ids",
        "metric_key": "metric_keys",
        "artifact_path": "artifact_paths",
        "query.path": "run_artifact_paths",
    }
    lines.append("[parameters]")
    for key, dictionary in bindings.items():
        lines.append(f'"{key}" = {{ dictionary = "{dictionary}", probability = 0.5 }}')
    return "\n".join(lines) + "\n"


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(
    trackd, tracking_uri, tmp_path
):
    document = requests.get(f"{tracking_uri}/openapi.json", timeout=30).json()
    operations = sum(len(ops) for ops in document["paths"].values())
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_toml(seed_project(tmp_path)))

    started = time.monotonic()
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--no-color",
            "--config-file",
            str(config),
            "run",
            f"{tracking_uri}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            SEED,
            "--phases",
            "examples,coverage,fuzzing,stateful",
            # One worker: Hypothesis' example cache is not thread-safe in the coverage phase.
            "--workers",
            "1",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    output = result.stdout + result.stderr
    report = f"schemathesis exited {result.returncode} after {time.monotonic() - started:.0f}s:\n{output}"
    assert result.returncode == 0, report
    tested = re.search(r"Tested:\s+(\d+)", output)
    assert tested is not None, report
    assert int(tested.group(1)) == operations, report
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert generated is not None and generated.group(1) == generated.group(2), report
    print(f"schemathesis: {operations} operations, {generated.group(1)} test cases passed")
