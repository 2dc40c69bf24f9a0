"""`dbt build` in this process: progress as nodes finish, and failures said in one line.

dlt's bundled dbt runner is not used: it runs `dbt run` and `dbt test` separately with its own
profile, while we need `dbt build` (models, seeds, data tests and unit tests in dependency order)
on our profile (`pipelines.dbt_connection`).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines.dbt_connection import (
    TARGETS,
    bigquery_keyfile,
    dbt_arguments,
    environment,
    node_results,
    warehouse_settings,
)
from pipelines.errors import CliError

FAILED_STATUSES = ("error", "fail", "runtime error")
SHOWN_FAILING_ROWS = 3


@dataclass
class BuildOutcome:
    """What `dbt build` did: counts by status, the nodes that failed, how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0


def run_build(
    paths: dict[str, Path], select: str | None, variables: dict[str, Any], console: Console
) -> BuildOutcome:
    """`dbt build`, showing each node as it finishes; returns what happened."""
    from dbt.cli.main import dbtRunner

    outcome = BuildOutcome()
    columns = (
        TextColumn("dbt build"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("build", total=None, failed=0)

        def on_event(event: Any) -> None:
            name = event.info.name
            if name == "LogStartLine" and event.data.total:
                progress.update(task, total=event.data.total)
            elif name == "NodeFinished":
                status = event.data.node_info.node_status
                outcome.counts[status] = outcome.counts.get(status, 0) + 1
                failed = sum(outcome.counts.get(s, 0) for s in FAILED_STATUSES)
                progress.update(task, advance=1, failed=failed)

        started = time.monotonic()
        result = dbtRunner(callbacks=[on_event]).invoke(
            dbt_arguments("build", paths, select, variables)
        )
        outcome.seconds = time.monotonic() - started
    if isinstance(result.exception, KeyboardInterrupt):
        raise KeyboardInterrupt
    if result.exception is not None:
        raise CliError(f"dbt could not run: {one_line(result.exception)}")
    for node_result in node_results(result):
        if str(node_result.status) in FAILED_STATUSES:
            node = node_result.node
            message = one_line(node_result.message)
            outcome.failures.append((node.resource_type, node.name, message))
    return outcome


def failing_rows(paths: dict[str, Path], test_name: str, variables: dict[str, Any]) -> str:
    """The first rows a failed test returned, `column=value` joined, so the message names them."""
    from dbt.cli.main import dbtRunner

    arguments = dbt_arguments("show", paths, test_name, variables)
    result = dbtRunner().invoke(arguments + ["--limit", str(SHOWN_FAILING_ROWS)])
    shown = node_results(result) if result.success else []
    table = shown[0].agate_table if shown else None
    if table is None:
        return ""
    rows = [", ".join(f"{name}={row[name]}" for name in table.column_names) for row in table.rows]
    return "; ".join(rows)


def one_line(value: object, limit: int = 400) -> str:
    """dbt's messages span lines (error kind, then the database's words): keep both, on one."""
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_failure(
    outcome: BuildOutcome, paths: dict[str, Path], variables: dict[str, Any]
) -> str:
    """One line: how many nodes failed, then the first failure with the rows that show why."""
    kind, name, message = outcome.failures[0]
    detail = failing_rows(paths, name, variables) if kind in ("test", "unit_test") else ""
    others = len(outcome.failures) - 1
    more = f" (and {others} more failed; see {paths['logs']}/dbt.log)" if others else ""
    rows = f": {detail}" if detail else ""
    return f"dbt build failed: {kind} {name}: {message}{rows}{more}"


@contextmanager
def pipeline_warehouse(pipeline: dlt.Pipeline) -> Iterator[str]:
    """dbt's connection to the warehouse `pipeline` loads into, for the block; yields the target."""
    target = pipeline.destination.destination_type.rsplit(".", 1)[-1]
    if target not in TARGETS:
        choices = ", ".join(TARGETS)
        raise CliError(f"dbt has no target for destination {target}: load into {choices}")
    settings = warehouse_settings(pipeline, target)
    with bigquery_keyfile(pipeline, target) as keyfile, environment({**settings, **keyfile}):
        yield target


def invoke(
    subcommand: list[str],
    paths: dict[str, Path],
    extra: tuple[str, ...] = (),
    variables: dict[str, Any] | None = None,
) -> Any:
    """A dbt command with two words (`source freshness`, `docs generate`) on our project and
    profile; dbt's result object, or one line when dbt could not run at all."""
    from dbt.cli.main import dbtRunner

    group, command = subcommand
    arguments = [group, *dbt_arguments(command, paths, None, variables or {}), *extra]
    result = dbtRunner().invoke(arguments)
    if isinstance(result.exception, KeyboardInterrupt):
        raise KeyboardInterrupt
    if result.exception is not None or result.result is None:
        reason = one_line(result.exception) or f"see {paths['logs']}/dbt.log"
        raise CliError(f"dbt {group} {command} failed: {reason}")
    return result
