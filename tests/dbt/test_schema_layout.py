"""Upgrading a warehouse built before staging and intermediate models moved out of
piggy_analytics: the next build drops the old copies there (views and tables named after this
project's models), so a BI user sees only what to query and no stale copy keeps personal data;
anything else in the schema stays."""

from __future__ import annotations

import shutil

import duckdb
from dbt_warehouse import Warehouse, run_cli


def test_a_build_drops_the_copies_left_in_the_analytics_schema(warehouse: Warehouse, tmp_path):
    copy = tmp_path / "piggy.duckdb"
    shutil.copy(warehouse.duckdb_path, copy)
    shutil.copytree(warehouse.workdir / "dlt", tmp_path / "dlt")
    env = {**warehouse.env, "DLT_DATA_DIR": str(tmp_path / "dlt"),
           "DESTINATION__DUCKDB__CREDENTIALS": str(copy)}
    with duckdb.connect(str(copy)) as con:
        con.execute("create view piggy_analytics.stg_piggy__units as select 1 as unit")
        con.execute("create table piggy_analytics.int_contacts_current as"
                    " select email from piggy_staging.stg_piggy__contacts")
        con.execute("create table piggy_analytics.my_own_notes as select 1 as note")

    built = run_cli(["transform", "--select", "stg_piggy__units", "--target-path",
                     str(tmp_path / "target")], env, tmp_path)

    assert built.returncode == 0, built.stderr[-2000:]
    with duckdb.connect(str(copy), read_only=True) as con:
        left = {name for (name,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'piggy_analytics'").fetchall()}
    assert "stg_piggy__units" not in left
    assert "int_contacts_current" not in left
    assert {"my_own_notes", "dim_contacts", "seg_vip_candidates"} <= left
