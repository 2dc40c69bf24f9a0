"""The durable journal of accepted deliveries: SQLite in WAL mode, fsynced at every commit.

A delivery is committed here before the receiver answers 2xx, so an acknowledged event survives
kill -9 and a power cut (`synchronous=FULL`). The digest of the raw body is unique: Piggy's
retries of one delivery are byte-for-byte the same and are stored once. Each event waits in
`pending` until its contact's profile reached the CRM (`done`); events that name no contact are
kept as `ignored`, types we do not know as `unknown`, and a push that kept failing as `dead`.
Settled events are forgotten after the retention (Piggy's retries come within minutes, so their
digests need not be kept for ever); dead and unknown ones stay until someone looks. The newest
event is never pruned, so SQLite never gives its id again: `piggy-elt run` loads events by id
(`journal_reads`).
The journal holds event bodies (customer data) but never a secret, and is readable by its owner
only.
"""

import hashlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    contact_uuid TEXT,
    email TEXT,
    body BLOB NOT NULL,
    received_at REAL NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS events_due ON events (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value REAL NOT NULL);
"""
PENDING, DONE, DEAD, IGNORED, UNKNOWN = "pending", "done", "dead", "ignored", "unknown"


@dataclass(frozen=True)
class Due:
    """Pending events of one contact, pushed together: one refetch however many events."""

    contact_uuid: str
    email: str | None
    event_ids: tuple[int, ...]
    received_at: float


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class Journal:
    """One connection, shared by the threads of one process under a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(
        self, raw: bytes, event_type: str, contact_uuid: str | None, email: str | None, state: str
    ) -> bool:
        """Store one delivery; False when the same bytes were stored before (a retry)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO events (digest, type, contact_uuid, email, body, "
                "received_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (digest(raw), event_type, contact_uuid, email, raw, time.time(), state),
            )
            if cursor.rowcount == 0:
                self._bump("duplicates")
            return cursor.rowcount == 1

    def due(self, limit: int, now: float | None = None) -> list[Due]:
        """Contacts with pending events whose next attempt is due, oldest event first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT contact_uuid, max(email), group_concat(id), min(received_at) FROM events "
                "WHERE state = ? AND next_attempt_at <= ? GROUP BY contact_uuid "
                "ORDER BY min(received_at) LIMIT ?",
                (PENDING, now or time.time(), limit),
            ).fetchall()
        return [
            Due(uuid, email, tuple(int(i) for i in ids.split(",")), received)
            for uuid, email, ids, received in rows
        ]

    def settle(self, event_ids: Iterable[int], at: float | None = None) -> None:
        """The events' contact reached the CRM: they are done."""
        ids = list(event_ids)
        with self._lock, self._transaction():
            self._db.executemany(
                "UPDATE events SET state = ?, done_at = ? WHERE id = ? AND state = ?",
                [(DONE, at or time.time(), i, PENDING) for i in ids],
            )
            self._set("last_push_at", at or time.time())

    def retry_later(self, event_ids: Iterable[int], error: str, policy: "Backoff") -> int:
        """Count a failed attempt; events out of attempts are dead-lettered. Returns how many."""
        dead = 0
        with self._lock, self._transaction():
            for event_id in event_ids:
                (attempts,) = self._db.execute(
                    "SELECT attempts + 1 FROM events WHERE id = ?", (event_id,)
                ).fetchone()
                state = DEAD if attempts >= policy.attempts else PENDING
                dead += state == DEAD
                self._db.execute(
                    "UPDATE events SET attempts = ?, state = ?, last_error = ?, "
                    "next_attempt_at = ? WHERE id = ?",
                    (attempts, state, error[:300], time.time() + policy.delay(attempts), event_id),
                )
        return dead

    def replay(self) -> int:
        """Dead letters back to pending with fresh attempts (after the cause was fixed); the
        count is added to the journal's `replayed` counter, which `webhooks status` shows."""
        with self._lock, self._transaction():
            cursor = self._db.execute(
                "UPDATE events SET state = ?, attempts = 0, next_attempt_at = 0, last_error = NULL "
                "WHERE state = ?",
                (PENDING, DEAD),
            )
            if cursor.rowcount:
                self._bump("replayed", cursor.rowcount)
            return cursor.rowcount

    def prune(self, older_than_seconds: float) -> int:
        """Forget settled events past the retention; pending, dead and unknown ones stay, and so
        does the newest event (SQLite gives the next id after the highest one left)."""
        cutoff = time.time() - older_than_seconds
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM events WHERE state IN (?, ?) AND received_at < ? "
                "AND id < (SELECT max(id) FROM events)",
                (DONE, IGNORED, cutoff),
            )
            return cursor.rowcount

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM events GROUP BY state")
            return {state: count for state, count in rows}

    def figures(self) -> dict[str, float | None]:
        """Oldest pending receipt, last push, duplicate and replay counts, for `webhooks status`."""
        with self._lock:
            (oldest,) = self._db.execute(
                "SELECT min(received_at) FROM events WHERE state = ?", (PENDING,)
            ).fetchone()
            counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        return {
            "oldest_pending_at": oldest,
            "last_push_at": counters.get("last_push_at"),
            "duplicates": int(counters.get("duplicates", 0)),
            "replayed": int(counters.get("replayed", 0)),
        }

    def dead_letters(self, limit: int = 20) -> list[dict[str, object]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, type, contact_uuid, attempts, last_error FROM events WHERE state = ? "
                "ORDER BY id LIMIT ?",
                (DEAD, limit),
            ).fetchall()
        keys = ("id", "type", "contact_uuid", "attempts", "last_error")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One commit, so one fsync, for a group of updates."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _bump(self, name: str, by: int = 1) -> None:
        self._db.execute(
            "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + ?",
            (name, by, by),
        )

    def _set(self, name: str, value: float) -> None:
        self._db.execute(
            "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
            (name, value, value),
        )


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter between journal-level attempts, capped."""

    attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1)))
