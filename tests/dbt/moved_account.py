"""A sandbox account that lived on after its first load, loaded twice and modelled.

The recomputation suite needs history the first load alone never has: scd2 versions with tier
changes and deletions, signups who never act, reversals and negative adjustments (merchant-side
removals) and spending of points the FIFO estimate had already written off. The account moves
`ADVANCE_DAYS` days between the two loads.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from dbt_warehouse import Warehouse, run_cli

ADVANCE_DAYS = 45
REVERSALS = 12
ADJUSTMENTS = 12


def api_client(sandbox) -> httpx.Client:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    return httpx.Client(base_url=sandbox.api_url, headers=headers, timeout=30)


def merchant_removals(sandbox, duckdb_path: Path, raw_schema: str) -> int:
    """Reverse some purchases and take points back from some members, as a merchant would.

    A removal Piggy refuses (the balance would go negative) is skipped, as in real life.
    """
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        receptions = [row[0] for row in con.execute(
            f"select uuid from {raw_schema}.loyalty_transactions"
            " where type = 'credit_reception' and credits > 0 and reversed_uuid is null"
            " order by created_at desc, uuid limit ?", [REVERSALS * 3]).fetchall()]
        members = con.execute(
            f"select uuid, credit_balance, shop_uuid from {raw_schema}.contacts c"
            f" join (select contact_uuid, min(shop_uuid) as shop_uuid"
            f" from {raw_schema}.loyalty_transactions group by contact_uuid) l"
            " on l.contact_uuid = c.uuid"
            " where c._dlt_valid_to is null and c.credit_balance >= 20"
            " order by c.credit_balance desc, c.uuid limit ?", [ADJUSTMENTS]).fetchall()
    done = 0
    with api_client(sandbox) as client:
        for uuid in receptions[::3]:
            done += client.post(f"/credit-receptions/{uuid}/reverse").status_code == 200
        for contact_uuid, balance, shop_uuid in members:
            done += client.post("/credit-receptions", json={
                "contact_uuid": contact_uuid, "shop_uuid": shop_uuid,
                "credits": -(balance // 2)}).status_code == 200
    return done


def build_moved_warehouse(sandbox, workdir: Path) -> Warehouse:
    """Load, move the account on (with merchant removals), load again, build dbt as of then."""
    duckdb_path = workdir / "piggy.duckdb"
    env = {
        **os.environ,
        "DLT_DATA_DIR": str(workdir / "dlt"),
        "DESTINATION__DUCKDB__CREDENTIALS": str(duckdb_path),
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
    }
    first = run_cli(["run"], env, workdir)
    assert first.returncode == 0, first.stderr[-2000:]
    raw_schema = "piggy_raw"
    assert merchant_removals(sandbox, duckdb_path, raw_schema) > 0
    moved = sandbox.control.advance(ADVANCE_DAYS, tier_changes=40, deletes=6, signups=20)
    second = run_cli(["run"], env, workdir)
    assert second.returncode == 0, second.stderr[-2000:]
    as_of = moved["now"][:10]
    transform = run_cli(
        ["transform", "--as-of", as_of, "--target-path", str(workdir / "target")], env, workdir)
    return Warehouse(workdir, duckdb_path, env, as_of, raw_schema, transform)
