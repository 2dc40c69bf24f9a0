"""Copy the generated tables from DuckDB into the account's SQLite file, in id order.

Binding Python values is the cost of a bulk insert through `sqlite3` (strings especially), so
rows cross as a few integers, small codes packed into one, and SQLite expands them into the
stored text with CASE and printf: a ledger row binds six integers instead of fifteen values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import duckdb

from piggy_sandbox import people
from piggy_sandbox.catalog import REWARDS, SHOPS
from piggy_sandbox.lives import CAMPAIGN_CODES, CHANNEL_CODES

BATCH = 100_000
FAVORITE_SHOPS = (SHOPS[0][0], SHOPS[2][0], None)
IDENTIFIED_CHANNEL = CHANNEL_CODES.index("KIOSK")


def case(expression: str, values: Sequence[str | None]) -> str:
    """SQL mapping the codes 0..n-1 of `expression` to `values` (NULL where None)."""
    arms = " ".join(f"WHEN {code} THEN '{value.replace(chr(39), chr(39) * 2)}'"
                    for code, value in enumerate(values) if value is not None)
    return f"CASE {expression} {arms} END"


def pack(*columns: str, widths: Sequence[int]) -> str:
    """DuckDB SQL packing small non-negative codes into one integer, the first in the low bits."""
    parts, shift = [], 0
    for column, width in zip(columns, widths, strict=True):
        parts.append(f"({column}::BIGINT << {shift})")
        shift += width
    return " | ".join(parts)


def copy_table(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection, table: str,
               columns: str, insert: str) -> None:
    """Rows of DuckDB `table` in `n` order, `BATCH` at a time, through `insert` into SQLite."""
    count = (duck.execute(f"SELECT count(*) FROM {table}").fetchone() or (0,))[0]
    for low in range(0, count, BATCH):
        rows = duck.execute(f"SELECT {columns} FROM {table} WHERE n > {low} "
                            f"AND n <= {low + BATCH} ORDER BY n").fetchall()
        db.executemany(insert, rows)


def copy_ledgers(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection, minor: int) -> None:
    titles = [None] + [title for title, *_ in REWARDS]
    kiosk = IDENTIFIED_CHANNEL
    copy_table(duck, db, "ledger",
               "created_at, contact_id, "
               + pack("shop", "kind", "channel", "campaign", "reward", "collected",
                      widths=(3, 2, 2, 2, 4, 1))
               + ", credits, amount, code",
               f"""INSERT INTO loyalty_tx (created_at, contact_id, shop_id, kind, credits,
                   unit_value, channel, identifier, campaign, reward_id, title, expires_at,
                   collected, code)
               SELECT ?1, ?2, ?3 & 7, (?3 >> 3) & 3, ?4, CAST(?5 AS REAL) / {minor},
                   {case('(?3 >> 5) & 3', CHANNEL_CODES)},
                   CASE WHEN (?3 >> 5) & 3 = {kiosk} THEN printf('PGY%09d', ?2) END,
                   {case('(?3 >> 7) & 3', CAMPAIGN_CODES)}, nullif((?3 >> 9) & 15, 0),
                   {case('(?3 >> 9) & 15', titles)},
                   CASE WHEN (?3 >> 3) & 3 > 0 THEN ?1 + 90 * 86400 END,
                   CASE WHEN (?3 >> 3) & 3 > 0 THEN (?3 >> 13) & 1 END,
                   CASE WHEN ?6 IS NOT NULL THEN printf('DRC-%010X', ?6) END""")
    copy_table(duck, db, "wallet", "created_at, contact_id, shop, amount, balance_after",
               "INSERT INTO prepaid_tx (created_at, contact_id, shop_id, amount, balance_after) "
               "VALUES (?, ?, ?, ?, ?)")


def copy_contacts(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection) -> None:
    """Names and emails come from two small lookup tables; member numbers from the id."""
    for table, names in (("first_names", people.FIRST_NAMES), ("last_names", people.LAST_NAMES)):
        db.execute(f"CREATE TEMP TABLE {table} (k INTEGER PRIMARY KEY, name TEXT, handle TEXT)")
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                       [(k, name, people.handle(name)) for k, name in enumerate(names)])
    first = "(SELECT {0} FROM first_names WHERE k = ?4 & 31)"
    last = "(SELECT {0} FROM last_names WHERE k = (?4 >> 5) & 31)"
    copy_table(duck, db, "contacts",
               "id, created_at, updated_at, "
               + pack("first", "last", "status", "tier", "marketing", "service", "favorite",
                      widths=(5, 5, 3, 3, 1, 1, 2))
               + ", birth, balance, received, first_tx, last_tx, wallet, deleted_at",
               f"""INSERT INTO contacts VALUES (?1, ?2, ?3,
                   {first.format('handle')} || '.' || {last.format('handle')} || '.' || ?1
                       || '@example.com',
                   {first.format('name')}, {last.format('name')},
                   printf('%04d-%02d-%02d', ?5 / 10000, ?5 / 100 % 100, ?5 % 100),
                   {case('(?4 >> 10) & 7', people.STATUSES)}, nullif((?4 >> 13) & 7, 0),
                   ?6, ?7, ?8, ?9, ?10, (?4 >> 16) & 1, (?4 >> 17) & 1,
                   {case('(?4 >> 18) & 3', FAVORITE_SHOPS)}, printf('PGY%09d', ?1), ?11)""")

