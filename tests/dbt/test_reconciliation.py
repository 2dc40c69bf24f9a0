"""A balance that drifts from its ledger fails the build, and the error names the contact."""

from __future__ import annotations

import shutil

import duckdb
from dbt_warehouse import Warehouse, run_cli


def test_drifted_balance_fails_and_names_the_contact(warehouse: Warehouse, tmp_path):
    copy = tmp_path / "drifted.duckdb"
    shutil.copy(warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        uuid, email = con.execute(
            f"select uuid, email from {warehouse.raw_schema}.contacts"
            " where _dlt_valid_to is null order by uuid limit 1").fetchone()
        con.execute(
            f"update {warehouse.raw_schema}.contacts set credit_balance = credit_balance + 7"
            " where uuid = ? and _dlt_valid_to is null", [uuid])
    env = {**warehouse.env, "DESTINATION__DUCKDB__CREDENTIALS": str(copy)}
    result = run_cli(
        ["transform", "--as-of", warehouse.as_of, "--select", "+mart_balance_reconciliation+",
         "--target-path", str(tmp_path / "target")],
        env, warehouse.workdir,
    )
    assert result.returncode == 3  # a data check failed (README, "Exit codes")
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: dbt build failed: test assert_balances_reconcile")
    assert f"contact_uuid={uuid}" in message
    assert f"email={email}" in message
    assert "drift_credits=7" in message
