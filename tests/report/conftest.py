"""A warehouse loaded from a sandbox and built for the sandbox's day, once per session.

`loaded` has run `piggy-elt run` only; `built` is a copy of it that has also run `transform` (for
the sandbox clock's day) and `export`, which is what the report reads. Commands run as their own
processes, as a user runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from piggy_sandbox import Sandbox, SandboxConfig, run_sandbox

REPO = Path(__file__).resolve().parents[2]
SCALE = 100
SEED = 7


@dataclass
class Warehouse:
    """A folder with a DuckDB file and dlt state, and the sandbox day its marts are built for."""

    root: Path
    as_of: str

    def cli(self, *args: str, sandbox: Sandbox | None = None) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DLT_DATA_DIR": str(self.root / "dlt"),
            "DESTINATION__DUCKDB__CREDENTIALS": str(self.root / "warehouse.duckdb"),
            "EXPORTS__OUTPUT_DIR": str(self.root / "exports"),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        if sandbox is not None:
            env |= {
                "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
                "SOURCES__PIGGY__API_KEY": sandbox.token,
            }
        command = [sys.executable, "-c", "from pipelines.cli import main; main()", *args]
        return subprocess.run(
            command,
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def copy(self, root: Path) -> Warehouse:
        shutil.copytree(self.root, root)
        return Warehouse(root, self.as_of)


def succeeded(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="session")
def loaded(tmp_path_factory, sandbox_data_dir) -> Warehouse:
    """Loaded, not transformed: what a user has between `run` and `transform`."""
    config = SandboxConfig(scale=SCALE, seed=SEED, data_dir=sandbox_data_dir)
    with run_sandbox(config) as sandbox:
        warehouse = Warehouse(
            tmp_path_factory.mktemp("report") / "loaded", sandbox.control.status()["now"][:10]
        )
        warehouse.root.mkdir()
        succeeded(warehouse.cli("run", sandbox=sandbox))
    return warehouse


@pytest.fixture(scope="session")
def built(loaded, tmp_path_factory) -> Warehouse:
    """Transformed for the sandbox's day and exported once."""
    warehouse = loaded.copy(tmp_path_factory.mktemp("report") / "built")
    target = str(warehouse.root / "dbt-target")
    succeeded(warehouse.cli("transform", "--as-of", warehouse.as_of, "--target-path", target))
    succeeded(warehouse.cli("export"))
    return warehouse
