"""Where one benchmark run keeps its files, and how it starts sandboxes and measured steps there.

Every DuckDB file, dlt pipeline folder and log lives in one temporary folder that is removed at the
end, so a run never touches the user's `piggy.duckdb` or dlt state and two runs never share state.
Steps run from the project root, so they read the committed `.dlt/config.toml` as a user's run does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.process import StepResult, python_command, run_step
from bench.sandbox import SandboxProcess, SandboxSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SANDBOX_DATA = PROJECT_ROOT / ".sandbox"
"""The sandbox's own default folder (git-ignored): generated accounts are reused across runs."""


class Workspace:
    """Names files inside `root` and runs steps with an environment pointing there."""

    def __init__(
        self, root: Path, step_timeout: float, console: Console, sandbox_data: Path
    ) -> None:
        self.root = root
        self.sandbox_data = sandbox_data
        self.step_timeout = step_timeout
        self.console = console
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self._labels: set[str] = set()

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DLT_DATA_DIR": str(self.root / "dlt"),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "RUNTIME__LOG_LEVEL": "WARNING",
        }

    def duckdb(self, name: str) -> Path:
        return self.root / f"{name}.duckdb"

    def log(self, label: str) -> Path:
        """A fresh log file per step; a repeated label gets a numbered name, never an overwrite."""
        name, number = label, 2
        while name in self._labels:
            name, number = f"{label}-{number}", number + 1
        self._labels.add(name)
        return self.logs / f"{name}.log"

    def sandbox(self, label: str, settings: SandboxSettings) -> SandboxProcess:
        return SandboxProcess(
            settings,
            executable=Path(sys.executable).with_name("piggy-elt"),
            cwd=PROJECT_ROOT,
            data_dir=self.sandbox_data,
            log_path=self.log(f"sandbox-{label}"),
            env=self.env(),
            ready_timeout=self.step_timeout,
        )

    def job(
        self, label: str, job: dict[str, Any], extra_env: dict[str, str] | None = None
    ) -> StepResult:
        """Run one `bench.worker` job in a fresh, measured process."""
        return self.module(label, "bench.worker", [json.dumps(job)], extra_env)

    def module(
        self, label: str, module: str, args: list[str], extra_env: dict[str, str] | None = None
    ) -> StepResult:
        """Run `python -m module args` that writes a report, in a fresh, measured process."""
        step = run_step(
            python_command(module, *args),
            env={**self.env(), **(extra_env or {})},
            cwd=PROJECT_ROOT,
            log_path=self.log(label),
            timeout=self.step_timeout,
        )
        return self._announce(label, step)

    def command(self, label: str, command: list[str], extra_env: dict[str, str]) -> StepResult:
        """Run a product command (dbt build) measured from the outside only."""
        step = run_step(
            command,
            env={**self.env(), **extra_env},
            cwd=PROJECT_ROOT,
            log_path=self.log(label),
            timeout=self.step_timeout,
            expect_report=False,
        )
        return self._announce(label, step)

    def _announce(self, label: str, step: StepResult) -> StepResult:
        inner = step.report.get("wall_seconds")
        timing = f"{inner:.1f} s" if inner is not None else f"{step.wall_seconds:.1f} s"
        self.console.print(f"  [dim]{label}: {timing}, peak {step.peak_rss_mb:.0f} MB")
        return step
