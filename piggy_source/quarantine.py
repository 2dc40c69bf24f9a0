"""Records that fail validation, kept whole with the reason, so one bad record never stops a page.

They land in `quarantined_records` (append): resource, reason, record key, the raw record as JSON
and when it was set aside. Fix the cause upstream, and the next read of that record loads it.
"""

from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

QUARANTINE_TABLE = "quarantined_records"

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("resource", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("record_key", pa.string()),
        pa.field("raw_payload", pa.string()),
        pa.field("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)


def readable_key(record: Any) -> str | None:
    """The record's uuid (or name, or id) when it has a usable one, for finding it again."""
    if not isinstance(record, dict):
        return None
    for key in ("uuid", "name", "id"):
        value = record.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def quarantine_row(resource: str, record: Any, reason: str) -> dict[str, Any]:
    payload = orjson.dumps(record, default=str, option=orjson.OPT_SORT_KEYS).decode()
    return {
        "resource": resource,
        "reason": reason,
        "record_key": readable_key(record),
        "raw_payload": payload,
        "quarantined_at": datetime.now(UTC),
    }


def quarantine_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)
