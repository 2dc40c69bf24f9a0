"""No reliance on the API's default order: the sorts the contract documents are sent, and the
prepaid ledger (no `sort`) is read whole when it does not come back newest first."""

from __future__ import annotations

from source_helpers import api_records, api_totals

CASHBACK_ONLY = {
    "signups": 0,
    "earns": 0,
    "redemptions": 0,
    "cashback": 40,
    "tier_changes": 0,
    "deletes": 0,
}


def test_prepaid_answered_oldest_first_still_loads_every_new_transaction(make_sandbox, warehouse):
    sandbox = make_sandbox(scale=200)
    wh = warehouse(sandbox)
    wh.load(resources=["prepaid_transactions"])
    sandbox.control.configure(prepaid_order="oldest")
    sandbox.control.advance(days=1, **CASHBACK_ONLY)
    summary = wh.load(resources=["prepaid_transactions"])
    expected = {record["uuid"] for record in api_records(sandbox, "prepaid_transactions")}
    landed = {uuid for (uuid,) in wh.query("SELECT uuid FROM piggy_raw.prepaid_transactions")}
    assert landed == expected
    pages = api_totals(sandbox, ["prepaid_transactions"])["prepaid_transactions"] // 30 + 1
    assert summary.resources["prepaid_transactions"].pages == pages > 2


def test_prepaid_answered_newest_first_stops_at_the_cursor(make_sandbox, warehouse):
    sandbox = make_sandbox(scale=200)
    wh = warehouse(sandbox)
    wh.load(resources=["prepaid_transactions"])
    sandbox.control.advance(days=1, **CASHBACK_ONLY)
    summary = wh.load(resources=["prepaid_transactions"])
    total = api_totals(sandbox, ["prepaid_transactions"])["prepaid_transactions"]
    assert wh.counts()["prepaid_transactions"] == total
    assert summary.resources["prepaid_transactions"].pages == 2 < total // 30
