"""The warehouse the dbt tests read, and the CLI they run against it (kept apart from conftest so
test modules import it by a name no other test directory uses)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

CLI = str(Path(sys.executable).parent / "piggy-elt")


@dataclass
class Warehouse:
    """Where the load landed and how to run the CLI against it again."""

    workdir: Path
    duckdb_path: Path
    env: dict[str, str]
    as_of: str
    raw_schema: str
    transform: subprocess.CompletedProcess

    def query(self, sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()


@dataclass
class DocsSite:
    """What `piggy-elt docs` did, and the dbt artifacts it left in `target`."""

    run: subprocess.CompletedProcess
    target: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.target / "manifest.json").read_text())

    @property
    def catalog(self) -> dict:
        return json.loads((self.target / "catalog.json").read_text())


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=900)
