"""Compare one dbt model as built on DuckDB and on PostgreSQL, row by row, whatever the row order.

Each engine hands back its own Python types (Decimal from PostgreSQL's numeric, float from DuckDB's
double, dicts from PostgreSQL's json), so values are first brought to one shape; then rows are
matched on the model's primary key (the column its `unique` test names) and compared column by
column. Exact for everything but non-integral numbers, which carry the stated tolerance.
"""

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

# Non-integral numbers (rates, averages, shares, money divided into major units) are computed in
# double precision on DuckDB and in exact numeric on PostgreSQL; the two agree to far better than
# this, while a wrong formula, a lost row or an integer division differs by much more.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-6
SHOWN_DIFFERENCES = 8


@dataclass(frozen=True)
class Table:
    """A model's rows as one engine returned them."""

    columns: tuple[str, ...]
    rows: list[tuple]

    def without(self, names: frozenset[str]) -> "Table":
        kept = [i for i, name in enumerate(self.columns) if name not in names]
        return Table(
            tuple(self.columns[i] for i in kept), [tuple(row[i] for i in kept) for row in self.rows]
        )


def normalize(value: object) -> object:
    """One comparable shape per kind of value, whichever engine produced it."""
    if value is None or isinstance(value, bool | str | date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None else value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def values_match(left: object, right: object) -> bool:
    numbers = (int, float)
    if isinstance(left, bool) or isinstance(right, bool):
        return left == right and type(left) is type(right)
    if isinstance(left, numbers) and isinstance(right, numbers):
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return left == right and type(left) is type(right)


def _sort_key(row: tuple) -> tuple:
    """Order rows of a keyless model; numbers rounded so engine noise cannot reorder them."""
    rounded = (round(value, 6) if isinstance(value, float) else value for value in row)
    return tuple((0, "") if value is None else (1, repr(value)) for value in rounded)


def _keyed(table: Table, key: str | None) -> dict[object, tuple]:
    rows = [tuple(normalize(value) for value in row) for row in table.rows]
    if key is None:
        return dict(enumerate(sorted(rows, key=_sort_key)))
    position = table.columns.index(key)
    return {row[position]: row for row in rows}


def differences(duckdb_table: Table, postgres_table: Table, key: str | None) -> list[str]:
    """Everything that differs between the two builds of one model, most telling first."""
    if set(duckdb_table.columns) != set(postgres_table.columns):
        only_duckdb = sorted(set(duckdb_table.columns) - set(postgres_table.columns))
        only_postgres = sorted(set(postgres_table.columns) - set(duckdb_table.columns))
        return [f"columns only on duckdb {only_duckdb}, only on postgres {only_postgres}"]
    if len(duckdb_table.rows) != len(postgres_table.rows):
        return [f"{len(duckdb_table.rows)} rows on duckdb, {len(postgres_table.rows)} on postgres"]
    order = [postgres_table.columns.index(name) for name in duckdb_table.columns]
    postgres_rows = Table(
        duckdb_table.columns, [tuple(row[i] for i in order) for row in postgres_table.rows]
    )
    left, right = _keyed(duckdb_table, key), _keyed(postgres_rows, key)
    found = [f"key {k!r} only on duckdb" for k in left.keys() - right.keys()]
    found += [f"key {k!r} only on postgres" for k in right.keys() - left.keys()]
    for row_key in left.keys() & right.keys():
        pairs = zip(duckdb_table.columns, left[row_key], right[row_key], strict=True)
        for name, one, other in pairs:
            if not values_match(one, other):
                where = f"{key or 'row'}={row_key!r} {name}"
                found.append(f"{where}: duckdb {one!r}, postgres {other!r}")
    return found[:SHOWN_DIFFERENCES]
