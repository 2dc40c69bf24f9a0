"""Small writes to our own tables with plain SQL on one open warehouse connection.

A dlt load per step would make a payout run of N requests N+1 loads: slow on a cloud warehouse
and noise in `_dlt_loads`. A table is created once through dlt (so dlt's schema knows it and its
types are dlt's); after that rows go in with plain `DELETE ... WHERE key IN (...)` and
`INSERT ... VALUES`, which DuckDB, PostgreSQL, Snowflake, BigQuery and Redshift all allow inside
one transaction. dlt's two bookkeeping columns are filled as dlt would: `_dlt_id` a fresh unique
id, `_dlt_load_id` the id of the run that wrote the row (there is no dlt load to name).
"""

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pipelines.dlt_sql import MissingTable, SqlClient

DLT_ID, DLT_LOAD_ID = "_dlt_id", "_dlt_load_id"


class TableWriter:
    """Inserts and replaces rows of existing tables of the client's dataset."""

    def __init__(self, client: SqlClient, run_id: str) -> None:
        self.client = client
        self.run_id = run_id
        self._columns: dict[str, list[str]] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written in the block lands together, or (killed, failed) not at all."""
        with self.client.begin_transaction():
            yield

    def exists(self, table: str) -> bool:
        try:
            self.columns(table)
        except MissingTable:
            return False
        return True

    def columns(self, table: str) -> list[str]:
        """The table's column names, as the warehouse reports them (read once)."""
        if table not in self._columns:
            query = f"SELECT * FROM {self.client.make_qualified_table_name(table)} WHERE 1 = 0"
            with self.client.execute_query(query) as cursor:
                self._columns[table] = [str(column[0]) for column in cursor.description]
        return self._columns[table]

    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """One multi-row `INSERT`; each row names the same columns."""
        if not rows:
            return
        names = list(rows[0])
        present = {column.lower() for column in self.columns(table)}
        bookkeeping = [name for name in (DLT_ID, DLT_LOAD_ID) if name in present]
        columns = ", ".join(self.client.escape_column_name(name) for name in names + bookkeeping)
        one_row = "(" + ", ".join(["%s"] * (len(names) + len(bookkeeping))) + ")"
        values: list[Any] = []
        for row in rows:
            values += [row[name] for name in names] + [self._bookkeeping(b) for b in bookkeeping]
        self.client.execute_sql(
            f"INSERT INTO {self.client.make_qualified_table_name(table)} ({columns}) "
            f"VALUES {', '.join([one_row] * len(rows))}",
            *values,
        )

    def replace(self, table: str, key: str, rows: Sequence[dict[str, Any]]) -> None:
        """Rows replace those with the same `key` (a merge on the key): delete, then insert."""
        if not rows:
            return
        keys = [row[key] for row in rows]
        self.client.execute_sql(
            f"DELETE FROM {self.client.make_qualified_table_name(table)} "
            f"WHERE {self.client.escape_column_name(key)} IN ({', '.join(['%s'] * len(keys))})",
            *keys,
        )
        self.insert(table, rows)

    def _bookkeeping(self, name: str) -> str:
        return uuid.uuid4().hex if name == DLT_ID else self.run_id
