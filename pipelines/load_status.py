"""What a pipeline has loaded so far: incremental cursors from dlt, row counts and recent loads.

Reads only: the saved state and the destination through dlt's SQL client, so it works for any
warehouse the pipeline loads into, and never while holding a writer lock.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from dlt.pipeline.exceptions import CannotRestorePipelineException

from piggy_source import RESOURCE_NAMES, piggy_source
from pipelines.errors import CliError
from pipelines.loading import make_destination
from pipelines.warehouse import location


@dataclass
class TableStatus:
    table: str
    rows: int
    cursor: str | None


@dataclass
class LoadRecord:
    load_id: str
    status: int
    inserted_at: Any


@dataclass
class PipelineStatus:
    pipeline_name: str
    dataset_name: str
    tables: list[TableStatus]
    loads: list[LoadRecord]
    warehouse: str = ""


def read_status(
    pipeline_name: str = "piggy",
    pipelines_dir: str | Path | None = None,
    destination: str | None = None,
    duckdb_path: str | Path | None = None,
    recent_loads: int = 5,
) -> PipelineStatus:
    """Per raw table: rows now in the warehouse and the saved `created_at` cursor, if any."""
    try:
        pipeline = dlt.attach(
            pipeline_name=pipeline_name,
            # dlt types pipelines_dir without None, its default
            pipelines_dir=str(pipelines_dir) if pipelines_dir else None,  # type: ignore[arg-type]
            destination=make_destination(destination, duckdb_path) if destination else None,
        )
    except CannotRestorePipelineException:
        raise CliError(
            f"pipeline {pipeline_name!r} has not run here yet: run `piggy-elt run` first"
        ) from None
    if pipeline.first_run or not pipeline.default_schema_name:
        raise CliError(
            f"pipeline {pipeline_name!r} has loaded nothing yet (its first run was interrupted or "
            "failed): run `piggy-elt run`, it resumes"
        )
    cursors = _cursors()
    tables = sorted(pipeline.default_schema.data_table_names())
    with pipeline.sql_client() as client:
        counts = {table: _count(client, table) for table in tables}
        loads = _recent_loads(client, pipeline.default_schema.loads_table_name, recent_loads)
    return PipelineStatus(
        pipeline_name=pipeline_name,
        dataset_name=pipeline.dataset_name,
        tables=[TableStatus(t, counts[t], cursors.get(t)) for t in tables],
        loads=loads,
        warehouse=location(pipeline),
    )


def _cursors() -> dict[str, str]:
    """The `created_at` incremental's last value per resource, read through the resources of the
    source under the attached pipeline, as dlt keeps it (`incremental.<cursor path>`)."""
    resources = piggy_source().resources
    cursors = {}
    for name in RESOURCE_NAMES:
        saved = resources[name].state.get("incremental", {}).get("created_at", {})
        if saved.get("last_value") is not None:
            cursors[name] = saved["last_value"].isoformat()
    return cursors


def _count(client: Any, table: str) -> int:
    name = client.make_qualified_table_name(table)
    return int(client.execute_sql(f"SELECT COUNT(*) FROM {name}")[0][0])


def _recent_loads(client: Any, loads_table: str, limit: int) -> list[LoadRecord]:
    name = client.make_qualified_table_name(loads_table)
    rows = client.execute_sql(
        f"SELECT load_id, status, inserted_at FROM {name} ORDER BY inserted_at DESC LIMIT {limit}"
    )
    return [LoadRecord(str(r[0]), int(r[1]), r[2]) for r in rows]
