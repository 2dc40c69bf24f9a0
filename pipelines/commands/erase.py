"""The `erase` command, and the retention pass that ends each `piggy-elt run`.

`erase` is a dry run unless `--apply`: it lists every table and file that holds the member's
personal data and how many rows, and changes nothing. With `--apply` it erases them everywhere
(pipelines.privacy.erase) and rebuilds the models with the very `dbt build` of `piggy-elt
transform`, so no mart or segment keeps a trace.
"""

import sys
import time

import typer
from rich.console import Console
from rich.table import Table

from pipelines.commands.transform import transform
from pipelines.errors import RefusedError, UsageError
from pipelines.exports.audit import os_user
from pipelines.privacy.erase import erase_all, erasure_session, find_member, survey
from pipelines.privacy.log import REQUEST
from pipelines.privacy.retention import erase_deleted_members
from pipelines.privacy.settings import MissingErasureKey, erasure_key, load_privacy


def erase(
    contact: str = typer.Option(None, "--contact", help="The member's contact uuid."),
    email: str = typer.Option(None, "--email", help="Or the member's email address."),
    apply: bool = typer.Option(False, "--apply", help="Erase; without it, only list."),
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    target_path: str = typer.Option(
        None, "--target-path", help="Where the rebuild's dbt artifacts go (as for transform)."
    ),
) -> None:
    """Erase a member's personal data everywhere (dry run unless --apply); money rows stay."""
    if (contact is None) == (email is None):
        raise UsageError("name the member with exactly one of --contact UUID or --email ADDRESS")
    key = erasure_key(load_privacy()) if apply else b""
    started = time.monotonic()
    with erasure_session(pipeline_name) as session:
        member = find_member(session, contact, email)
        if not apply:
            Console().print(touched_table(survey(session, member), "would change (dry run)"))
            typer.echo(f"nothing changed: rerun with --apply to erase contact {member.uuid}")
            return
        done = erase_all(
            session, [member], REQUEST, os_user(), key, lambda: rebuild(pipeline_name, target_path)
        )
    Console().print(touched_table(done[0].touched, "erased"))
    entry = done[0].entry or {}  # erase_all records every erasure's log entry
    typer.echo(
        f"erased contact {member.uuid} in {time.monotonic() - started:.1f}s; models rebuilt; "
        f"erasure log entry {entry.get('erasure_id')}"
    )


def erase_deleted(pipeline_name: str) -> None:
    """Apply the retention rule after a load, under that run's lock (`run_load(then=...)`);
    without an erasure key, say what to store."""
    try:
        done = erase_deleted_members(pipeline_name, lambda: rebuild(pipeline_name, None))
    except (MissingErasureKey, RefusedError) as reason:
        typer.secho(
            f"warning: members deleted in Piggy are due for erasure, not erased: {reason}",
            fg=typer.colors.YELLOW,
            err=True,
        )
        return
    if done:
        rows = sum(sum(erasure.touched.values()) for erasure in done)
        typer.echo(f"retention: erased {len(done)} member(s) deleted in Piggy ({rows} rows)")


def rebuild(pipeline_name: str, target_path: str | None) -> None:
    """`piggy-elt transform` on the pipeline's own target, so marts and segments lose the member.

    dbt runs in this process and copies its command line into `run_results.json`; that line may
    hold the member's email (`erase --email`), so dbt is shown only the command's name."""
    saved, sys.argv = sys.argv, [sys.argv[0], "erase"]
    try:
        transform(
            target=None,
            select=None,
            pipeline_name=pipeline_name,
            as_of=None,
            target_path=target_path,
        )
    finally:
        sys.argv = saved


def touched_table(touched: dict[str, int], verb: str) -> Table:
    table = Table(title=f"{sum(touched.values())} rows in {len(touched)} tables and files {verb}")
    table.add_column("table or file")
    table.add_column("rows", justify="right")
    for where, rows in sorted(touched.items()):
        table.add_row(where, str(rows))
    return table


def register(app: typer.Typer) -> None:
    """Add `erase` to the CLI."""
    app.command("erase")(erase)
