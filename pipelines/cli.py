"""The `piggy-elt` command line: one Typer app, one module per command group.

Errors the user can act on (bad config, missing secrets, a wrong argument) print one line and exit
non-zero; the traceback appears only with `--debug`, so a log never shows internals by accident.
"""

import sys
from importlib.metadata import version

import typer
from typer.exceptions import TyperException

from pipelines.at_rest import create_owner_only, delete_loaded_files, warn_if_secrets_readable
from pipelines.commands import (
    demo,
    docs,
    erase,
    export,
    payouts,
    report,
    run,
    sandbox,
    sync,
    transform,
    webhooks,
)
from pipelines.errors import INTERRUPTED, describe_error, exit_code, root_cause
from pipelines.folder_data_dir import use_folder_data_dir

app = typer.Typer(
    name="piggy-elt",
    help="Load Piggy (Leat) loyalty data into your warehouse, model it with dbt, act on it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)

_debug = {"enabled": False}


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"piggy-elt {version('piggy-elt')}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    _debug["enabled"] = debug
    use_folder_data_dir()
    warn_if_secrets_readable()
    delete_loaded_files()


for command_group in (
    sandbox,
    run,
    transform,
    export,
    payouts,
    sync,
    report,
    demo,
    docs,
    webhooks,
    erase,
):
    command_group.register(app)


def main() -> None:
    """Console-script entry: run the app, turning known failures into one clear line."""
    create_owner_only()
    try:
        result = app(standalone_mode=False)
    except SystemExit:
        raise
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
    except TyperException as exc:
        if not hasattr(exc, "show"):
            raise
        exc.show()
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    except Exception as exc:  # noqa: BLE001 - the one place that decides how failures are shown
        if _debug["enabled"] or "--debug" in sys.argv:
            raise
        if isinstance(root_cause(exc), KeyboardInterrupt):
            _interrupted()
        message = describe_error(exc)
        typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
        raise SystemExit(exit_code(exc)) from None
    if result == INTERRUPTED:
        _interrupted()
    if isinstance(result, int) and result:
        raise SystemExit(result)


def _interrupted() -> None:
    """Ctrl-C: nothing loaded is lost (dlt resumes the interrupted load on the next run)."""
    typer.secho("interrupted; run again to resume", fg=typer.colors.YELLOW, err=True)
    raise SystemExit(INTERRUPTED) from None
