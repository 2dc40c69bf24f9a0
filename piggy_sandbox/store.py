"""The live account database: where it lives, pooled connections, the clock and the write lock.

Generation happens once per data key into `base.sqlite`; each start works on a copy (unless asked to
keep state), so mutations never leak into the next run and the same seed serves the same bytes.
"""

from __future__ import annotations

import bisect
import itertools
import os
import queue
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.generate import generate

_starts = itertools.count(1)


def prepare_database(config: SandboxConfig) -> tuple[Path, bool]:
    """Generate the base file if needed; return the file to serve and whether it is disposable."""
    folder = Path(config.data_dir) / config.data_key
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base.sqlite"
    if not base.exists():
        partial = folder / f"base.sqlite.partial-{os.getpid()}-{threading.get_ident()}"
        partial.unlink(missing_ok=True)
        generate(str(partial), config)
        os.replace(partial, base)
    if not config.fresh:
        live = folder / "live.sqlite"
        if not live.exists():
            shutil.copyfile(base, live)
        return live, False
    live = folder / f"live-{os.getpid()}-{next(_starts)}.sqlite"
    shutil.copyfile(base, live)
    return live, True


class Store:
    """Pooled connections for request threads, one writer at a time, the clock, and the ids of
    deleted contacts (the holes a contacts page steps over, kept in memory as a sorted list)."""

    def __init__(self, path: Path, disposable: bool, pool_size: int = 8) -> None:
        self.path = path
        self.disposable = disposable
        self.write_lock = threading.RLock()
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._pool_size = pool_size
        with self._open() as db:
            db.execute("PRAGMA journal_mode=WAL")
            self.meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            self.deleted = [row[0] for row in db.execute(
                "SELECT id FROM contacts WHERE deleted_at IS NOT NULL ORDER BY id")]
        self.version = 0

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-16000")
        db.execute("PRAGMA busy_timeout=10000")
        return db

    @contextmanager
    def _open(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection; a request holds it for one response."""
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = self._connect()
        try:
            yield db
        finally:
            if self._pool.qsize() < self._pool_size:
                self._pool.put(db)
            else:
                db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the process-wide write lock; bumps the version on success."""
        with self.write_lock, self.read() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            self.version += 1

    @property
    def now(self) -> int:
        return int(self.meta["now"])

    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    @property
    def minor_units(self) -> int:
        return int(self.meta["minor_units"])

    def set_now(self, db: sqlite3.Connection, moment: int) -> None:
        """Move the clock forward (never back, so new rows keep ids in created_at order)."""
        moment = max(moment, self.now)
        db.execute("UPDATE meta SET value = ? WHERE key = 'now'", (str(moment),))
        self.meta["now"] = str(moment)

    def mark_deleted(self, contact_id: int) -> None:
        bisect.insort(self.deleted, contact_id)

    def gaps_between(self, low: int, high: int) -> int:
        """Deleted contact ids within [low, high]: the holes a contacts page must step over."""
        return bisect.bisect_right(self.deleted, high) - bisect.bisect_left(self.deleted, low)

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                break
        if self.disposable:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
