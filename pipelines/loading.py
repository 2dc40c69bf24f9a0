"""One load of Piggy into a warehouse: the entry point the CLI, the demo and the benchmarks share.

It checks the arguments before anything runs (so a typo costs nothing), holds a lock so two runs
of the same pipeline never interleave, and returns a summary of what was read and loaded.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dlt
from dlt.common.pipeline import get_dlt_pipelines_dir
from dlt.extract import DltSource

from piggy_source import RESOURCE_NAMES, piggy_source
from piggy_source.stats import Listener, ResourceStats, RunStats
from piggy_source.sweep_schedule import schedule_line
from pipelines.arrow_memory import arrow_on_the_system_allocator
from pipelines.contacts_history import history_at_stake
from pipelines.destination_switch import last_destination
from pipelines.dlt_settings import configure_dlt
from pipelines.dlt_workarounds import finish_interrupted
from pipelines.errors import CliError, RefusedError
from pipelines.locks import held
from pipelines.privacy.load_filter import forget_erased
from pipelines.warehouse import location
from pipelines.webhooks.landing import hear

DESTINATIONS = ("duckdb", "postgres", "bigquery", "snowflake", "redshift", "motherduck")
DEFAULT_DATASET = "piggy_raw"
"""Not `piggy`: DuckDB names the catalog of `piggy.duckdb` `piggy`, and a schema of the same name
makes dlt's unqualified `piggy.<table>` ambiguous (DuckDB 2 refuses it with a Binder Error)."""


@dataclass
class LoadSummary:
    """What one run read (per resource) and how long it took."""

    pipeline_name: str
    dataset_name: str
    destination: str
    load_ids: list[str]
    duration_seconds: float
    resources: dict[str, ResourceStats] = field(default_factory=dict)
    dropped: str | None = None
    warehouse: str = ""
    contacts_sweep: str | None = None
    """Whether this run swept the contacts, and when the next sweep is due."""

    @property
    def rows(self) -> int:
        return sum(stats.rows for stats in self.resources.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.duration_seconds if self.duration_seconds > 0 else 0.0


def check_resources(names: Sequence[str] | None) -> list[str] | None:
    """Unknown names are a typo to fix before any request is made."""
    if not names:
        return None
    unknown = [name for name in names if name not in RESOURCE_NAMES]
    if unknown:
        raise CliError(
            f"unknown resource {', '.join(unknown)}: choose from {', '.join(RESOURCE_NAMES)}"
        )
    return list(names)


def check_window(start: datetime | None, end: datetime | None) -> None:
    if (start is None) != (end is None):
        raise CliError("a backfill needs both --start-date and --end-date")
    if start is not None and end is not None and start >= end:
        raise CliError(f"--start-date {start.date()} must be before --end-date {end.date()}")


def check_selection(
    resources: Sequence[str] | None,
    refresh: str | None,
    start: datetime | None,
    end: datetime | None,
) -> list[str] | None:
    """The resources a run reads (None: all), after every argument is checked."""
    selected = check_resources(resources)
    check_window(start, end)
    if refresh is not None:
        check_resources([refresh])
        return [refresh]
    return selected


def make_destination(destination: str, duckdb_path: str | Path | None = None) -> Any:
    """dlt's destination by name; only the default DuckDB takes a file path here."""
    if destination not in DESTINATIONS:
        raise CliError(f"unknown destination {destination}: choose from {', '.join(DESTINATIONS)}")
    if destination == "duckdb" and duckdb_path is not None:
        return dlt.destinations.duckdb(credentials=str(duckdb_path))
    return destination


def make_pipeline(
    pipeline_name: str = "piggy",
    dataset_name: str = DEFAULT_DATASET,
    destination: str = "duckdb",
    duckdb_path: str | Path | None = None,
    pipelines_dir: str | Path | None = None,
) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=make_destination(destination, duckdb_path),
        dataset_name=dataset_name,
        # dlt types pipelines_dir without None, its default
        pipelines_dir=str(pipelines_dir) if pipelines_dir else None,  # type: ignore[arg-type]
    )


@contextmanager
def run_lock(pipelines_dir: str | Path | None, pipeline_name: str) -> Iterator[None]:
    """Refuse a second run of the same pipeline while one holds this lock (a load, an erasure).

    Found without opening the pipeline, so a run takes it before dlt opens the pipeline: dlt
    wipes a working folder that has no state yet, so a second first run opening the pipeline
    first deleted what the first run was still writing."""
    folder = Path(pipelines_dir or get_dlt_pipelines_dir())
    busy = (
        f"another piggy-elt run is loading pipeline {pipeline_name!r}; "
        "wait for it to finish, then run again"
    )
    with held(folder / f".{pipeline_name}.run.lock", busy):
        yield


