"""A small tmpfs to hold a DuckDB file, made read-only or filled up on demand (needs root)."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Tmpfs:
    """A mounted tmpfs; `read_only()` and `fill()` spoil it, `restore()` undoes both."""

    def __init__(self, mountpoint: Path) -> None:
        self.mountpoint = mountpoint
        self.filler = mountpoint / "filler.bin"

    def _mount(self, *options: str) -> None:
        subprocess.run(["mount", *options], check=True, capture_output=True)

    def read_only(self) -> None:
        self._mount("-o", "remount,ro", str(self.mountpoint))

    def fill(self) -> int:
        """Write until the disk is full; returns the bytes it took."""
        written = 0
        block = b"\0" * (1 << 16)
        with open(self.filler, "wb", buffering=0) as handle:
            try:
                while True:
                    written += handle.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        return written

    def restore(self) -> None:
        self._mount("-o", "remount,rw", str(self.mountpoint))
        self.filler.unlink(missing_ok=True)


@contextmanager
def tmpfs(mountpoint: Path, size_mb: int) -> Iterator[Tmpfs]:
    mountpoint.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mountpoint)],
                   check=True, capture_output=True)
    try:
        yield Tmpfs(mountpoint)
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False, capture_output=True)
