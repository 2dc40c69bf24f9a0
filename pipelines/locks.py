"""One process at a time: advisory file locks that the OS frees when the holder exits.

A killed process (even `kill -9`) never leaves a stale lock behind, so nobody has to clean up
before the next run; a second process that finds the lock held refuses at once, in one line.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import RefusedError


@contextmanager
def held(lock_path: Path, busy_message: str) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` for the block, or raise `RefusedError` at once."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefusedError(busy_message) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
