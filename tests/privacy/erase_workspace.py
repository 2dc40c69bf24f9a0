"""A workspace run through the CLI as a user would, and scans that look for a member's personal
data in every table of every schema and in every file.

Each workspace has its own private sandbox (the tests change the account: a member renames, a
contact is deleted), its own dlt folder, warehouse, exports and dbt artifacts. The PostgreSQL
server is the one `scripts/postgres-server.sh` starts for tests/postgres, shared by the session;
each workspace loads a database of its own on it.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "postgres"))

from pg_server import PostgresServer  # noqa: E402

from piggy_sandbox import Sandbox  # noqa: E402

CLI = str(Path(sys.executable).parent / "piggy-elt")
ERASURE_KEY = "test-erasure-key-0123456789abcdef"


@dataclass
class Workspace:
    """One account's copy: CLI runs, the warehouse (DuckDB file or PostgreSQL) and its files."""

    root: Path
    sandbox: Sandbox
    server: PostgresServer | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.server:
            self.server = self.server.new_database()

    @property
    def destination(self) -> str:
        return "postgres" if self.server else "duckdb"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DLT_DATA_DIR": str(self.root / "dlt"),
            "SOURCES__PIGGY__BASE_URL": self.sandbox.base_url,
            "SOURCES__PIGGY__API_KEY": self.sandbox.token,
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "EXPORTS__OUTPUT_DIR": str(self.root / "exports"),
            "PAYOUTS__REVIEW_DIR": str(self.root / "exports" / "payout_review"),
            "PRIVACY__ERASURE_KEY": ERASURE_KEY,
            "COLUMNS": "400",
        }
        if self.server:
            env["DESTINATION__POSTGRES__CREDENTIALS"] = self.server.dlt_credentials
        else:
            env["DESTINATION__DUCKDB__CREDENTIALS"] = str(self.root / "warehouse.duckdb")
        return {**env, **self.extra_env}

    def cli(self, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [CLI, *args],
            cwd=self.root,
            env={**self.env(), **env},
            capture_output=True,
            text=True,
            timeout=900,
        )
        if ok:
            assert done.returncode == 0, f"piggy-elt {args[0]}: {done.stderr[-3000:]}"
        return done

    def run(self, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
        return self.cli("run", "--destination", self.destination, ok=ok, **env)

    def transform(self) -> subprocess.CompletedProcess:
        return self.cli("transform", "--target-path", str(self.root / "dbt-target"))

    def query(self, sql: str, *params: Any) -> list[tuple]:
        """Rows of a query on the warehouse; `%s` placeholders on both engines."""
        return self.queries([(sql, params)])[0]

    def queries(self, statements: list[tuple[str, tuple]]) -> list[list[tuple]]:
        """Rows of each (sql, params) on one connection: a scan of every table costs one connect,
        not one per column (that was most of a scan's 24 s on DuckDB)."""
        if self.server:
            with self.server.cursor() as cursor:
                results = []
                for sql, params in statements:
                    cursor.execute(sql, params)
                    results.append(cursor.fetchall() if cursor.description else [])
                return results
        with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
            return [
                con.execute(sql.replace("%s", "?"), list(params)).fetchall()
                for sql, params in statements
            ]

    def text_columns(self) -> list[tuple[str, str, str]]:
        """(schema, table, column) of every table and view in every schema of the warehouse."""
        system = ("information_schema", "pg_catalog", "pg_toast")
        rows = self.query(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema NOT IN (%s, %s, %s)",
            *system,
        )
        return sorted(rows)

    def traces_in_tables(self, needles: list[str]) -> list[str]:
        """`schema.table.column` wherever any needle appears (any case, any row, any version)."""
        cast = "TEXT" if self.server else "VARCHAR"
        patterns = tuple(f"%{needle.lower()}%" for needle in needles)
        by_table: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in self.text_columns():
            by_table.setdefault((schema, table), []).append(column)
        statements = []
        for (schema, table), columns in by_table.items():
            counts = []
            for column in columns:
                tests = " OR ".join([f'LOWER(CAST("{column}" AS {cast})) LIKE %s'] * len(needles))
                counts.append(f"SUM(CASE WHEN {tests} THEN 1 ELSE 0 END)")
            statements.append(
                (f'SELECT {", ".join(counts)} FROM "{schema}"."{table}"', patterns * len(columns))
            )
        found = []
        for ((schema, table), columns), rows in zip(
            by_table.items(), self.queries(statements), strict=True
        ):
            hits = zip(columns, rows[0], strict=True)
            found += [f"{schema}.{table}.{column}" for column, count in hits if count]
        return found

    def traces_in_files(self, needles: list[str], *folders: str) -> list[str]:
        """Every file under the folders (dlt's pipelines folder, exports...) holding a needle."""
        wanted = [needle.lower().encode() for needle in needles]
        found = []
        for folder in folders:
            for path in sorted((self.root / folder).rglob("*")):
                if path.is_file() and any(n in path.read_bytes().lower() for n in wanted):
                    found.append(str(path.relative_to(self.root)))
        return found


def rename_in_piggy(sandbox: Sandbox, email: str, firstname: str, lastname: str) -> None:
    """The member changes their name in Piggy: the next sweep loads a new version."""
    with sandbox.app.store.write() as db:
        changed = db.execute(
            "UPDATE contacts SET firstname = ?, lastname = ?, updated_at = updated_at + 1 "
            "WHERE email = ?",
            (firstname, lastname, email),
        ).rowcount
    assert changed == 1


def delete_in_piggy(sandbox: Sandbox, contact_uuid: str) -> None:
    """The contact is deleted in Piggy, as the sandbox's own churn deletes one."""
    contact_id = sandbox.app.codec.decode("contact", contact_uuid)
    store = sandbox.app.store
    with store.write() as db:
        db.execute(
            "UPDATE contacts SET deleted_at = ?, updated_at = ? WHERE id = ?",
            (store.now, store.now, contact_id),
        )
    store.mark_deleted(contact_id)


class CrmReceiver:
    """A CRM endpoint on loopback that accepts every batch, so pushes land in the audit; it keeps
    the bodies it received (`bodies`) for tests that look at what left."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        bodies = self.bodies

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/profiles"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
