"""`piggy-elt` as a user starts it: its own process, folder, dlt data dir and DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "piggy-elt"


def environment(root: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without dlt or Piggy settings, plus this folder's own."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DLT_"))}
    return {
        **inherited,
        "DLT_DATA_DIR": str(root / "dlt"),
        "DESTINATION__DUCKDB__CREDENTIALS": str(root / "piggy.duckdb"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        **extra,
    }


def start(root: Path, *args: str, **extra: str) -> subprocess.Popen:
    """Start `piggy-elt ARGS` in `root` under the common umask 022."""
    return subprocess.Popen(
        [str(BIN), *args],
        cwd=root,
        env=environment(root, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_from_a_terminal,
    )


def _as_from_a_terminal() -> None:
    """umask 022, and Ctrl-C (SIGINT) delivered: a shell that started this test run in the
    background leaves SIGINT ignored, which the child would inherit, and Python then installs no
    KeyboardInterrupt for it."""
    os.umask(0o022)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def piggy_elt(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """Run `piggy-elt ARGS` in `root` to the end."""
    process = start(root, *args, **extra)
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def wait_for(path: Path, timeout: float = 120.0) -> None:
    """Block until `path` exists: the process has reached the step that creates it."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout:.0f}s"
        time.sleep(0.1)
