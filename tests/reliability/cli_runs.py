"""`piggy-elt` as a user runs it: a subprocess with its own environment, folder and DuckDB file.

Everything a run writes (dlt's pipelines folder, the DuckDB file, logs) stays under one workspace
folder, so a test can kill the process, rerun it, and afterwards grep every artefact it left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent / "piggy-elt"
INHERITED_PREFIXES = ("SOURCES__", "DESTINATION__", "DLT_", "RUNTIME__", "NORMALIZE__", "LOAD__")


@dataclass
class Workspace:
    """One user's working folder: `piggy.duckdb` and dlt's folder inside, unless moved."""

    root: Path
    duckdb_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.duckdb_path is None:
            self.duckdb_path = self.root / "piggy.duckdb"

    @property
    def dlt_dir(self) -> Path:
        return self.root / "dlt"

    @property
    def pipeline_dir(self) -> Path:
        return self.dlt_dir / "pipelines" / "piggy"

    def environment(self, **extra: str) -> dict[str, str]:
        """The caller's environment minus any dlt/Piggy setting, plus this workspace's."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
        base.update(
            DLT_DATA_DIR=str(self.dlt_dir),
            DESTINATION__DUCKDB__CREDENTIALS=str(self.duckdb_path),
            RUNTIME__DLTHUB_TELEMETRY="false",
            COLUMNS="200",
            **self.env,
            **extra,
        )
        return base

    def start(self, *args: str, **extra: str) -> subprocess.Popen:
        """Start `piggy-elt ARGS` in its own process group, so a kill reaches every child."""
        return subprocess.Popen(
            [str(BIN), *args],
            cwd=self.root,
            env=self.environment(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def run(self, *args: str, timeout: float = 240, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN), *args],
            cwd=self.root,
            env=self.environment(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def run_together(
    runs: list[tuple[Workspace, tuple[str, ...], dict[str, str]]], timeout: float = 240
) -> list[subprocess.CompletedProcess]:
    """Start several independent runs at once and wait for all: process start-up dominates a
    failing run, and it overlaps."""
    started = [(workspace.start(*args, **extra), args) for workspace, args, extra in runs]
    results = []
    for process, args in started:
        stdout, stderr = process.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return results


def kill_hard(process: subprocess.Popen) -> None:
    """`kill -9` the run and anything it started; no cleanup code of its own gets to run."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_error(result: subprocess.CompletedProcess, *phrases: str) -> str:
    """Non-zero exit, no traceback, and the failure said in one `error: ...` line, the last one
    on stderr (progress lines of what was read before the failure may precede it)."""
    lines = error_lines(result)
    assert result.returncode != 0, f"expected a failure, got exit 0:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in lines if line.lstrip().lower().startswith("error")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert errors[0].startswith("error: "), result.stderr
    for phrase in phrases:
        assert phrase.lower() in errors[0].lower(), f"{phrase!r} not in {errors[0]!r}"
    return errors[0]
