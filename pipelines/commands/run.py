"""The `run` and `status` commands: load Piggy into the warehouse, and say what is loaded."""

from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from piggy_source.stats import ResourceStats
from pipelines.commands.erase import erase_deleted
from pipelines.destination_switch import held_back_notice
from pipelines.errors import CliError
from pipelines.json_output import JsonFlag, result_document, warn
from pipelines.load_status import PipelineStatus, read_status
from pipelines.loading import DEFAULT_DATASET, LoadSummary, run_load
from pipelines.source_freshness import freshness_document, freshness_table, read_source_freshness

PROGRESS_FIELDS = (
    "{task.description:<22} {task.fields[pages]:>6} pages {task.fields[rows]:>9} rows "
    "{task.fields[rps]:>6.1f} req/s {task.fields[retries]:>4} retries "
    "{task.fields[throttled]:>4} 429s"
)


def parse_day(text: str | None, flag: str) -> datetime | None:
    """`YYYY-MM-DD` (or a full ISO 8601 time) as a UTC moment; anything else is a usage error."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{flag} {text!r} is not a date: use YYYY-MM-DD") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def split_names(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def run(
    resources: str = typer.Option(None, "--resources", help="Comma-separated resources."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Reload everything."),
    refresh: str = typer.Option(None, "--refresh", help="Reload one resource from scratch."),
    start_date: str = typer.Option(None, "--start-date", help="Backfill from (YYYY-MM-DD)."),
    end_date: str = typer.Option(None, "--end-date", help="Backfill until, excluded."),
    destination: str = typer.Option("duckdb", "--destination", help="dlt destination."),
    dataset: str = typer.Option(DEFAULT_DATASET, "--dataset", help="Raw dataset (schema)."),
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    base_url: str = typer.Option(None, "--base-url", help="Piggy API base URL."),
    yes: bool = typer.Option(
        False, "--yes", help="Let --full-refresh or --refresh contacts drop the contacts history."
    ),
    as_json: JsonFlag = False,
) -> None:
    """Load Piggy into the warehouse: incremental by default, with progress per resource.

    Progress shows on a terminal only and clears when the run ends, so an error stays one line
    and logs of scheduled runs hold only the summary.
    """
    with result_document("run", as_json) as document, held_back_notice():

        def switched(previous: str) -> None:
            warn(
                document,
                f"pipeline {pipeline_name!r} was last run with --destination {previous}; this "
                f"run loads into {destination}",
            )

        summary = _load(
            split_names(resources),
            destination=destination,
            dataset_name=dataset,
            pipeline_name=pipeline_name,
            base_url=base_url,
            full_refresh=full_refresh,
            refresh=refresh,
            start_date=parse_day(start_date, "--start-date"),
            end_date=parse_day(end_date, "--end-date"),
            drop_history=yes,
            on_destination_switch=switched,
            then=lambda: erase_deleted(pipeline_name),
        )
        document.update(load_document(summary))
        if summary.dropped:
            Console(stderr=True).print(f"{summary.dropped}: dropped (--yes)")
        Console().print(summary_table(summary))
        typer.echo(f"warehouse: {summary.warehouse}")
        if summary.contacts_sweep:
            typer.echo(f"contacts sweep: {summary.contacts_sweep}")


def _load(names: list[str] | None, **options: Any) -> LoadSummary:
    """`run_load` with a progress line per resource on a terminal."""
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn(PROGRESS_FIELDS),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def show(resource: str, stats: ResourceStats) -> None:
            if resource not in tasks:
                tasks[resource] = progress.add_task(resource, total=None, **_fields(stats))
            progress.update(tasks[resource], **_fields(stats))

        return run_load(names, listener=show, **options)


def load_document(summary: LoadSummary) -> dict[str, Any]:
    """What `run --json` reports: per resource what it read and cost, and the totals."""
    resources = {
        name: {
            "pages": stats.pages,
            "rows": stats.rows,
            "quarantined": stats.quarantined,
            "requests": stats.requests,
            "retries": stats.retries,
            "throttled_429s": stats.throttled,
        }
        for name, stats in summary.resources.items()
    }
    return {
        "pipeline_name": summary.pipeline_name,
        "destination": summary.destination,
        "dataset_name": summary.dataset_name,
        "warehouse": summary.warehouse,
        "load_ids": summary.load_ids,
        "rows": summary.rows,
        "requests": sum(stats.requests for stats in summary.resources.values()),
        "throttled_429s": sum(stats.throttled for stats in summary.resources.values()),
        "load_seconds": round(summary.duration_seconds, 3),
        "rows_per_second": round(summary.rows_per_second, 1),
        "dropped": summary.dropped,
        "contacts_sweep": summary.contacts_sweep,
        "resources": resources,
    }


def _fields(stats: ResourceStats) -> dict[str, Any]:
    return {
        "pages": stats.pages,
        "rows": stats.rows,
        "rps": stats.requests_per_second(),
        "retries": stats.retries,
        "throttled": stats.throttled,
    }


def summary_table(summary: LoadSummary) -> Table:
    table = Table(
        title=f"{summary.rows} rows into {summary.destination} dataset {summary.dataset_name!r} "
        f"in {summary.duration_seconds:.1f}s ({summary.rows_per_second:,.0f} rows/s)"
    )
    for column in ("resource", "pages", "rows", "quarantined", "requests", "retries", "429s"):
        table.add_column(column, justify="left" if column == "resource" else "right")
    for name, stats in summary.resources.items():
        table.add_row(
            name,
            *map(
                str,
                (
                    stats.pages,
                    stats.rows,
                    stats.quarantined,
                    stats.requests,
                    stats.retries,
                    stats.throttled,
                ),
            ),
        )
    return table


def status(
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    destination: str = typer.Option(None, "--destination", help="Override the destination."),
    as_json: JsonFlag = False,
) -> None:
    """Per raw table: rows loaded and the saved cursor; the most recent loads; source freshness."""
    with result_document("status", as_json) as document:
        report = read_status(pipeline_name, destination=destination)
        document.update(status_document(report))
        Console().print(*status_tables(report))
        freshness = read_source_freshness(pipeline_name)
        document["source_freshness"] = freshness_document(freshness)
        Console().print(freshness_table(freshness))
        typer.echo(f"warehouse: {report.warehouse}")


def status_document(report: PipelineStatus) -> dict[str, Any]:
    """What `status --json` reports: rows and cursor per raw table, the recent loads."""
    return {
        "pipeline_name": report.pipeline_name,
        "dataset_name": report.dataset_name,
        "warehouse": report.warehouse,
        "tables": {
            entry.table: {"rows": entry.rows, "cursor": entry.cursor} for entry in report.tables
        },
        "loads": [
            {"load_id": load.load_id, "status": load.status, "loaded_at": load.inserted_at}
            for load in report.loads
        ],
    }


def status_tables(report: PipelineStatus) -> tuple[Table, Table]:
    tables = Table(title=f"pipeline {report.pipeline_name!r}, dataset {report.dataset_name!r}")
    for column in ("table", "rows", "created_at cursor"):
        tables.add_column(column)
    for entry in report.tables:
        tables.add_row(entry.table, str(entry.rows), entry.cursor or "-")
    loads = Table(title="recent loads")
    for column in ("load id", "status", "loaded at"):
        loads.add_column(column)
    for load in report.loads:
        loads.add_row(
            load.load_id, "done" if load.status == 0 else str(load.status), str(load.inserted_at)
        )
    return tables, loads


def register(app: typer.Typer) -> None:
    """Add `run` and `status` to the CLI."""
    app.command("run")(run)
    app.command("status")(status)
