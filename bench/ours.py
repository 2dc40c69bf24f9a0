"""Our side of every comparison: `pipelines.loading.run_load`, the entry point users run.

The benchmark sets no speed option of its own: the budget is learned from `X-RateLimit-Limit` as in
production, and concurrency is the source's default. What is measured is what a user gets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt

from bench.dlt_trace import step_seconds
from pipelines.loading import run_load

LEDGER = "loyalty_transactions"


def run_our_load(
    *,
    base_url: str,
    token: str,
    duckdb_path: Path,
    pipeline_name: str,
    resources: list[str] | None,
) -> dict[str, Any]:
    """One load (full or incremental, as the pipeline's state decides); its costs per resource."""
    summary = run_load(
        resources,
        pipeline_name=pipeline_name,
        duckdb_path=duckdb_path,
        base_url=base_url,
        api_key=token,
    )
    per_resource = {
        name: {
            "requests": stats.requests,
            "pages": stats.pages,
            "rows": stats.rows,
            "retries": stats.retries,
            "throttled": stats.throttled,
        }
        for name, stats in summary.resources.items()
    }
    return {
        "wall_seconds": summary.duration_seconds,
        "step_seconds": step_seconds(dlt.attach(pipeline_name=pipeline_name)),
        "requests": sum(item["requests"] for item in per_resource.values()),
        "throttled": sum(item["throttled"] for item in per_resource.values()),
        "retries": sum(item["retries"] for item in per_resource.values()),
        "rows": {name: item["rows"] for name, item in per_resource.items()},
        "per_resource": per_resource,
    }
