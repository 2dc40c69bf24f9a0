"""What was last exported, kept in the warehouse (dlt merge on keys).

`export_members` holds one row per segment member ever exported, with the fingerprint sent last and
whether it is still in the segment; `export_runs` one row per successful export. Both are written
only after every target accepted the export, so a failed export leaves the last good state intact.
"""

import json
from typing import Any

import dlt

from pipelines.exports.audit import audit_resource
from pipelines.exports.changes import EMAIL, EMAIL_SHA256, LEFT, UNCHANGED, SegmentDelta
from pipelines.exports.warehouse import ACTIONS_DATASET, load, read_rows_if_present

MEMBERS_TABLE = "export_members"
RUNS_TABLE = "export_runs"


def previous_members(pipeline: dlt.Pipeline, segment: str) -> dict[str, dict[str, Any]]:
    """Members of the last successful export of `segment`, by key, with fingerprint and email
    columns (`email`, and `email_sha256` once an export was keyed by it)."""
    rows = read_rows_if_present(
        pipeline, ACTIONS_DATASET, MEMBERS_TABLE, "WHERE segment = %s AND in_segment", (segment,)
    )
    return {row["member_key"]: row for row in rows}


def record_export(
    pipeline: dlt.Pipeline,
    segment: str,
    delta: SegmentDelta,
    run: dict[str, Any],
    audit_rows: list[dict[str, Any]],
) -> None:
    """Remember what was sent (changed members only), the run and its audit, in one dlt load."""
    member_rows = [
        {
            "segment": segment,
            "member_key": change.member_key,
            "fingerprint": delta.current.get(change.member_key),
            EMAIL: change.row.get(EMAIL),
            EMAIL_SHA256: change.row.get(EMAIL_SHA256),
            "in_segment": change.change != LEFT,
            "export_id": run["export_id"],
            "exported_at": run["exported_at"],
        }
        for change in delta.changes
        if change.change != UNCHANGED
    ]
    members = dlt.resource(
        member_rows,
        name=MEMBERS_TABLE,
        primary_key=["segment", "member_key"],
        write_disposition="merge",
        # Typed up front: in a given mode one of the two email columns is always null.
        columns={
            column: {"data_type": "text", "nullable": True}
            for column in ("fingerprint", EMAIL, EMAIL_SHA256)
        },
    )
    runs = dlt.resource(
        [
            {
                **run,
                "targets": json.dumps(run["targets"], sort_keys=True),
                "withheld": json.dumps(run["withheld"], sort_keys=True),
            }
        ],
        name=RUNS_TABLE,
        primary_key="export_id",
        write_disposition="merge",
    )
    load(pipeline, [members, runs, *([audit_resource(audit_rows)] if audit_rows else [])])
