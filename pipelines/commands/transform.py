"""The `transform` command: build the dbt project on the warehouse the pipeline loaded.

dbt reads its connection from `dbt_project/profiles.yml`, whose targets take every setting from
environment variables. This command fills those variables from the dlt pipeline's own destination
config, so users configure credentials once (for dlt) and never repeat them for dbt. dlt's bundled
dbt runner is not used: it runs `dbt run` and `dbt test` separately with its own profile, while we
need `dbt build` (models, seeds, data tests and unit tests in dependency order) on our profile.
"""

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dlt
import typer
from dlt.pipeline.exceptions import CannotRestorePipelineException
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines.errors import CliError, DataCheckError, UsageError

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
TARGETS = ("duckdb", "motherduck", "postgres", "redshift", "bigquery", "snowflake")
FAILED_STATUSES = ("error", "fail", "runtime error")
SHOWN_FAILING_ROWS = 3


@dataclass
class BuildOutcome:
    """What `dbt build` did: counts by status, the nodes that failed, how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0


def warehouse_settings(pipeline: dlt.Pipeline, target: str) -> dict[str, str]:
    """The profile's environment variables for `target`, from the pipeline's dlt credentials."""
    with pipeline.destination_client() as client:
        credentials = client.config.credentials
    settings = {"PIGGY_DBT_TARGET": target, "PIGGY_RAW_SCHEMA": pipeline.dataset_name}
    if target == "duckdb":
        settings["PIGGY_DUCKDB_PATH"] = str(Path(credentials.database).resolve())
    elif target == "motherduck":
        settings["PIGGY_MOTHERDUCK_DATABASE"] = credentials.database
        if credentials.password:
            settings["MOTHERDUCK_TOKEN"] = str(credentials.password)
    elif target in ("postgres", "redshift"):
        prefix = f"PIGGY_{target.upper()}_"
        settings.update(
            {
                prefix + "HOST": credentials.host,
                prefix + "PORT": str(credentials.port),
                prefix + "USER": credentials.username,
                prefix + "PASSWORD": str(credentials.password or ""),
                prefix + "DATABASE": credentials.database,
            }
        )
    elif target == "snowflake":
        settings.update(
            {
                "PIGGY_SNOWFLAKE_ACCOUNT": credentials.host,
                "PIGGY_SNOWFLAKE_USER": credentials.username,
                "PIGGY_SNOWFLAKE_PASSWORD": str(credentials.password or ""),
                "PIGGY_SNOWFLAKE_ROLE": credentials.role or "",
                "PIGGY_SNOWFLAKE_DATABASE": credentials.database,
                "PIGGY_SNOWFLAKE_WAREHOUSE": credentials.warehouse or "",
            }
        )
    elif target == "bigquery":
        settings["PIGGY_BIGQUERY_PROJECT"] = credentials.project_id
        settings["PIGGY_BIGQUERY_LOCATION"] = client.config.location
    return settings


def attach_pipeline(pipeline_name: str) -> dlt.Pipeline:
    try:
        return dlt.attach(pipeline_name=pipeline_name)
    except CannotRestorePipelineException:
        raise CliError(
            f"pipeline {pipeline_name!r} has not run here yet: run `piggy-elt run` first"
        ) from None


@contextmanager
def environment(settings: dict[str, str]) -> Iterator[None]:
    """Set variables for dbt (which runs in this process) and put the old values back after."""
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def bigquery_keyfile(pipeline: dlt.Pipeline, target: str) -> Iterator[dict[str, str]]:
    """dbt-bigquery wants a key file; dlt holds the key as config. Lend it a private temp file."""
    if target != "bigquery" or os.environ.get("PIGGY_BIGQUERY_KEYFILE"):
        yield {}
        return
    with pipeline.destination_client() as client:
        key = client.config.credentials.to_native_representation()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as keyfile:
        os.chmod(keyfile.name, 0o600)
        keyfile.write(key)
        keyfile.flush()
        yield {"PIGGY_BIGQUERY_KEYFILE": keyfile.name}


def dbt_arguments(
    command: str, paths: dict[str, Path], select: str | None, variables: dict[str, Any]
) -> list[str]:
    arguments = [
        command,
        "--project-dir",
        str(paths["project"]),
        "--profiles-dir",
        str(paths["project"]),
        "--target-path",
        str(paths["target"]),
        "--log-path",
        str(paths["logs"]),
        "--log-level",
        "none",
        "--log-level-file",
        "info",
    ]
    if select:
        arguments += ["--select", select]
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    return arguments


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
    for node_result in result.result or []:
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
    if not result.success or not result.result:
        return ""
    table = result.result.results[0].agate_table
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


def transform(
    target: str = typer.Option(
        None,
        "--target",
        help=f"dbt target: {', '.join(TARGETS)}. Default: the pipeline's destination.",
    ),
    select: str = typer.Option(None, "--select", help="dbt selection, e.g. 'marts.segments+'."),
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Compute 'today' figures for this day "
        "(YYYY-MM-DD) instead of today, for reproducible builds.",
    ),
    target_path: str = typer.Option(
        None,
        "--target-path",
        help="Where dbt writes compiled SQL and artifacts. Default: dbt_project/target.",
    ),
) -> None:
    """Run `dbt build` (models, data tests, unit tests) on the warehouse the pipeline loaded."""
    variables = {"as_of_date": check_day(as_of)} if as_of else {}
    pipeline = attach_pipeline(pipeline_name)
    loaded_into = pipeline.destination.destination_type.rsplit(".", 1)[-1]
    chosen = target or loaded_into
    if chosen not in TARGETS:
        raise UsageError(f"unknown --target {chosen}: choose from {', '.join(TARGETS)}")
    if chosen != loaded_into:
        raise UsageError(
            f"--target {chosen} does not match pipeline {pipeline_name!r}, which loads into "
            f"{loaded_into}: drop --target, or load with `piggy-elt run --destination {chosen}`"
        )
    artifacts = Path(target_path) if target_path else PROJECT_DIR / "target"
    paths = {"project": PROJECT_DIR, "target": artifacts, "logs": artifacts / "logs"}
    console = Console(stderr=True)
    settings = warehouse_settings(pipeline, chosen)
    with bigquery_keyfile(pipeline, chosen) as keyfile, environment({**settings, **keyfile}):
        outcome = run_build(paths, select, variables, console)
        if select and not outcome.counts:
            raise UsageError(f"--select {select!r} matched no dbt model, seed or test")
        if outcome.failures:
            checks_only = all(kind in ("test", "unit_test") for kind, _, _ in outcome.failures)
            error = DataCheckError if checks_only else CliError
            raise error(describe_failure(outcome, paths, variables))
    summary = ", ".join(f"{count} {status}" for status, count in sorted(outcome.counts.items()))
    Console().print(
        f"dbt build on {chosen} dataset {pipeline.dataset_name!r}: {summary} "
        f"in {outcome.seconds:.1f}s"
    )


def check_day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date: use YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("transform")(transform)
