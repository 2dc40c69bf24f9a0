"""The erasure log: who was erased (as a keyed hash), when, why, by whom, and what was touched.

One append-only table, `erasure_log`, in the actions dataset beside export state and the payout
ledger. It holds no personal data: the member appears only as `member_hash` (HMAC-SHA256 of the
uuid under `privacy.erasure_key`), and `touched_json` names tables and files with row counts.
Loads read it to keep erased members erased (`pipelines.privacy.load_filter`).
"""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import dlt

from pipelines.exports.warehouse import ACTIONS_DATASET, load, read_rows_if_present

ERASURE_LOG = "erasure_log"
REQUEST, RETENTION = "request", "retention"


def logged_hashes(pipeline: dlt.Pipeline) -> set[str]:
    """The member hashes of every erasure recorded in this warehouse (none before the first)."""
    rows = read_rows_if_present(pipeline, ACTIONS_DATASET, ERASURE_LOG)
    return {row["member_hash"] for row in rows}


def log_entry(member_hash: str, reason: str, touched: dict[str, int], actor: str) -> dict[str, Any]:
    """One erasure as the log keeps it: the keyed hash, never the uuid or anything personal."""
    return {
        "erasure_id": uuid.uuid4().hex,
        "member_hash": member_hash,
        "reason": reason,
        "erased_at": datetime.now(UTC),
        "actor": actor,
        "touched_json": json.dumps(touched, sort_keys=True),
    }


def record_erasures(pipeline: dlt.Pipeline, entries: list[dict[str, Any]]) -> None:
    """Append the entries in one load (a retention pass may erase many members at once)."""
    load(pipeline, [dlt.resource(entries, name=ERASURE_LOG, write_disposition="append")])
