"""Loads against the sandbox over loopback into a real DuckDB file."""

from __future__ import annotations

from source_helpers import api_totals

from piggy_source.settings import ENDPOINTS

LEDGERS = ("loyalty_transactions", "giftcard_transactions", "prepaid_transactions")


def test_every_resource_lands_with_the_sandbox_totals_and_a_second_run_adds_nothing(
    sandbox, warehouse
):
    wh = warehouse(sandbox)
    first = wh.load()
    totals = api_totals(sandbox)
    counts = wh.counts()
    for name in ENDPOINTS:
        expected = totals[name]
        got = wh.current_contacts() if name == "contacts" else counts.get(name, 0)
        assert got == expected, name
    assert counts["contact_subscriptions"] == 2 * totals["contacts"]
    assert "quarantined_records" not in counts
    assert first.rows >= sum(totals.values())

    second = wh.load()
    assert wh.counts() == counts
    assert wh.current_contacts() == totals["contacts"]
    # the newest-first prepaid ledger stops at the cursor instead of reading every page again
    assert second.resources["prepaid_transactions"].requests <= 2
    assert first.resources["prepaid_transactions"].requests > 2


def test_ledger_keys_are_unique_after_overlapping_reads(sandbox, warehouse):
    wh = warehouse(sandbox)
    wh.load(resources=list(LEDGERS), lookback_seconds=10 * 86400)
    wh.load(resources=list(LEDGERS), lookback_seconds=10 * 86400)
    for table, key in (("loyalty_transactions", "uuid"), ("prepaid_transactions", "uuid"),
                       ("giftcard_transactions", "transaction_key")):
        sql = f"SELECT count(*), count(DISTINCT {key}) FROM piggy_raw.{table}"
        total, distinct = wh.query(sql)[0]
        assert total == distinct == api_totals(sandbox, [table])[table]


def test_raw_columns_are_typed_as_documented(sandbox, warehouse):
    wh = warehouse(sandbox)
    wh.load(resources=["loyalty_transactions", "contacts"])
    types = dict(wh.query(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'piggy_raw'"))
    assert types["loyalty_transactions.created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["loyalty_transactions.credits"] == "BIGINT"
    assert types["loyalty_transactions.unit_value"] == "DOUBLE"
    assert types["contacts.birthdate"] == "DATE"
    assert types["contacts.credit_balance"] == "BIGINT"
    assert wh.scalar("SELECT count(*) FROM piggy_raw.loyalty_transactions WHERE credits < 0 "
                     "AND type LIKE '%reward_reception'") > 0
