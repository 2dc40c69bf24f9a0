"""Scenario 7: ledger rows on the exact cursor, rows sharing one `created_at` across pages, and
bounds written at non-UTC offsets are neither lost nor duplicated across runs.

The sandbox's clock stands still between writes, so rows written through the API share the same
`created_at`, and a row written after a load lands exactly on the saved cursor.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from warehouse_checks import Warehouse, differences, duplicate_keys

from piggy_source.settings import API_PREFIX

LEDGERS = ["loyalty_transactions", "prepaid_transactions", "giftcard_transactions"]
INDIA = timezone(timedelta(hours=5, minutes=30))
PACIFIC = timezone(timedelta(hours=-8))


class Api:
    """Writes through the sandbox's public API, as a shop's till would."""

    def __init__(self, sandbox) -> None:
        self.client = httpx.Client(base_url=f"{sandbox.base_url}{API_PREFIX}", timeout=60,
                                   headers={"Authorization": f"Bearer {sandbox.token}"})
        self.contact = self.client.get("/contacts", params={"limit": 1}).json()["data"][0]["uuid"]
        self.shop = self.client.get("/shops").json()["data"][0]["uuid"]

    def earn(self, times: int) -> None:
        for _ in range(times):
            body = {"shop_uuid": self.shop, "contact_uuid": self.contact, "credits": 5}
            self.client.post("/credit-receptions", json=body).raise_for_status()

    def cashback(self, times: int) -> None:
        for _ in range(times):
            body = {"shop_uuid": self.shop, "contact_uuid": self.contact, "amount_in_cents": 125}
            self.client.post("/prepaid-transactions", json=body).raise_for_status()


def at_clock(warehouse: Warehouse, table: str, moment: datetime) -> int:
    return warehouse.scalar(f"SELECT count(*) FROM piggy_raw.{table} WHERE created_at = ?", moment)


def test_rows_on_the_cursor_and_sharing_a_moment_load_once_across_runs(make_sandbox, tmp_path):
    sandbox = make_sandbox(scale=100)
    api = Api(sandbox)
    clock = datetime.fromisoformat(sandbox.control.status()["now"])
    exact = Warehouse(tmp_path / "exact", sandbox, lookback_seconds=0)
    overlapping = Warehouse(tmp_path / "overlap", sandbox)
    for warehouse in (exact, overlapping):
        warehouse.load(resources=LEDGERS)
    earned, paid = (at_clock(exact, table, clock) for table in LEDGERS[:2])

    api.earn(130)
    api.cashback(40)
    for warehouse in (exact, overlapping):
        warehouse.load(resources=LEDGERS)
        assert at_clock(warehouse, "loyalty_transactions", clock) == earned + 130
        assert at_clock(warehouse, "prepaid_transactions", clock) == paid + 40

    api.earn(3)
    api.cashback(2)
    for warehouse in (exact, overlapping):
        warehouse.load(resources=LEDGERS)
        warehouse.load(resources=LEDGERS)
        assert at_clock(warehouse, "loyalty_transactions", clock) == earned + 133
        assert at_clock(warehouse, "prepaid_transactions", clock) == paid + 42
        assert duplicate_keys(warehouse.path) == {}

    scratch = Warehouse(tmp_path / "scratch", sandbox)
    scratch.load(resources=LEDGERS)
    for warehouse in (exact, overlapping):
        assert not differences(scratch.fingerprint(), warehouse.fingerprint())


def test_a_backfill_window_at_non_utc_offsets_loads_that_window_exactly(sandbox, tmp_path):
    """`--start-date 2026-03-01T05:30+05:30` is midnight UTC: the window is the same moments
    whatever offset names it, rows on its start are in, rows on its end are out."""
    start = datetime(2026, 3, 1, 5, 30, tzinfo=INDIA)
    end = datetime(2026, 3, 31, 16, 0, tzinfo=PACIFIC)
    warehouse = Warehouse(tmp_path / "w", sandbox)
    warehouse.load(resources=["loyalty_transactions"], start_date=start, end_date=end)
    landed = set(r[0] for r in warehouse.rows("SELECT uuid FROM piggy_raw.loyalty_transactions"))

    client = httpx.Client(base_url=f"{sandbox.base_url}{API_PREFIX}", timeout=60,
                          headers={"Authorization": f"Bearer {sandbox.token}"})
    expected, page = set(), 1
    while True:
        body = client.get("/loyalty-transactions", params={
            "page": page, "limit": 100, "created_at[gte]": "2026-03-01T00:00:00Z",
            "created_at[lt]": "2026-04-01T00:00:00Z"}).json()
        expected |= {record["uuid"] for record in body["data"]}
        if page >= body["meta"]["last_page"]:
            break
        page += 1
    assert expected and landed == expected
    report = warehouse.rows("SELECT min(created_at), max(created_at) "
                            "FROM piggy_raw.loyalty_transactions")[0]
    assert report[0] >= start and report[1] < end
    full = Warehouse(tmp_path / "after", sandbox)
    full.load(resources=["loyalty_transactions"], start_date=start, end_date=end)
    full.load(resources=["loyalty_transactions"])
    total = full.scalar("SELECT count(*) FROM piggy_raw.loyalty_transactions")
    assert total == int(client.get("/loyalty-transactions", params={"page": 1}).json()
                        ["meta"]["total"]), "a backfill moved the cursor and hid older rows"
