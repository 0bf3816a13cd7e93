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
# A gap: MLflow passes (or passes a test upstream marks xfail) where trackd does not.
MLFLOW_GOOD = {"passed", "xpassed"}
TRACKD_BAD = {"failed", "error", "xfailed"}

# (category, pattern over "<test name> <failing methods+paths> <their messages> <reason>"), first
# match wins. Order matters: specific API families before the generic /ajax-api/ rule.
RULES: list[tuple[str, str]] = [
    ("GraphQL", r"/graphql"),
    ("webhooks", r"webhook"),
    ("server-info flags", r"server-info|server_info"),
    ("AI gateway: secrets, endpoints, providers", r"gateway|secret"),
    ("GenAI issues API", r"/issues"),
    ("scorers", r"/scorers|scorer"),
    ("tracing / assessments / datasets", r"/traces|/spans|assessment|trace|/datasets"),
    ("ajax endpoints", r"/ajax-api/"),
    (
        "artifact root is a local file:// folder upstream (trackd hands out mlflow-artifacts:)",
        r"file://|local_artifact_uri|_path_source",
    ),
    (
        "leniency: run sources / source_run_id / relative artifact_location",
        r"source: 'runs:/[^']*'\. The run_id request parameter must identify"
        r"|/logged-models .*Run with id=|my_location",
    ),
    (
        "error messages / codes",
        r"assert .*(Invalid value|Invalid path|error_code|INVALID_PARAMETER_VALUE"
        r"|RESOURCE_DOES_NOT_EXIST)|Regex pattern did not match|DID NOT RAISE",
    ),
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
    errors = " ".join(
        f"{e['method']} {e['path']} {e.get('message') or ''}" for e in row.get("http_errors") or []
    )
    text = f"{row['nodeid']} {errors} {row.get('reason', '')}"
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
    outcomes = ["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
    print(f"| target | tests | {' | '.join(outcomes)} |")
    print("| --- " * (len(outcomes) + 2) + "|")
    for name, rows in (("trackd", trackd), ("mlflow", mlflow)):
        counts = Counter(r["outcome"] for r in rows.values())
        print(f"| {name} | {len(rows)} | {' | '.join(str(counts[o]) for o in outcomes)} |")

    gaps = [
        (nodeid, row)
        for nodeid, row in trackd.items()
        if row["outcome"] in TRACKD_BAD and mlflow.get(nodeid, {}).get("outcome") in MLFLOW_GOOD
    ]
    groups: dict[str, list] = defaultdict(list)
    for nodeid, row in gaps:
        groups[category(row)].append((nodeid, row))
    print(f"\n## Pass on MLflow, fail on trackd ({len(gaps)})")
    print("\n| cause | tests |\n| --- | --- |")
    for name, _ in [*RULES, ("other", "")]:
        if name in groups:
            print(f"| {name} | {len(groups[name])} |")
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

    skipped_here = [
        (nodeid, row)
        for nodeid, row in trackd.items()
        if row["outcome"] == "skipped" and mlflow.get(nodeid, {}).get("outcome") != "skipped"
    ]
    if skipped_here:
        print(f"\n## Skipped on trackd only ({len(skipped_here)})\n")
        for nodeid, row in sorted(skipped_here):
            theirs = mlflow[nodeid]
            print(
                f"- {short(nodeid)}: {cell(row.get('reason', ''))} (MLflow: {theirs['outcome']}"
                f"{', ' + cell(theirs.get('reason', '')) if theirs.get('reason') else ''})"
            )

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
