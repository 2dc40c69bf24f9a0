"""Incremental runs after the account changes: new ledger rows, balance and tier history,
deletions, partial reads that must not retire anyone, and backfill windows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from source_helpers import api_records, api_totals

from pipelines.errors import CliError
from pipelines.load_status import read_status
from pipelines.loading import run_lock

LEDGERS = ("loyalty_transactions", "giftcard_transactions", "prepaid_transactions")
ACTIVITY = {"signups": 6, "earns": 60, "redemptions": 15, "cashback": 12, "tier_changes": 6,
            "deletes": 3}


def current_balances(wh) -> dict[str, tuple]:
    return {uuid: (balance, tier) for uuid, balance, tier in wh.query(
        "SELECT uuid, credit_balance, tier_uuid FROM piggy_raw.contacts "
        "WHERE _dlt_valid_to IS NULL")}


def tracked(contacts: list[dict]) -> dict[str, tuple]:
    """What a contact version tracks: balances, tier and profile (`current_values`)."""
    return {c["uuid"]: (c["credit_balance"], c["prepaid_balance"], c["tier"], c["current_values"],
                        c["email"]) for c in contacts}


@pytest.fixture
def changed_account(make_sandbox, warehouse):
    """A private account loaded once, then advanced two days with known activity."""
    sandbox = make_sandbox()
    wh = warehouse(sandbox)
    wh.load()
    before = {"counts": wh.counts(), "balances": current_balances(wh),
              "api": tracked(api_records(sandbox, "contacts"))}
    activity = sandbox.control.advance(days=2, **ACTIVITY)
    return sandbox, wh, before, activity


def test_incremental_run_lands_new_ledger_rows_changed_balances_and_deletions(changed_account):
    sandbox, wh, before, activity = changed_account
    summary = wh.load()
    totals = api_totals(sandbox)
    after = wh.counts()
    for ledger in LEDGERS:
        assert after[ledger] == totals[ledger], ledger
    assert after["loyalty_transactions"] > before["counts"]["loyalty_transactions"]
    assert summary.resources["loyalty_transactions"].requests <= 3  # cursor, not a full read

    contacts = api_records(sandbox, "contacts")
    api_contacts = {c["uuid"]: (c["credit_balance"]["balance"], (c["tier"] or {}).get("uuid"))
                    for c in contacts}
    assert current_balances(wh) == api_contacts
    new_balance_or_tier = {uuid for uuid, state in api_contacts.items()
                           if uuid in before["balances"] and before["balances"][uuid] != state}
    changed = {uuid for uuid, state in tracked(contacts).items()
               if uuid in before["api"] and before["api"][uuid] != state}
    versions = dict(wh.query("SELECT uuid, count(*) FROM piggy_raw.contacts GROUP BY uuid"))
    assert new_balance_or_tier and new_balance_or_tier <= changed
    assert {uuid for uuid, n in versions.items() if n == 2} == changed
    assert max(versions.values()) == 2

    for uuid in activity["deleted_uuids"]:
        rows = wh.query(f"SELECT _dlt_valid_to FROM piggy_raw.contacts WHERE uuid = '{uuid}'")
        assert rows and all(valid_to is not None for (valid_to,) in rows)
    for uuid in activity["new_contact_uuids"]:
        assert uuid in api_contacts and versions[uuid] == 1


def test_a_new_contacts_read_retires_no_one_and_a_sweep_then_does(changed_account):
    sandbox, wh, before, activity = changed_account
    wh.load(resources=["contacts"], contacts_sweep=False)
    current = current_balances(wh)
    for uuid in activity["deleted_uuids"]:
        assert uuid in current, "a partial read must not close a contact it did not read"
    for uuid in activity["new_contact_uuids"]:
        assert uuid in current
    assert len(current) == len(before["balances"]) + len(activity["new_contact_uuids"])

    wh.load(resources=["contacts"])
    current = current_balances(wh)
    assert not set(activity["deleted_uuids"]) & set(current)
    assert len(current) == api_totals(sandbox, ["contacts"])["contacts"]


def test_a_backfill_window_loads_only_that_window_and_moves_no_cursor(sandbox, warehouse):
    wh = warehouse(sandbox)
    start, end = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    wh.load(resources=list(LEDGERS), start_date=start, end_date=end)
    for ledger in LEDGERS:
        low, high, n = wh.query(
            f"SELECT min(created_at), max(created_at), count(*) FROM piggy_raw.{ledger}")[0]
        if n:
            assert start <= low and high < end, ledger
    window = {"created_at[gte]": start.isoformat(), "created_at[lt]": end.isoformat()}
    expected = len(api_records(sandbox, "loyalty_transactions", **window))
    assert wh.counts()["loyalty_transactions"] == expected > 0
    status = read_status("piggy", pipelines_dir=wh.root / "dlt", destination="duckdb",
                         duckdb_path=wh.path)
    assert all(table.cursor is None for table in status.tables)

    wh.load(resources=list(LEDGERS))
    assert wh.counts()["loyalty_transactions"] == api_totals(sandbox)["loyalty_transactions"]


def test_refresh_reloads_one_resource_and_full_refresh_reloads_all(sandbox, warehouse):
    wh = warehouse(sandbox)
    wh.load(resources=["rewards", "tiers"])

    def load_ids(table: str) -> set[str]:
        return {load_id for (load_id,) in wh.query(
            f"SELECT DISTINCT _dlt_load_id FROM piggy_raw.{table}")}

    tiers_before, rewards_before = load_ids("tiers"), load_ids("rewards")
    summary = wh.load(refresh="rewards")
    assert set(summary.resources) == {"rewards"}
    assert load_ids("rewards") == set(summary.load_ids) != rewards_before
    assert load_ids("tiers") == tiers_before
    assert wh.counts()["rewards"] == api_totals(sandbox, ["rewards"])["rewards"]

    summary = wh.load(resources=["rewards", "tiers"], full_refresh=True)
    assert load_ids("tiers") == load_ids("rewards") == set(summary.load_ids)
    assert wh.counts()["tiers"] == api_totals(sandbox, ["tiers"])["tiers"]


def test_a_second_run_of_the_same_pipeline_refuses_while_one_is_loading(sandbox, warehouse):
    wh = warehouse(sandbox)
    wh.load(resources=["tiers"])
    with run_lock(wh.root / "dlt", "piggy"), pytest.raises(CliError, match="another piggy-elt run"):
        wh.load(resources=["tiers"])
    wh.load(resources=["tiers"])
    assert wh.counts()["tiers"] == api_totals(sandbox, ["tiers"])["tiers"]
