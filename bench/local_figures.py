"""Figures 3, 4 and 6: what the machine itself spends, with no latency and no budget in the way.

Without round trips to wait for, a load is as fast as the code turning pages into warehouse rows,
and its memory is what it holds while doing so; the dbt build then runs on the account loaded for
figures 1 and 5.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.network_figures import LEDGER, load_job
from bench.process import StepResult
from bench.report import FIGURES, FLAT_GROWTH, MEMORY_LIMIT_MB, Figure
from bench.sandbox import SandboxProcess
from bench.workspace import PROJECT_ROOT, Workspace

CPU_RATIO_TARGET = 0.8
CPU_RATIO_ROWS = 500_000
"""Below this many ledger rows dlt's fixed cost per run (about a second) weighs on the ratio more
than the work per row does, so a smaller run reports the ratio without a verdict."""
FIGURES["cpu_path"] = (
    "CPU path: ledger rows/s",
    f">= {CPU_RATIO_TARGET:.2f} on >= {CPU_RATIO_ROWS:,} rows",
)


def cpu_path(ws: Workspace, sandbox: SandboxProcess) -> Figure:
    """The ledger loaded end to end against the same pages only fetched and decoded."""
    figure = Figure("cpu_path")
    loaded = ws.job("cpu-load", load_job(sandbox, ws, "cpu", [LEDGER])).report
    fetched = ws.job(
        "cpu-fetch",
        {
            "kind": "fetch_only",
            "base_url": sandbox.base_url,
            "token": sandbox.token,
        },
    ).report
    load_rate = loaded["rows"][LEDGER] / loaded["wall_seconds"]
    fetch_rate = fetched["rows"][LEDGER] / fetched["wall_seconds"]
    ratio = load_rate / fetch_rate
    rows = loaded["rows"][LEDGER]
    figure.met = ratio >= CPU_RATIO_TARGET if rows >= CPU_RATIO_ROWS else None
    figure.headline = (
        f"{rows:,} rows: {load_rate:,.0f} rows/s loaded vs {fetch_rate:,.0f} fetched: "
        f"ratio {ratio:.2f}"
    )
    figure.details = {
        "ledger_rows": loaded["rows"][LEDGER],
        "fetched_rows": fetched["rows"][LEDGER],
        "load_rows_per_second": round(load_rate),
        "fetch_rows_per_second": round(fetch_rate),
        "load_wall_seconds": round(loaded["wall_seconds"], 2),
        "fetch_wall_seconds": round(fetched["wall_seconds"], 2),
        "ratio": round(ratio, 3),
    }
    return figure


def memory_load(ws: Workspace, sandbox: SandboxProcess, scale: int) -> StepResult:
    """A full load of every resource at one scale; its peak RSS is measured from outside."""
    return ws.job(f"memory-{scale}", load_job(sandbox, ws, f"memory_{scale}"))


def memory(loads: dict[int, StepResult]) -> Figure:
    """Peak RSS at two scales: flat means the larger account needs (almost) no more memory."""
    figure = Figure("memory")
    (small_scale, small), (large_scale, large) = sorted(loads.items())
    growth = large.peak_rss_mb / small.peak_rss_mb
    figure.met = growth <= FLAT_GROWTH and large.peak_rss_mb < MEMORY_LIMIT_MB
    figure.headline = (
        f"{small.peak_rss_mb:.0f} MB at {small_scale:,} contacts, "
        f"{large.peak_rss_mb:.0f} MB at {large_scale:,}: x{growth:.2f}"
    )
    figure.details = {
        "scales": {
            str(scale): {
                "peak_rss_mb": round(step.peak_rss_mb, 1),
                "rows": sum(step.report["rows"].values()),
                "wall_seconds": round(step.report["wall_seconds"], 2),
                "rows_per_second": round(
                    sum(step.report["rows"].values()) / step.report["wall_seconds"]
                ),
            }
            for scale, step in sorted(loads.items())
        },
        "growth": round(growth, 3),
    }
    return figure


def dbt_build(ws: Workspace, duckdb_path: Path) -> Figure:
    """`dbt build` (models, seeds and tests) on the account loaded for figures 1 and 5."""
    figure = Figure("dbt_build")
    target_path = ws.root / "dbt-target"
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "build",
        "--project-dir",
        str(PROJECT_ROOT / "dbt_project"),
        "--profiles-dir",
        str(PROJECT_ROOT / "dbt_project"),
        "--target-path",
        str(target_path),
        "--log-path",
        str(ws.root / "dbt-logs"),
    ]
    step = ws.command("dbt-build", command, {"PIGGY_DUCKDB_PATH": str(duckdb_path)})
    nodes = _dbt_nodes(target_path / "run_results.json")
    figure.headline = f"{step.wall_seconds:.1f} s for {sum(nodes.values())} nodes"
    figure.details = {
        "wall_seconds": round(step.wall_seconds, 2),
        "peak_rss_mb": round(step.peak_rss_mb, 1),
        "nodes": nodes,
    }
    return figure


def _dbt_nodes(run_results: Path) -> dict[str, Any]:
    """How many models, tests and seeds the build ran, by kind."""
    results = json.loads(run_results.read_text())["results"]
    kinds: dict[str, int] = {}
    for result in results:
        kind = result["unique_id"].split(".", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds
