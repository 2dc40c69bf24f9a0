"""A second load after the account moved: scd2 history becomes tier changes and deletions."""

from __future__ import annotations

import os

import duckdb
from dbt_warehouse import run_cli

TIER_CHANGES = 4
DELETES = 2


def test_tier_changes_and_deletions_reach_the_marts(make_sandbox, tmp_path):
    sandbox = make_sandbox()
    duckdb_path = tmp_path / "piggy.duckdb"
    env = {
        **os.environ,
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "DESTINATION__DUCKDB__CREDENTIALS": str(duckdb_path),
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
    }
    assert run_cli(["run"], env, tmp_path).returncode == 0
    moved = sandbox.control.advance(
        1, signups=0, earns=0, redemptions=0, cashback=0, tier_changes=TIER_CHANGES,
        deletes=DELETES)
    second = run_cli(["run"], env, tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    as_of = moved["now"][:10]
    build = run_cli(["transform", "--as-of", as_of, "--target-path", str(tmp_path / "target")],
                    env, tmp_path)
    assert build.returncode == 0, build.stderr[-2000:]

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        upgrades = con.execute(
            "select sum(upgrades + joins), sum(downgrades) from piggy_analytics.mart_tier_history"
        ).fetchone()
        deleted = con.execute(
            "select count(*), count(deleted_at) from piggy_analytics.dim_contacts"
            " where is_deleted and not is_known_from_activity_only").fetchone()
        in_segments = con.execute(
            "select count(*) from piggy_analytics.dim_contacts d"
            " join piggy_analytics.seg_lapsed_redeemers s using (contact_uuid)"
            " where d.is_deleted").fetchone()
    assert upgrades == (TIER_CHANGES, 0)
    assert deleted == (DELETES, DELETES)
    assert in_segments == (0,)
