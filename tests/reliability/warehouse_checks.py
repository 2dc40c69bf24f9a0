"""Loading a sandbox into a private DuckDB file, and fingerprinting what landed.

A fingerprint is, per raw table, the row count and an order-independent hash of its data columns:
every row rendered as text, the texts sorted, the sorted list hashed. Sorting makes it blind to
load order; keeping every row (no set) makes it see a duplicate. dlt's bookkeeping columns
(`_dlt_load_id`, `_dlt_id`, scd2 validity times) and quarantine times differ between two correct
runs, so they are left out; scd2's "is this the current version" is kept, since a contact wrongly
retired is exactly the kind of damage these tests look for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.load_status import read_status
from pipelines.loading import DEFAULT_DATASET, LoadSummary, run_load

RUN_TIME_COLUMNS = frozenset({"quarantined_at"})
KEYS = {
    "contacts": ("uuid",),
    "contact_subscriptions": ("contact_uuid", "subscription_type_uuid"),
    "giftcard_transactions": ("transaction_key",),
    "units": ("name",),
    "contact_attributes": ("name",),
    "loyalty_program": ("id",),
}


@dataclass(frozen=True)
class TablePrint:
    rows: int
    digest: str
    columns: tuple[str, ...]


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def data_tables(con: duckdb.DuckDBPyConnection, dataset: str = DEFAULT_DATASET) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
        "AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY table_name",
        [dataset],
    ).fetchall()
    return [name for (name,) in rows]


def data_columns(con: duckdb.DuckDBPyConnection, table: str, dataset: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
        "AND table_name = ? ORDER BY column_name",
        [dataset, table],
    ).fetchall()
    return [n for (n,) in rows if not n.startswith("_dlt") and n not in RUN_TIME_COLUMNS]


def table_print(con: duckdb.DuckDBPyConnection, table: str, dataset: str) -> TablePrint:
    columns = data_columns(con, table, dataset)
    selected = ", ".join(f'"{c}"' for c in columns)
    if table == "contacts":
        selected += ', "_dlt_valid_to" IS NULL AS is_current'
        columns = [*columns, "is_current"]
    rows = con.execute(f'SELECT {selected} FROM "{dataset}"."{table}"').fetchall()
    texts = sorted(repr(row) for row in rows)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    return TablePrint(len(rows), digest, tuple(columns))


def fingerprint(path: Path, dataset: str = DEFAULT_DATASET) -> dict[str, TablePrint]:
    """Per data table: row count, hash of the data columns, and the column names."""
    with connect(path) as con:
        return {table: table_print(con, table, dataset) for table in data_tables(con, dataset)}


def differences(expected: dict[str, TablePrint], actual: dict[str, TablePrint]) -> list[str]:
    """What differs, one readable line per table, so a failure says where to look."""
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None or got is None:
            lines.append(f"{table}: only in {'actual' if want is None else 'expected'}")
        elif want != got:
            lines.append(f"{table}: rows {want.rows} -> {got.rows}, columns "
                         f"{'same' if want.columns == got.columns else 'differ'}, data differs")
    return lines


def duplicate_keys(path: Path, dataset: str = DEFAULT_DATASET) -> dict[str, int]:
    """Per table: how many primary keys occur more than once (among current contact versions)."""
    found = {}
    with connect(path) as con:
        for table in data_tables(con, dataset):
            if table == "quarantined_records":
                continue
            key = ", ".join(f'"{c}"' for c in KEYS.get(table, ("uuid",)))
            current = ' WHERE "_dlt_valid_to" IS NULL' if table == "contacts" else ""
            count = con.execute(
                f'SELECT count(*) FROM (SELECT {key} FROM "{dataset}"."{table}"{current} '
                f"GROUP BY {key} HAVING count(*) > 1)"
            ).fetchone()[0]
            if count:
                found[table] = count
    return found


def assert_cursors_match_rows(workspace) -> None:
    """Each saved `created_at` cursor is the newest `created_at` that actually landed: a cursor
    ahead of its rows hides rows from every later run, one behind only re-reads."""
    report = read_status(pipelines_dir=workspace.dlt_dir / "pipelines",
                         destination="duckdb", duckdb_path=workspace.duckdb_path)
    cursors = {entry.table: entry.cursor for entry in report.tables if entry.cursor}
    assert {"loyalty_transactions", "giftcard_transactions"} <= set(cursors)
    with connect(workspace.duckdb_path) as con:
        for table, cursor in cursors.items():
            newest = con.execute(f"SELECT max(created_at) FROM {DEFAULT_DATASET}.{table}")
            assert newest.fetchone()[0] == datetime.fromisoformat(cursor), (table, cursor)


class Warehouse:
    """A private pipeline (own dlt folder, own DuckDB file) loading one sandbox in-process."""

    def __init__(self, root: Path, sandbox, path: Path | None = None,
                 pipelines_dir: Path | None = None, **source_options) -> None:
        self.root = root
        self.sandbox = sandbox
        self.path = path or root / "piggy.duckdb"
        self.pipelines_dir = pipelines_dir or root / "dlt"
        self.source_options = source_options
        root.mkdir(parents=True, exist_ok=True)

    @classmethod
    def of(cls, workspace, sandbox) -> Warehouse:
        """Load in-process into the very folder and file `piggy-elt run` uses in `workspace`."""
        return cls(workspace.root, sandbox, path=workspace.duckdb_path,
                   pipelines_dir=workspace.dlt_dir / "pipelines")

    def load(self, **options) -> LoadSummary:
        merged = {"api_key": self.sandbox.token, **self.source_options, **options}
        return run_load(base_url=self.sandbox.base_url, duckdb_path=self.path,
                        pipelines_dir=self.pipelines_dir, **merged)

    def fingerprint(self) -> dict[str, TablePrint]:
        return fingerprint(self.path)

    def scalar(self, sql: str, *params):
        with connect(self.path) as con:
            return con.execute(sql, list(params)).fetchone()[0]

    def rows(self, sql: str, *params) -> list[tuple]:
        with connect(self.path) as con:
            return con.execute(sql, list(params)).fetchall()
