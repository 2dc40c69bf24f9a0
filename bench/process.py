"""Run one measured child process: wall time and peak resident memory of its whole process tree.

Every timed step runs in its own process, so the figure covers that step alone: no sandbox thread
shares its GIL, no earlier step's memory is still counted, and a crash in one step is a reported
failure rather than the end of the benchmark. Memory is sampled with psutil, children included
(dlt may start normalize workers), because the peak is what a machine has to provide.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

SAMPLE_INTERVAL_SECONDS = 0.05
MEGABYTE = 1024 * 1024


class StepFailed(RuntimeError):
    """A measured step exited non-zero; the message carries the tail of its error output."""


@dataclass(frozen=True)
class StepResult:
    """What one child process reported (`report`) and what it cost from the outside."""

    wall_seconds: float
    peak_rss_mb: float
    report: dict[str, Any]


class PeakMemorySampler:
    """Polls the resident set of a process and its descendants until told to stop."""

    def __init__(self, pid: int) -> None:
        self._root = psutil.Process(pid)
        self._stop = threading.Event()
        self.peak_bytes = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            self._stop.wait(SAMPLE_INTERVAL_SECONDS)

    def _tree_rss(self) -> int:
        total = 0
        try:
            processes = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                continue
        return total


def run_step(
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    timeout: float,
    expect_report: bool = True,
) -> StepResult:
    """Run `command`; a `bench.worker` job writes its JSON report to `BENCH_REPORT_PATH`."""
    report_path = log_path.with_suffix(".report.json")
    report_path.unlink(missing_ok=True)
    child_env = {**env, "BENCH_REPORT_PATH": str(report_path)}
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = psutil.Popen(command, env=child_env, cwd=cwd, stdout=log, stderr=log)
        with PeakMemorySampler(process.pid) as sampler:
            try:
                returncode = process.wait(timeout=timeout)
            except psutil.TimeoutExpired:
                process.kill()
                process.wait()
                raise StepFailed(f"{log_path.stem} ran over {timeout:.0f} s") from None
    wall = time.perf_counter() - started
    if returncode != 0 or (expect_report and not report_path.exists()):
        raise StepFailed(f"{log_path.stem} failed: {log_tail(log_path)}")
    report = json.loads(report_path.read_text()) if expect_report else {}
    return StepResult(wall, sampler.peak_bytes / MEGABYTE, report)


def python_command(module: str, *args: str) -> list[str]:
    """The same interpreter as the benchmark, so the child sees the same installed packages."""
    return [sys.executable, "-m", module, *args]


def log_tail(log_path: Path, lines: int = 3) -> str:
    """The last meaningful lines of a step's log: usually the error that stopped it."""
    text = log_path.read_text(errors="replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:]) or "no output"


def write_report(report: dict[str, Any]) -> None:
    """Called inside a child process: hand its figures to the parent through the agreed file."""
    Path(os.environ["BENCH_REPORT_PATH"]).write_text(json.dumps(report))
