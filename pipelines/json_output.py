"""`--json`: one JSON document on stdout for a script, everything meant for people on stderr.

A command fills a plain dict (its result) whatever the flag; with `--json` the tables, progress
and notes it prints go to stderr instead, and the dict is printed on stdout when the command ends,
failed or not, with `ok`, `exit_code` (the code the process exits with, README "Exit codes") and,
on failure, `error`: the same line stderr shows. Keys follow `webhooks status --json`: snake_case,
paths as strings, times as ISO 8601, durations in `*_seconds`.
"""

import contextlib
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import click
import typer

from pipelines.errors import INTERRUPTED, describe_error, exit_code, root_cause

JsonFlag = Annotated[
    bool,
    typer.Option(
        "--json", help="Print one JSON document on stdout; tables and progress go to stderr."
    ),
]

INTERRUPTED_LINE = "interrupted; run again to resume"


@contextlib.contextmanager
def result_document(command: str, enabled: bool) -> Iterator[dict[str, Any]]:
    """The command's result dict; with `enabled`, stdout is stderr inside and the dict is
    printed on the real stdout at the end. Exceptions pass through unchanged."""
    document: dict[str, Any] = {"command": command}
    if not enabled:
        yield document
        return
    stdout, started = sys.stdout, time.monotonic()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield document
    except BaseException as failure:
        code, error = outcome_of(failure)
        _print(stdout, document, started, code, error)
        raise
    _print(stdout, document, started, 0, None)


def warn(document: dict[str, Any], message: str) -> None:
    """A warning for people (stderr, yellow) that the JSON document keeps under `warnings`."""
    document.setdefault("warnings", []).append(message)
    typer.secho(f"warning: {message}", fg=typer.colors.YELLOW, err=True)


def outcome_of(failure: BaseException) -> tuple[int, str | None]:
    """The exit code the CLI gives this failure, and its one error line (none for a clean
    `typer.Exit(0)`)."""
    if isinstance(failure, typer.Exit | click.exceptions.Exit):
        code = failure.exit_code
        return code, None if code == 0 else f"exited with code {code}"
    if isinstance(failure, SystemExit):
        code = failure.code if isinstance(failure.code, int) else 1
        return code, None if code == 0 else f"exited with code {code}"
    if isinstance(failure, typer.Abort | click.exceptions.Abort | KeyboardInterrupt) or isinstance(
        root_cause(failure), KeyboardInterrupt
    ):
        return INTERRUPTED, INTERRUPTED_LINE
    return exit_code(failure), describe_error(failure)


def to_json(value: Any) -> Any:
    """What `json.dumps` cannot write itself: times as ISO 8601, paths and the rest as text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _print(
    stdout: Any, document: dict[str, Any], started: float, code: int, error: str | None
) -> None:
    finished = {
        "command": document["command"],
        "ok": code == 0,
        "exit_code": code,
        **{key: value for key, value in document.items() if key != "command"},
        "duration_seconds": round(time.monotonic() - started, 3),
    }
    if error is not None:
        finished["error"] = error
    stdout.write(json.dumps(finished, default=to_json) + "\n")
    stdout.flush()
