"""One export of one segment: read the mart, compare, write files, push, then remember.

The order matters: the segment and delta files first (they hold the whole segment even when no
target is configured), then the targets, then the manifest, and only then the warehouse state.
Whatever fails (a full disk, a target), no state moves, so the next export computes the same
difference, rewrites the same files and resends the same batches under the same idempotency keys.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt

from pipelines.exports import files, shapes
from pipelines.exports.audit import RunContext, audit_row
from pipelines.exports.changes import EMAIL, SegmentDelta, compare, content_hash, to_send
from pipelines.exports.errors import ExportError
from pipelines.exports.freshness import Freshness
from pipelines.exports.push import send_batches
from pipelines.exports.segments import Members, read_members
from pipelines.exports.settings import CRM, ExportSettings
from pipelines.exports.state import previous_members, record_export


@dataclass
class ExportResult:
    """What one segment export did, for the command's summary table."""

    segment: str
    rows: int
    counts: dict[str, int]
    sent: dict[str, int]
    manifest: dict[str, Any]
    withheld: dict[str, int]


def export_segment(
    pipeline: dlt.Pipeline,
    settings: ExportSettings,
    segment: str,
    freshness: Freshness,
    context: RunContext,
    full: bool = False,
    email: str = EMAIL,
) -> ExportResult:
    """Export one segment end to end; see the module docstring for the order of the steps.
    `email` is the column that names members to email tools (`privacy.email_in_models`)."""
    now = dt.datetime.now(dt.UTC)
    members = read_members(pipeline, segment, email)
    columns, rows = members.columns, members.rows
    previous = previous_members(pipeline, segment)
    delta = compare(rows, previous, email)
    changes = to_send(delta, full)
    directory = settings.output_dir / segment
    with _file_errors(segment, directory):
        files.write_table(directory, segment, columns, rows)
        files.write_delta(directory, columns, changes)
    base = content_hash({key: member["fingerprint"] for key, member in previous.items()})
    sent = _push(settings, segment, delta, changes, full, scope=f"{segment}:{base}", email=email)
    run = _run_record(segment, delta, full, freshness, now, sent, members)
    manifest = _manifest(run, delta, columns)
    with _file_errors(segment, directory):
        files.write_manifest(directory, manifest)
    record_export(pipeline, segment, delta, run, _audit(context, segment, run["mode"], sent))
    totals = _member_totals(sent)
    return ExportResult(segment, len(rows), delta.counts, totals, manifest, members.withheld)


@contextmanager
def _file_errors(segment: str, directory: Path) -> Iterator[None]:
    """A file that cannot be written stops the export in one line, before any state moves."""
    try:
        yield
    except OSError as exc:
        raise ExportError(
            f"could not write the files of segment '{segment}' in {directory}: "
            f"{exc.strerror or exc}; nothing was recorded, fix the folder and rerun the export"
        ) from None


def _push(
    settings: ExportSettings,
    segment: str,
    delta: SegmentDelta,
    changes: list,
    full: bool,
    scope: str,
    email: str,
) -> dict[str, list]:
    if not changes:
        return {}
    content = content_hash(delta.current)
    mode = "full" if full else "delta"
    sent = {}
    for name, receiver in settings.receivers.items():
        if name == CRM:
            bodies = shapes.crm_bodies(segment, changes, settings.batch_size, email)
        else:
            bodies = shapes.webhook_bodies(segment, mode, content, changes, settings.batch_size)
        sent[name] = send_batches(receiver, bodies, f"{name}:{mode}:{scope}", shapes.members_in)
    return sent


def _audit(context: RunContext, segment: str, mode: str, sent: dict[str, list]) -> list[dict]:
    """One audit row per delivered batch: where it went, its key and size, the answer's status."""
    return [
        audit_row(
            context,
            "export.push",
            segment,
            sent={
                "target": name,
                "mode": mode,
                "batch": index,
                "members": batch.members,
                "idempotency_key": batch.idempotency_key,
            },
            status_code=batch.status_code,
            outcome="accepted",
        )
        for name, batches in sent.items()
        for index, batch in enumerate(batches, start=1)
    ]


def _member_totals(sent: dict[str, list]) -> dict[str, int]:
    return {name: sum(batch.members for batch in batches) for name, batches in sent.items()}


def _run_record(
    segment: str,
    delta: SegmentDelta,
    full: bool,
    freshness: Freshness,
    now: dt.datetime,
    sent: dict[str, list],
    members: Members,
) -> dict[str, Any]:
    counts = delta.counts
    return {
        "export_id": f"{segment}-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
        "segment": segment,
        "mode": "full" if full else "delta",
        "exported_at": now,
        "rows": len(members.rows),
        "withheld": members.withheld,
        "entered": counts["entered"],
        "changed": counts["changed"],
        "left": counts["left"],
        "content_hash": content_hash(delta.current),
        "data_watermark": freshness.data_watermark,
        "targets": {
            name: {"batches": len(batches), "keys": [b.idempotency_key for b in batches]}
            for name, batches in sent.items()
        },
    }


def _manifest(run: dict[str, Any], delta: SegmentDelta, columns: list[str]) -> dict[str, Any]:
    segment = run["segment"]
    return {
        "segment": segment,
        "export_id": run["export_id"],
        "exported_at": run["exported_at"].isoformat(),
        "mode": run["mode"],
        "rows": run["rows"],
        "data_watermark": run["data_watermark"].isoformat() if run["data_watermark"] else None,
        "content_hash": run["content_hash"],
        "delta": delta.counts,
        "withheld": run["withheld"],
        "columns": columns,
        "files": [f"{segment}.csv", f"{segment}.parquet", "delta.csv", "delta.parquet"],
        "targets": run["targets"],
    }
