"""`piggy-elt report`: write the marts as a static HTML report that opens from a file."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from pipelines.commands.transform import check_day
from pipelines.warehouse import attach_pipeline


def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write report.html into.")] = Path(
        "report"
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Day (YYYY-MM-DD) the report must be for; refused unless the marts were built for "
        "it. Default: the day the marts were built for.",
    ),
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
) -> None:
    """Write report.html: charts of the marts, with the charting library inlined (no network)."""
    from pipelines.report import build_report  # plotly loads only for this command

    day = date.fromisoformat(check_day(as_of)) if as_of else None
    path = build_report(attach_pipeline(pipeline_name), out, day, datetime.now(UTC))
    # Plain echo: a console would wrap a long path at 80 columns, and paths are for copying.
    typer.echo(f"report written: {path.resolve()} ({path.stat().st_size / 1024:,.0f} KB)")


def register(app: typer.Typer) -> None:
    """Add `report` to the CLI."""
    app.command("report")(report)
