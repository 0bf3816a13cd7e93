"""Compares two result files written by run.sh --results (one per target) and prints Markdown:
totals per target, the tests that pass on MLflow but fail on trackd (grouped by a first-guess
cause from the endpoint and failure text), and the tests that fail on both.

    python test/mlflow-own/summarize.py trackd.jsonl mlflow.jsonl > summary.md

The grouping is a starting point for a human reading the failures, not a verdict: the rules look at
the first failing trackd endpoint, the test name and the one-line reason.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict

FAILING = {"failed", "error"}

# (category, pattern over "<test name> <endpoint paths> <reason>"), first match wins.
RULES: list[tuple[str, str]] = [
    ("GraphQL", r"/graphql"),
    ("webhooks", r"webhook"),
    ("server-info flags", r"server-info|server_info|workspaces_enabled"),
    (
        "tracing / assessments / datasets / scorers (other issue)",
        r"/traces|/spans|/v1/traces|assessment|dataset|scorer|trace|span|/gateway|secret"
        r"|online_scoring|prompt_optim|/jobs",
    ),
    ("ajax endpoints", r"/ajax-api/"),
    (
        "leniency: run sources / source_run_id / artifact locations",
        r"source_run_id|model_version.*source|source.*run|artifact_location|my_location"
        r"|relative|runs:/|models:/",
    ),
    ("error messages / codes", r"status_code|error_code|match=|Regex pattern|does not match|DID NOT RAISE"),
]


def load(path: str) -> dict[str, dict]:
    rows = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                rows[row["nodeid"]] = row
    return rows


def short(nodeid: str) -> str:
    file, _, name = nodeid.partition("::")
    return f"{file.rsplit('/', 1)[-1].removesuffix('.py')}::{name}"


def endpoints(row: dict) -> str:
    seen = []
    for e in row.get("http_errors") or []:
        text = f"{e['method']} {e['path']} → {e['status']}"
        if e.get("error_code"):
            text += f" {e['error_code']}"
        if text not in seen:
            seen.append(text)
    if not seen and row.get("last_request"):
        last = row["last_request"]
        seen.append(f"(last call {last['method']} {last['path']} → {last['status']})")
    return "; ".join(seen[:3])


def category(row: dict) -> str:
    paths = " ".join(e["path"] for e in row.get("http_errors") or [])
    text = f"{row['nodeid']} {paths} {row.get('reason', '')}"
    for name, pattern in RULES:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return "other"


def cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")[:300]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trackd")
    parser.add_argument("mlflow")
    args = parser.parse_args()
    trackd, mlflow = load(args.trackd), load(args.mlflow)

    print("## Totals\n")
    print("| target | tests | passed | failed | error | skipped |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, rows in (("trackd", trackd), ("mlflow", mlflow)):
        counts = Counter(r["outcome"] for r in rows.values())
        print(
            f"| {name} | {len(rows)} | {counts['passed']} | {counts['failed']} | "
            f"{counts['error']} | {counts['skipped']} |"
        )

    gaps = [
        (nodeid, row)
        for nodeid, row in trackd.items()
        if row["outcome"] in FAILING and mlflow.get(nodeid, {}).get("outcome") == "passed"
    ]
    groups: dict[str, list] = defaultdict(list)
    for nodeid, row in gaps:
        groups[category(row)].append((nodeid, row))
    print(f"\n## Pass on MLflow, fail on trackd ({len(gaps)})\n")
    for name, _ in [*RULES, ("other", "")]:
        if name not in groups:
            continue
        print(f"\n### {name} ({len(groups[name])})\n")
        print("| test | reason | trackd endpoints answering >= 400 |")
        print("| --- | --- | --- |")
        for nodeid, row in sorted(groups[name]):
            print(f"| {cell(short(nodeid))} | {cell(row.get('reason', ''))} | {cell(endpoints(row))} |")

    both = [
        (nodeid, row, mlflow[nodeid])
        for nodeid, row in trackd.items()
        if row["outcome"] in FAILING and mlflow.get(nodeid, {}).get("outcome") in FAILING
    ]
    print(f"\n## Fail on both ({len(both)})\n")
    print("| test | MLflow reason | trackd reason |")
    print("| --- | --- | --- |")
    for nodeid, t_row, m_row in sorted(both):
        print(f"| {cell(short(nodeid))} | {cell(m_row.get('reason', ''))} | {cell(t_row.get('reason', ''))} |")

    only_mlflow = [
        nodeid
        for nodeid, row in mlflow.items()
        if row["outcome"] in FAILING and trackd.get(nodeid, {}).get("outcome") == "passed"
    ]
    if only_mlflow:
        print(f"\n## Fail on MLflow only ({len(only_mlflow)})\n")
        for nodeid in sorted(only_mlflow):
            print(f"- {short(nodeid)}: {cell(mlflow[nodeid].get('reason', ''))}")


if __name__ == "__main__":
    main()
