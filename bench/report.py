"""What a benchmark run leaves behind: one JSON document and one table.

Figures only mean something next to the machine, the package versions and the settings that produced
them, so those travel in the same file. Each figure carries its headline, its target and whether it
was met, or the error that kept it from being measured.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

PACKAGES = ("piggy-elt", "dlt", "duckdb", "dbt-core", "dbt-duckdb", "httpx", "pyarrow", "orjson")
SATURATION_TARGET = 1.10
SPEEDUP_TARGET = 8.0
MEMORY_LIMIT_MB = 400.0
FLAT_GROWTH = 1.25
"""Four times the data may cost at most a quarter more memory: anything more grows with the data."""
INCREMENTAL_TARGET = 0.03

FIGURES = {
    "budget_saturation": ("budget saturation", f"extract / bound <= {SATURATION_TARGET:.2f}"),
    "versus_rest_api": ("speed-up vs dlt rest_api", f">= {SPEEDUP_TARGET:.0f}x"),
    "cpu_path": ("CPU path: ledger rows/s", "none: a ratio"),
    "memory": ("peak RSS of a full load", f"<= x{FLAT_GROWTH:.2f}, < {MEMORY_LIMIT_MB:.0f} MB"),
    "incremental": ("incremental after ~1% change", f"<= {INCREMENTAL_TARGET:.0%} of ledger time"),
    "dbt_build": ("dbt build", "none: a time"),
}
"""The six figures, in the order the table and the JSON show them: (title, target)."""


@dataclass
class Figure:
    """One of the six figures: `headline` is what the table shows, `details` the numbers behind."""

    key: str
    headline: str = ""
    met: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def title(self) -> str:
        return FIGURES[self.key][0]

    @property
    def target(self) -> str:
        return FIGURES[self.key][1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "headline": self.headline,
            "target": self.target,
            "met": self.met,
            "error": self.error,
            **self.details,
        }


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "logical_cpus": os.cpu_count(),
        "physical_cpus": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def source_revision(project_root: Path) -> str:
    """The commit measured, marked `+dirty` when the checkout has uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=project_root, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{commit}+dirty" if git("status", "--porcelain") else commit


def build_document(
    figures: list[Figure], settings: dict[str, Any], project_root: Path, wall_seconds: float
) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 1),
        "revision": source_revision(project_root),
        "machine": machine(),
        "versions": versions(),
        "settings": settings,
        "figures": {figure.key: figure.as_dict() for figure in figures},
    }


def write_document(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


def print_table(figures: list[Figure], console: Console | None = None) -> None:
    """The six figures, one line each; a figure that could not be measured shows why."""
    table = Table(title="piggy-elt benchmarks", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("figure", no_wrap=True)
    table.add_column("result")
    table.add_column("target", no_wrap=True)
    table.add_column("met", justify="center")
    for number, figure in enumerate(figures, start=1):
        result = figure.headline if figure.error is None else f"[red]not measured: {figure.error}"
        table.add_row(str(number), figure.title, result, figure.target, _verdict(figure.met))
    (console or Console()).print(table)


def _verdict(met: bool | None) -> str:
    if met is None:
        return "-"
    return "[green]yes" if met else "[red]no"
