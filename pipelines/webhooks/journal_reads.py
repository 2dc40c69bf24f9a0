"""The receiver's journal as `piggy-elt run` reads it: by id, read-only, in bounded batches.

The run never writes to the journal (the receiver may be appending to it at the same moment; WAL
lets both proceed) and never creates one. It takes a snapshot bound (`last_id`) first, so the
contacts it refetches and the events it loads are the same set; later events wait for the next
run. Bodies are read a batch at a time, so a week of events does not sit in memory at once.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Logged:
    """One accepted delivery, whatever its state in the receiver's bookkeeping."""

    event_id: int
    type: str
    contact_uuid: str | None
    received_at: float
    body: bytes


class JournalReader:
    """A read-only connection to an existing journal."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        self._db.close()

    def last_id(self) -> int:
        """The newest event's id (0 for an empty journal): where a snapshot ends."""
        (newest,) = self._db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        return int(newest)

    def contacts_between(self, after_id: int, up_to: int) -> list[str]:
        """The contacts named by the events with `after_id < id <= up_to`, sorted."""
        rows = self._db.execute(
            "SELECT DISTINCT contact_uuid FROM events WHERE id > ? AND id <= ? "
            "AND contact_uuid IS NOT NULL ORDER BY contact_uuid",
            (after_id, up_to),
        ).fetchall()
        return [uuid for (uuid,) in rows]

    def since(self, after_id: int, up_to: int, limit: int) -> list[Logged]:
        """Up to `limit` events with `after_id < id <= up_to`, by id."""
        rows = self._db.execute(
            "SELECT id, type, contact_uuid, received_at, body FROM events "
            "WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
            (after_id, up_to, limit),
        ).fetchall()
        return [Logged(*row) for row in rows]
