"""`dbt source freshness` on the raw tables, as `piggy-elt status` shows it: loaded-at from dlt's
load log, warn and error limits from the sources yml."""

from __future__ import annotations

import json
import shutil

import duckdb
from dbt_warehouse import Warehouse, run_cli


def test_status_shows_every_raw_table_loaded_by_the_last_load(warehouse: Warehouse):
    result = run_cli(["status", "--json"], warehouse.env, warehouse.workdir)

    assert result.returncode == 0, result.stderr[-2000:]
    tables = json.loads(result.stdout)["source_freshness"]["tables"]
    (last_load,) = warehouse.query(
        f"select max(inserted_at) from {warehouse.raw_schema}._dlt_loads where status = 0")[0]
    assert {"_dlt_loads", "contacts", "loyalty_transactions", "rewards"} <= set(tables)
    assert "quarantined_records" not in tables  # no limit: empty is the good case
    assert {name: entry["status"] for name, entry in tables.items() if entry["status"] != "pass"} \
        == {}
    assert tables["contacts"]["loaded_at"] == last_load.isoformat()
    assert (tables["contacts"]["warn_after"], tables["contacts"]["error_after"]) == ("26h", "50h")
    assert tables["prepaid_transactions"]["error_after"] == "-"


def test_old_loads_warn_then_fail_and_a_table_never_loaded_says_so(warehouse: Warehouse,
                                                                  tmp_path):
    copy = tmp_path / "piggy.duckdb"
    shutil.copy(warehouse.duckdb_path, copy)
    shutil.copytree(warehouse.workdir / "dlt", tmp_path / "dlt")
    env = {**warehouse.env, "DLT_DATA_DIR": str(tmp_path / "dlt"),
           "DESTINATION__DUCKDB__CREDENTIALS": str(copy)}
    raw = warehouse.raw_schema
    with duckdb.connect(str(copy)) as con:
        con.execute(f"update {raw}._dlt_loads set inserted_at = inserted_at - interval 60 hour")
        con.execute(f"delete from {raw}.referrals")  # no load ever wrote a row to it

    result = run_cli(["status", "--json"], env, tmp_path)
    shown = run_cli(["status"], env, tmp_path)

    assert result.returncode == 0, result.stderr[-2000:]
    tables = json.loads(result.stdout)["source_freshness"]["tables"]
    assert tables["contacts"]["status"] == "error"
    assert tables["contacts"]["age_hours"] >= 60
    assert tables["prepaid_transactions"]["status"] == "warn"  # warn only: quiet days happen
    assert (tables["referrals"]["status"], tables["referrals"]["loaded_at"]) == ("error", None)
    assert shown.returncode == 0
    assert "source freshness" in shown.stdout
    assert "never loaded" in shown.stdout
