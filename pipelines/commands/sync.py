"""`piggy-elt sync`: the whole scheduled job, one command and one exit code.

Load, transform, export, and review cashback requests when any were loaded: each step is the very
command a user would run, in this process, in that order. The first step that fails stops the job
and the one error line names the step, so a scheduler's log says where to look; the exit code is
that step's own (README, "Exit codes").
"""

import contextlib
import io
import json
from typing import Annotated, Any

import typer

from pipelines.errors import CliError, describe_error, exit_code
from pipelines.exports.warehouse import actions_pipeline
from pipelines.json_output import JsonFlag, result_document
from pipelines.loading import DESTINATIONS

REQUESTS_TABLE = "cashback_requests"


class StepFailed(CliError):
    """One step of the job failed; carries that step's exit code."""

    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"sync stopped at `{step}`: {describe_error(cause)}")
        self.exit_code = exit_code(cause)


def requests_loaded(pipeline_name: str) -> bool:
    """True once `payouts load-requests` has created the requests table for this pipeline."""
    actions = actions_pipeline(pipeline_name)
    return any(REQUESTS_TABLE in schema.tables for schema in actions.schemas.values())


def run_step(
    app: typer.Typer, step: str, arguments: list[str], steps: list[dict[str, Any]] | None
) -> None:
    """Run one CLI command in this process; any failure becomes `StepFailed`.

    With `steps` (sync --json) the step runs with `--json` too and its document is kept there.
    """
    typer.secho(f"sync: {step}", bold=True, err=True)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed) if steps is not None else contextlib.nullcontext():
            code = app(
                [*arguments, *(["--json"] if steps is not None else [])],
                standalone_mode=False,
                prog_name="piggy-elt",
            )
    except Exception as error:  # noqa: BLE001 - every failure of a step is reported the same way
        raise StepFailed(step, error) from error
    finally:
        if steps is not None and printed.getvalue().strip():
            steps.append(json.loads(printed.getvalue()))
    if isinstance(code, int) and code:
        raise StepFailed(step, CliError(f"`piggy-elt {step}` exited with code {code}"))


def register(app: typer.Typer) -> None:
    """Add `sync` to the CLI; its steps are the app's own commands."""

    @app.command("sync")
    def sync(
        pipeline_name: Annotated[str, typer.Option(help="The loading dlt pipeline.")] = "piggy",
        destination: Annotated[
            str, typer.Option(help=f"dlt destination: {', '.join(DESTINATIONS)}.")
        ] = "duckdb",
        allow_stale: Annotated[
            bool, typer.Option(help="Export even when the data is older than the limit.")
        ] = False,
        as_json: JsonFlag = False,
    ) -> None:
        """Run, transform, export and (when requests were loaded) review payouts: one job."""
        name = ["--pipeline-name", pipeline_name]
        with result_document("sync", as_json) as document:
            steps = document.setdefault("steps", []) if as_json else None
            run_step(app, "run", ["run", "--destination", destination, *name], steps)
            run_step(app, "transform", ["transform", *name], steps)
            stale = ["--allow-stale"] if allow_stale else []
            run_step(app, "export", ["export", *name, *stale], steps)
            if requests_loaded(pipeline_name):
                run_step(app, "payouts review", ["payouts", "review", *name], steps)
            typer.secho("sync: done", bold=True, err=True)
