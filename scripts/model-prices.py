"""Regenerates src/api/traces/otel/model-prices.json from the model catalog bundled with the
installed MLflow (mlflow/utils/model_catalog/<provider>.json): per provider and model, the five
per-million-token prices MLflow's cost calculation reads, so trackd prices spans as MLflow does.

Usage: .venv/bin/python scripts/model-prices.py   (then `npx prettier --write` the output)
"""

import importlib.metadata
import importlib.resources
import json
from pathlib import Path

FIELDS = [
    "input_per_million_tokens",
    "output_per_million_tokens",
    "cache_read_per_million_tokens",
    "cache_write_per_million_tokens",
    "cache_write_1hr_per_million_tokens",
]
OUT = Path(__file__).resolve().parents[1] / "src" / "api" / "traces" / "otel" / "model-prices.json"


def prices(entry: dict) -> list:
    pricing = entry.get("pricing") or {}
    row = [pricing.get(field) for field in FIELDS]
    while row and row[-1] is None:
        row.pop()
    return row


def main() -> None:
    catalog = importlib.resources.files("mlflow.utils").joinpath("model_catalog")
    providers = {}
    for path in sorted(p for p in catalog.iterdir() if p.name.endswith(".json")):
        models = json.loads(path.read_text("utf-8")).get("models", {})
        providers[path.name[: -len(".json")]] = {name: prices(e) for name, e in models.items()}
    document = {
        "source": f"mlflow {importlib.metadata.version('mlflow')} bundled model catalog",
        "fields": FIELDS,
        "providers": providers,
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
