"""No reliance on the API's default order: the sorts the contract documents are sent, and the
prepaid ledger (no `sort`) is read whole when it does not come back newest first."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from lying_proxy import lying_proxy
from source_helpers import Warehouse, api_records, api_totals

from piggy_source.settings import API_PREFIX

SORTED = ("/contacts", "/loyalty-transactions", "/giftcard-transactions")

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


def test_the_documented_sort_is_sent_on_every_page(sandbox, tmp_path):
    """Contacts and both dated ledgers are read with `sort=created_at`, never the default."""
    resources = ["contacts", "loyalty_transactions", "giftcard_transactions"]
    with lying_proxy(sandbox, lambda answer: None) as proxy:
        through = SimpleNamespace(base_url=proxy.base_url, token=sandbox.token)
        Warehouse(tmp_path, through).load(resources=resources)
    sorts: dict[str, list] = {path: [] for path in SORTED}
    for asked in map(urlsplit, proxy.asked):
        path = asked.path.removeprefix(API_PREFIX)
        if path in sorts:
            sorts[path].append(parse_qs(asked.query).get("sort"))
    ledger = api_totals(sandbox, ["loyalty_transactions"])["loyalty_transactions"]
    pages = {
        "/contacts": 3,
        "/loyalty-transactions": -(-ledger // 100),
        "/giftcard-transactions": 1,
    }
    assert {path: len(sent) for path, sent in sorts.items()} == pages
    assert all(sent == [["created_at"]] * len(sent) for sent in sorts.values()), sorts
