"""How fresh each raw table is, as `dbt source freshness` says, for `piggy-elt status`.

dbt holds the rule and the limits (`_piggy__sources.yml`: loaded-at is the last completed dlt load
that wrote to the table, macro `dlt_loaded_at`; warn and error ages per table), so status runs
dbt's own command in this process instead of restating either. Its artifacts go to a folder of
the pipeline's own (`dbt_freshness` in dlt's working folder for it), never over the build's
artifacts in `dbt_project/target`; kept between runs because dbt's partial parse there makes a
second status five times quicker. They hold SQL and timings, no rows.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from pipelines.dbt_connection import project_paths
from pipelines.dbt_runs import invoke, pipeline_warehouse
from pipelines.errors import CliError
from pipelines.warehouse import attach_pipeline

ARTIFACTS_FOLDER = "dbt_freshness"
NEVER = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
"""What dbt reports as loaded-at for a table no load ever wrote to."""


@dataclass(frozen=True)
class TableFreshness:
    """One raw table: dbt's verdict (pass, warn, error, runtime error) and what it measured."""

    table: str
    status: str
    loaded_at: dt.datetime | None
    age_hours: float | None
    warn_after: str
    error_after: str


@dataclass(frozen=True)
class SourceFreshness:
    """Every raw table with a freshness limit, or why dbt could not say (`problem`)."""

    tables: list[TableFreshness]
    problem: str = ""


def read_source_freshness(pipeline_name: str) -> SourceFreshness:
    """`dbt source freshness --select source:piggy` on the pipeline's warehouse."""
    pipeline = attach_pipeline(pipeline_name)
    paths = project_paths(Path(pipeline.working_dir) / ARTIFACTS_FOLDER)
    try:
        with pipeline_warehouse(pipeline):
            result = invoke(["source", "freshness"], paths, ("--select", "source:piggy"))
    except CliError as exc:
        return SourceFreshness([], str(exc))
    sources = [entry for entry in result.result.results if entry.node.resource_type == "source"]
    return SourceFreshness(sorted((_table(entry) for entry in sources), key=lambda e: e.table))


def _table(entry: Any) -> TableFreshness:
    limits = entry.node.freshness
    loaded_at = getattr(entry, "max_loaded_at", None)
    if loaded_at is not None and loaded_at <= NEVER:
        loaded_at = None
    age = getattr(entry, "age", None)
    return TableFreshness(
        table=entry.node.name,
        status=str(entry.status),
        loaded_at=loaded_at,
        age_hours=round(age / 3600, 2) if loaded_at is not None and age is not None else None,
        warn_after=_limit(limits.warn_after),
        error_after=_limit(limits.error_after),
    )


def _limit(limit: Any) -> str:
    return f"{limit.count}{str(limit.period)[0]}" if limit and limit.count else "-"


def freshness_table(freshness: SourceFreshness) -> Table:
    """The status screen's table: per raw table, when it was last loaded and dbt's verdict."""
    table = Table(title="source freshness (dbt source freshness)")
    for column in ("table", "last loaded at", "age (h)", "status", "warn / error after"):
        table.add_column(column)
    for entry in freshness.tables:
        table.add_row(
            entry.table,
            f"{entry.loaded_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
            if entry.loaded_at
            else "never loaded",
            f"{entry.age_hours:g}" if entry.age_hours is not None else "-",
            entry.status,
            f"{entry.warn_after} / {entry.error_after}",
        )
    if freshness.problem:
        table.caption = f"unavailable: {freshness.problem}"
    return table


def freshness_document(freshness: SourceFreshness) -> dict[str, Any]:
    """The same for `status --json`."""
    return {
        "tables": {
            entry.table: {
                "status": entry.status,
                "loaded_at": entry.loaded_at.isoformat() if entry.loaded_at else None,
                "age_hours": entry.age_hours,
                "warn_after": entry.warn_after,
                "error_after": entry.error_after,
            }
            for entry in freshness.tables
        },
        "problem": freshness.problem or None,
    }
