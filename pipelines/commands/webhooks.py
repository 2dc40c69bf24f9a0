"""The `webhooks` command group: the real-time receiver, its status, and Piggy's subscriptions."""

from __future__ import annotations

import typer

from pipelines.json_output import JsonFlag, result_document
from pipelines.webhooks import service
from pipelines.webhooks.events import SUBSCRIBED_TYPES
from pipelines.webhooks.settings import DEFAULT_PORT, load_connection, load_webhooks
from pipelines.webhooks.status import open_journal, read_status, status_lines
from pipelines.webhooks.subscribe import subscribe as subscribe_url

group = typer.Typer(
    help="Real-time CRM sync: receive Piggy's webhooks, push current profiles.",
    no_args_is_help=True,
)


@group.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind; loopback unless told."),
    port: int = typer.Option(DEFAULT_PORT, help="Port to listen on."),
    fd: int = typer.Option(None, help="Serve on this inherited listening socket instead."),
) -> None:
    """Receive signed events at POST /webhooks/piggy and keep the CRM current until stopped."""
    service.serve(service.Listen(host, port, fd))


@group.command()
def status(as_json: JsonFlag = False) -> None:
    """Backlog, oldest pending event, last push and dead letters, from the journal."""
    with result_document("webhooks status", as_json) as document:
        report = read_status(load_webhooks().journal_path())
        document.update(report)
        for line in status_lines(report):
            typer.echo(line)


@group.command()
def replay() -> None:
    """Move every dead letter back to pending, once their cause is fixed; the count is kept."""
    journal = open_journal(load_webhooks().journal_path())
    try:
        moved, replayed = journal.replay(), journal.figures()["replayed"]
    finally:
        journal.close()
    typer.echo(
        f"moved {moved} dead letter(s) back to pending ({replayed} replayed so far); a running "
        "receiver pushes them on its next pass"
    )


@group.command()
def subscribe(url: str = typer.Option(..., help="The public https URL of the receiver.")) -> None:
    """Subscribe URL to the events that change a profile; prints the secret to configure."""
    used = subscribe_url(load_connection(), url)
    typer.echo(f"subscribed {url} to {', '.join(SUBSCRIBED_TYPES)}")
    listed = ", ".join(f'"{secret}"' for secret in used)
    typer.echo(
        "put the signing secret where the receiver reads it, then restart it:\n"
        f"  .dlt/secrets.toml:  [webhooks]  secrets = [{listed}]\n"
        f"  or the environment: WEBHOOKS__SECRET={used[0]}"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.add_typer(group, name="webhooks")
