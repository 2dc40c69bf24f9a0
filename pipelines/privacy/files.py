"""Erasure outside the warehouse: export files, review queues and the webhook journal.

Export files and review queues are CSV/Parquet pairs keyed by `contact_uuid`: each pair that has
the member is written again without their rows, through the exports' own writer (owner-only,
formula-safe, renamed into place), and a segment's manifest is counted again without them
(`pipelines.privacy.manifests`). The webhook journal keeps event bodies: the member's events
get their email and body scrubbed, with SQLite's `secure_delete` on and the file vacuumed and
its write-ahead log truncated, so the old bytes do not linger in free pages.
"""

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipelines.exports.files import write_table
from pipelines.privacy.manifests import recount_manifest
from pipelines.privacy.personal_data import FILE_KEY, Member, scrub_json

Rows = dict[str, list[dict[str, Any]]]


def erase_from_files(folders: Iterable[Path], member: Member, apply: bool) -> dict[str, int]:
    """Rows of the member in every CSV/Parquet pair under the folders (segments, deltas, queues),
    and the manifests that counted them."""
    touched = {}
    removed: defaultdict[Path, Rows] = defaultdict(dict)
    kept: defaultdict[Path, Rows] = defaultdict(dict)
    for parquet in _pairs(folders):
        table = pq.read_table(parquet)
        rows = table.to_pylist()
        theirs = [row for row in rows if _is_member_row(row, member)]
        if not theirs:
            continue
        touched[str(parquet.with_suffix(""))] = len(theirs)
        folder, stem = parquet.parent, parquet.stem
        removed[folder][stem] = theirs
        kept[folder][stem] = [row for row in rows if not _is_member_row(row, member)]
        if apply:
            write_table(folder, stem, table.column_names, kept[folder][stem])
    for folder, gone in removed.items():
        touched |= recount_manifest(folder, gone, kept[folder], apply)
    return touched


def erase_from_journal(path: Path, member: Member, apply: bool) -> dict[str, int]:
    """The member's events in the webhook journal: email nulled, body scrubbed."""
    if not path.exists():
        return {}
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA busy_timeout=5000")
        found = db.execute(
            "SELECT id, contact_uuid, email, body FROM events WHERE contact_uuid = ? "
            "OR lower(CAST(body AS TEXT)) LIKE ?",
            (member.uuid, f"%{member.uuid.lower()}%"),
        ).fetchall()
        found += db.execute(
            "SELECT id, contact_uuid, email, body FROM events WHERE email IS NOT NULL"
        ).fetchall()
        theirs = {
            event_id: body
            for event_id, uuid, email, body in found
            if (uuid == member.uuid or member.mentions(email) or member.mentions(body))
            and (email is not None or _scrubbed_differs(body, member))
        }
        if apply and theirs:
            _scrub_events(db, theirs, member)
    return {str(path): len(theirs)} if theirs else {}


def _scrub_events(db: sqlite3.Connection, bodies: dict[int, bytes], member: Member) -> None:
    db.execute("PRAGMA secure_delete=ON")
    db.execute("BEGIN IMMEDIATE")
    for event_id, body in bodies.items():
        scrubbed = (scrub_json(body, member) or "{}").encode()
        db.execute("UPDATE events SET email = NULL, body = ? WHERE id = ?", (scrubbed, event_id))
    db.execute("COMMIT")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _scrubbed_differs(body: bytes, member: Member) -> bool:
    """True while a body still holds something of the member's (an erased one no longer does)."""
    try:
        as_read = json.dumps(json.loads(body), sort_keys=True, default=str)
    except ValueError:
        return True
    return scrub_json(body, member) != as_read


def _pairs(folders: Iterable[Path]) -> list[Path]:
    """Each `.parquet` with its `.csv` twin, once, however the folders overlap."""
    seen: set[Path] = set()
    for folder in folders:
        if folder.is_dir():
            for parquet in sorted(folder.rglob("*.parquet")):
                if not parquet.name.startswith(".") and parquet.with_suffix(".csv").exists():
                    seen.add(parquet.resolve())
    return sorted(seen)


def _is_member_row(row: dict[str, object], member: Member) -> bool:
    email = row.get("email")
    return row.get(FILE_KEY) == member.uuid or (
        isinstance(email, str) and email.lower() in member.emails
    )
