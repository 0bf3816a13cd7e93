"""Differential test: every corpus case must answer like MLflow's own server (after normalization),
unless allowlist.json names the difference with a reason. See harness.py for the machinery."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from corpus import build_corpus
from harness import (
    DEFAULT_REPORT_PATH,
    _short,
    LAST_SUMMARY,
    evaluate,
    load_allowlist,
    render_report,
    replay_all,
    summary_line,
)

CORPUS = build_corpus()


@pytest.fixture(scope="session")
def differential():
    ours, theirs = replay_all(CORPUS)
    results, stale = evaluate(CORPUS, ours, theirs, load_allowlist())
    report_path = Path(os.environ.get("DIFFERENTIAL_REPORT", DEFAULT_REPORT_PATH))
    report_path.write_text(render_report(results, stale))
    LAST_SUMMARY.append(f"{summary_line(results, stale)}\nreport: {report_path}")
    return {r.name: r for r in results}, stale


def _explain(result) -> str:
    lines = [f"{result.name}: {result.request}"]
    for path, ours, theirs in result.unexplained:
        lines.append(f"  {path or '(whole)'}:")
        lines.append(f"    ours:   {_short(ours)}\n    mlflow: {_short(theirs)}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", [c["name"] for c in CORPUS])
def test_case_matches_mlflow(differential, case):
    results, _ = differential
    result = results[case]
    if not result.ok:
        pytest.fail(_explain(result), pytrace=False)


def test_allowlist_entries_still_needed(differential):
    _, stale = differential
    for entry in stale:
        warnings.warn(
            f"allowlist entry no longer differs, prune it: case={entry['case']} "
            f"field={entry.get('field')}",
            stacklevel=1,
        )


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 150
