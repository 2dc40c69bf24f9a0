"""One sandbox account loaded and modelled twice, through the CLI a user runs: into a DuckDB file
and into the throwaway PostgreSQL server. Each build keeps its own dlt state and dbt artifacts, and
reads its models back by the relation names dbt recorded in its manifest."""

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
from engine_compare import Table
from pg_server import PostgresServer

CLI = str(Path(sys.executable).parent / "piggy-elt")
PROJECT_PACKAGE = "piggy_elt"
RAW_DATASET = "piggy_raw"


@dataclass
class Build:
    """One engine's copy of the account: load it, add cashback requests, build the models."""

    engine: str
    workdir: Path
    env: dict[str, str]
    server: PostgresServer | None = None
    runs: list[subprocess.CompletedProcess] = field(default_factory=list)

    def cli(self, *arguments: str) -> subprocess.CompletedProcess:
        completed = subprocess.run(
            [CLI, *arguments], env=self.env, cwd=self.workdir, capture_output=True, text=True,
            timeout=600,
        )
        assert completed.returncode == 0, (
            f"piggy-elt {arguments[0]} on {self.engine} failed: {completed.stderr[-3000:]}"
        )
        self.runs.append(completed)
        return completed

    def load(self) -> None:
        self.cli("run", "--destination", self.engine)

    def transform(self, as_of: str) -> None:
        self.cli("transform", "--as-of", as_of, "--target-path", str(self.workdir / "target"))

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.workdir / "target" / "manifest.json").read_text())

    @cached_property
    def relation_names(self) -> dict[str, str]:
        """Model name -> the relation dbt built it as, on this engine."""
        return {
            node["name"]: node["relation_name"]
            for node in self.manifest["nodes"].values()
            if node["resource_type"] == "model" and node["package_name"] == PROJECT_PACKAGE
        }

    def read(self, relation: str) -> Table:
        sql = f"select * from {relation}"
        if self.server is not None:
            with self.server.cursor() as cursor:
                cursor.execute(sql)
                return Table(tuple(column.name for column in cursor.description), cursor.fetchall())
        with duckdb.connect(str(self.workdir / "piggy.duckdb"), read_only=True) as connection:
            result = connection.execute(sql)
            return Table(tuple(column[0] for column in result.description), result.fetchall())


def new_build(sandbox, workdir: Path, server: PostgresServer | None = None) -> Build:
    """A build whose credentials reach dlt through its environment variables, as a scheduler
    would pass them; `transform` derives dbt's settings from the pipeline."""
    env = {
        **os.environ,
        "DLT_DATA_DIR": str(workdir / "dlt"),
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
    }
    if server is None:
        env["DESTINATION__DUCKDB__CREDENTIALS"] = str(workdir / "piggy.duckdb")
        return Build("duckdb", workdir, env)
    env["DESTINATION__POSTGRES__CREDENTIALS"] = server.dlt_credentials
    return Build("postgres", workdir, env, server)


def write_cashback_requests(duckdb_build: Build, path: Path, requested_at: str) -> None:
    """A few requests for real contacts, covering approve, returned, fraud and foreign currency,
    so the payout review mart has rows of every kind to compare."""
    raw = duckdb_build.read(f"{RAW_DATASET}.contacts")
    contacts = sorted({row[raw.columns.index("uuid")] for row in raw.rows})[:4]
    plan = [("EUR", "", ""), ("EUR", "true", ""), ("EUR", "", "true"), ("USD", "", "")]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "contact_uuid", "amount_cents", "currency",
                         "order_reference", "requested_at", "is_returned", "is_fraud_flagged"])
        rows = zip(contacts, plan, strict=True)
        for number, (contact, (currency, returned, fraud)) in enumerate(rows, 1):
            writer.writerow([f"req-{number}", contact, 250 * number, currency, f"order-{number}",
                             requested_at, returned, fraud])