def make_source(
    selected: list[str] | None,
    base_url: str | None,
    stats: RunStats,
    window: tuple[datetime | None, datetime | None],
    options: dict[str, Any],
) -> DltSource:
    """The Piggy source narrowed to the `selected` resources (None: all); `base_url` and the
    backfill `window` join the source's other `options`. A list named in the selection is read
    whatever `full_reads_every_runs` says: the user asked for it."""
    if selected:
        options = {**options, "full_reads_every_runs": 1}
    if base_url is not None:
        options = {**options, "base_url": base_url}
    source = piggy_source(start_date=window[0], end_date=window[1], stats=stats, **options)
    return source.with_resources(*selected) if selected else source


def hearing_source(
    selected: list[str] | None,
    base_url: str | None,
    stats: RunStats,
    window: tuple[datetime | None, datetime | None],
    options: dict[str, Any],
    hears: bool,
) -> DltSource:
    """`make_source`, with the webhook events since the last run and their contacts to refetch
    when the run `hears` the journal (not a backfill, not a refresh: those leave the events, and
    their cursor, for the next run)."""
    heard = hear(selected) if hears else None
    if heard is None:
        return make_source(selected, base_url, stats, window, options)
    options = {**options, "refetch_contacts": heard.contacts}
    return heard.add_to(make_source(selected, base_url, stats, window, options))


def sweep_line(source: DltSource) -> str | None:
    """Whether the run swept the contacts and when the next sweep is due (read after the run)."""
    if "contacts" not in source.selected_resources:
        return None
    return schedule_line(source.resources["contacts"].state)


def run_load(
    resources: Sequence[str] | None = None,
    *,
    destination: str = "duckdb",
    dataset_name: str = DEFAULT_DATASET,
    pipeline_name: str = "piggy",
    duckdb_path: str | Path | None = None,
    pipelines_dir: str | Path | None = None,
    base_url: str | None = None,
    full_refresh: bool = False,
    refresh: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    listener: Listener | None = None,
    drop_history: bool = False,
    on_destination_switch: Callable[[str], None] | None = None,
    then: Callable[[], None] | None = None,
    **source_options: Any,
) -> LoadSummary:
    """Load the chosen resources (all by default) and return what was read.

    `refresh` reloads one resource from scratch (tables and cursor dropped), `full_refresh` every
    one; either refuses to drop the contacts' history unless `drop_history` (`--yes`) says so.
    A backfill window (`start_date`/`end_date`) loads that window and moves no saved cursor.
    `on_destination_switch` hears the destination of the pipeline's last run when it is another:
    read under the run lock, never from a working folder another run is creating. `then` runs
    after the load under the same lock (the run command's retention erasure), so no second run
    loads between the two.
    """
    selected = check_selection(resources, refresh, start_date, end_date)
    arrow_on_the_system_allocator()
    configure_dlt(destination)
    stats = RunStats(listener)
    hears, window = start_date is None and not (full_refresh or refresh), (start_date, end_date)
    mode = "drop_sources" if full_refresh else ("drop_resources" if refresh else None)
    started = time.monotonic()
    with run_lock(pipelines_dir, pipeline_name):  # before dlt or the warehouse is opened
        if on_destination_switch:
            previous = last_destination(pipeline_name, pipelines_dir)
            if previous is not None and previous != destination:
                on_destination_switch(previous)
        pipeline = make_pipeline(
            pipeline_name, dataset_name, destination, duckdb_path, pipelines_dir
        )
        source = hearing_source(selected, base_url, stats, window, source_options, hears)
        resumed = finish_interrupted(pipeline)
        source = forget_erased(source, pipeline)
        dropped = history_at_stake(pipeline, full_refresh, refresh)
        if dropped and not drop_history:
            raise RefusedError(f"{dropped}; run again with --yes to drop it")
        # dlt types refresh without None, its default
        info = pipeline.run(source, loader_file_format="parquet", refresh=mode)  # type: ignore[arg-type]
        if then:
            then()
    return LoadSummary(
        pipeline_name=pipeline_name,
        dataset_name=dataset_name,
        destination=destination,
        load_ids=resumed + list(info.loads_ids),
        duration_seconds=time.monotonic() - started,
        resources=dict(stats.resources),
        dropped=dropped,
        warehouse=location(pipeline),
        contacts_sweep=sweep_line(source),
    )
