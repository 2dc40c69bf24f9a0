"""`piggy-elt erase` on PostgreSQL: the same history as on DuckDB, erased with the same portable
statements, leaves no trace in any schema of the database or any file, and stays erased."""

from __future__ import annotations

import pytest
from erase_scenario import build_history
from erase_workspace import Workspace

from piggy_sandbox import SandboxConfig, run_sandbox

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_erase_on_postgres_leaves_no_trace_and_a_later_run_keeps_it(
    tmp_path, sandbox_data_dir, crm, privacy_postgres
):
    config = SandboxConfig(scale=100, seed=11, data_dir=sandbox_data_dir)
    with run_sandbox(config) as sandbox:
        workspace = Workspace(tmp_path, sandbox, privacy_postgres)
        member = build_history(workspace, crm.url)
        assert "piggy_raw.contacts.email" in workspace.traces_in_tables(member.needles)
        ledger = "SELECT uuid, credits FROM piggy_raw.loyalty_transactions WHERE contact_uuid = %s"
        money = sorted(workspace.query(ledger, member.uuid))

        workspace.cli(
            "erase",
            "--contact",
            member.uuid,
            "--apply",
            "--target-path",
            str(tmp_path / "dbt-target"),
        )
        assert workspace.traces_in_tables(member.needles) == []
        assert workspace.traces_in_files(member.needles, "dlt", "exports", "dbt-target") == []
        assert sorted(workspace.query(ledger, member.uuid)) == money
        assert workspace.query(
            "SELECT count(*) FROM piggy_analytics.mart_balance_reconciliation WHERE is_drifted"
        ) == [(0,)]

        workspace.run()
        assert workspace.traces_in_tables(member.needles) == []
        assert workspace.query(
            "SELECT count(*) FROM piggy_raw.contacts WHERE uuid = %s AND email IS NOT NULL",
            member.uuid,
        ) == [(0,)]
