"""The `transform` command: build the dbt project on the warehouse the pipeline loaded."""

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from pipelines.dbt_connection import (
    TARGETS,
    bigquery_keyfile,
    environment,
    project_paths,
    warehouse_settings,
)
from pipelines.dbt_runs import describe_failure, run_build
from pipelines.errors import CliError, DataCheckError, UsageError
from pipelines.json_output import JsonFlag, result_document
from pipelines.privacy.settings import load_privacy, model_variables
from pipelines.warehouse import attach_pipeline


def transform(
    target: str | None = typer.Option(
        None,
        "--target",
        help=f"dbt target: {', '.join(TARGETS)}. Default: the pipeline's destination.",
    ),
    select: str | None = typer.Option(
        None, "--select", help="dbt selection, e.g. 'marts.segments+'."
    ),
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Compute 'today' figures for this day "
        "(YYYY-MM-DD) instead of today, for reproducible builds.",
    ),
    target_path: str | None = typer.Option(
        None,
        "--target-path",
        help=(
            "Where dbt writes compiled SQL and artifacts."
            " Default: $DBT_TARGET_PATH, else dbt_project/target."
        ),
    ),
    as_json: JsonFlag = False,
) -> None:
    """Run `dbt build` (models, data tests, unit tests) on the warehouse the pipeline loaded."""
    with result_document("transform", as_json) as document:
        _transform(document, target, select, pipeline_name, as_of, target_path)


def dbt_variables(as_of: str | None) -> dict[str, Any]:
    """The vars a build uses (the privacy setting, the as-of day). `docs` passes the same, so
    dbt reuses the build's parse instead of parsing the project again."""
    variables = model_variables(load_privacy())
    if as_of:
        variables["as_of_date"] = check_day(as_of)
    return variables


def _transform(
    document: dict[str, Any],
    target: str | None,
    select: str | None,
    pipeline_name: str,
    as_of: str | None,
    target_path: str | None,
) -> None:
    variables = dbt_variables(as_of)
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
    paths = project_paths(Path(target_path) if target_path else None)
    console = Console(stderr=True)
    settings = warehouse_settings(pipeline, chosen)
    with bigquery_keyfile(pipeline, chosen) as keyfile, environment({**settings, **keyfile}):
        outcome = run_build(paths, select, variables, console)
        document.update(
            target=chosen,
            dataset_name=pipeline.dataset_name,
            select=select,
            counts=outcome.counts,
            failures=[
                {"resource_type": kind, "name": name, "message": message}
                for kind, name, message in outcome.failures
            ],
            dbt_seconds=round(outcome.seconds, 3),
            target_path=str(paths["target"]),
        )
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
