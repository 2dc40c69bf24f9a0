"""Build one account's history in SQLite, deterministically from (seed, scale, clock, currency).

The history is computed set-based in DuckDB (`lives`, `redemptions`, `extras`): every draw is a
hash of the seed and the row it belongs to, so the same inputs give the same bytes whatever the
threads do. Balances, tiers and stock are summed from the ledgers, so they agree by construction.
Rows are then copied into SQLite in (created_at, contact) order so that ids are the list
ordinals the server pages on; indexes come last, built once over the whole table, and their
statistics are sampled (`analysis_limit`), which is all the planner needs for these few queries.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from pathlib import Path

from piggy_sandbox import copy_out, lives, redemptions
from piggy_sandbox.catalog import write_catalog
from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.extras import write_extras
from piggy_sandbox.schema import DDL, INDEXES


def generate(path: str, config: SandboxConfig) -> None:
    """Write a complete account database at `path` (which must not exist yet)."""
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192; "
                     "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;")
    db.executescript(DDL)
    write_catalog(db, random.Random(config.seed), config.scale, config.minor_units)
    stock = {row[0]: row[1] for row in db.execute("SELECT id, stock FROM rewards")}
    now = int(config.now.timestamp())
    with tempfile.TemporaryDirectory(prefix="generate-", dir=Path(path).parent) as spill:
        duck = lives.open_engine(config, spill)
        try:
            left = _simulate(duck, config, stock, now)
            db.executemany("UPDATE rewards SET stock = ? WHERE id = ?",
                           [(count, rid) for rid, count in left.items()])
            copy_out.copy_contacts(duck, db)
            copy_out.copy_ledgers(duck, db, config.minor_units)
            write_extras(duck, db, config, lives.contact_total(config.scale), now)
        finally:
            duck.close()
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("now", str(now)), ("seed", str(config.seed)), ("scale", str(config.scale)),
        ("currency", config.currency.upper()), ("minor_units", str(config.minor_units)),
    ])
    db.executescript(INDEXES)
    db.commit()
    db.execute("PRAGMA analysis_limit = 2000")
    db.execute("ANALYZE")
    db.close()


def _simulate(duck, config: SandboxConfig, stock: dict[int, int | None],
              now: int) -> dict[int, int]:
    """Contacts, ledgers and wallets in DuckDB; returns the stock left of stocked rewards."""
    lives.build_people(duck, config, now)
    lives.build_purchases(duck, config, now)
    redemptions.play(duck, redemptions.build_attempts(duck))
    left = redemptions.apply_stock(duck, stock)
    redemptions.build_ledgers(duck, config.seed)
    duck.execute("DROP TABLE attempts; DROP TABLE purchases; DROP TABLE redeemed; "
                 "DROP TABLE redemptions")
    redemptions.build_contacts(duck)
    return left
