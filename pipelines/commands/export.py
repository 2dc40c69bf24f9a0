"""`piggy-elt export`: segment marts to files and marketing targets, only what changed."""

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipelines.exports.audit import RunContext
from pipelines.exports.freshness import check_freshness, require_fresh
from pipelines.exports.runner import ExportResult, export_segment
from pipelines.exports.segments import declared_segments, require_segments
from pipelines.exports.settings import load_settings
from pipelines.exports.warehouse import actions_session
from pipelines.json_output import JsonFlag, result_document, warn
from pipelines.privacy.settings import email_column, load_privacy


def export(
    segment: Annotated[
        list[str] | None,
        typer.Option("--segment", "-s", help="Segment to export (repeatable; default: all)."),
    ] = None,
    full: Annotated[bool, typer.Option(help="Send every member, not only the changes.")] = False,
    allow_stale: Annotated[
        bool, typer.Option(help="Export even when mart_resource_freshness is over the limit.")
    ] = False,
    output_dir: Annotated[
        Path | None, typer.Option(help="Where the files go (default: exports.output_dir).")
    ] = None,
    pipeline_name: Annotated[str, typer.Option(help="The loading dlt pipeline.")] = "piggy",
    actor: Annotated[str | None, typer.Option(help="Who runs this, for the audit.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Write each segment to CSV/Parquet with a manifest and push the changes to the targets."""
    with result_document("export", as_json) as document:
        _export(document, segment, full, allow_stale, output_dir, pipeline_name, actor)


def _export(
    document: dict[str, Any],
    segment: list[str] | None,
    full: bool,
    allow_stale: bool,
    output_dir: Path | None,
    pipeline_name: str,
    actor: str | None,
) -> None:
    settings = load_settings()
    email = email_column(load_privacy())
    if output_dir is not None:
        settings.output_dir = output_dir
    declared = declared_segments()
    segments = require_segments(segment or settings.segments or declared, declared)
    context = RunContext.start(actor, "export --full" if full else "export")
    now = dt.datetime.now(dt.UTC)
    with actions_session(pipeline_name) as pipeline:
        required, max_age = settings.required_resources, settings.max_age_hours
        freshness = check_freshness(pipeline, required, max_age, now)
        if not allow_stale:
            require_fresh(freshness, max_age)
        elif freshness.stale:
            warn(document, f"exporting stale data (--allow-stale): {', '.join(freshness.stale)}")
        results = [
            export_segment(pipeline, settings, name, freshness, context, full=full, email=email)
            for name in segments
        ]
    document.update(
        output_dir=str(settings.output_dir),
        full=full,
        data_watermark=freshness.data_watermark,
        segments={
            result.segment: _segment_document(result, settings.output_dir) for result in results
        },
    )
    _print_summary(results, settings.output_dir)


def _segment_document(result: ExportResult, output_dir: Path) -> dict[str, Any]:
    """What `export --json` says of one segment: members, changes, withheld, sent, files."""
    return {
        "members": result.rows,
        **{change: result.counts[change] for change in ("entered", "changed", "left")},
        "withheld": result.withheld,
        "sent": result.sent,
        "manifest": str(output_dir / result.segment / "manifest.json"),
    }


def _print_summary(results: list[ExportResult], output_dir: Path) -> None:
    table = Table(title=f"exports written to {output_dir}/")
    for column in ("segment", "members", "entered", "changed", "left", "withheld", "sent"):
        table.add_column(column, justify="left" if column == "segment" else "right")
    for result in results:
        sent = ", ".join(f"{name} {count}" for name, count in result.sent.items()) or "-"
        counts = result.counts
        table.add_row(
            result.segment,
            str(result.rows),
            str(counts["entered"]),
            str(counts["changed"]),
            str(counts["left"]),
            str(sum(result.withheld.values())),
            sent,
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add `export` to the CLI."""
    app.command("export")(export)
