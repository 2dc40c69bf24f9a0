"""Mart figures against numbers computed here, from the sandbox API or raw tables."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, timedelta

import httpx
from dbt_warehouse import Warehouse
from fifo_reference import simulate

EXPIRE_AFTER_DAYS = 365


def api_balances(sandbox) -> dict[str, int]:
    """Every current contact's points balance, read page by page from the sandbox API."""
    balances: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    with httpx.Client(base_url=sandbox.api_url, headers=headers, timeout=30) as client:
        page, last_page = 1, 1
        while page <= last_page:
            body = client.get("/contacts", params={"limit": 100, "page": page}).json()
            for contact in body["data"]:
                balances[contact["uuid"]] = contact["credit_balance"]["balance"]
            last_page = int(body["meta"]["last_page"])
            page += 1
    return balances


def utc_day(moment) -> date:
    return moment.astimezone(UTC).date()


def raw_movements(warehouse: Warehouse) -> list[tuple[str, date, int]]:
    rows = warehouse.query(
        f"select contact_uuid, created_at, credits from {warehouse.raw_schema}.loyalty_transactions"
        " order by created_at, uuid")
    return [(contact, utc_day(created), credits) for contact, created, credits in rows]


def test_current_balances_match_the_api(warehouse: Warehouse, sandbox):
    balances = api_balances(sandbox)
    rows = warehouse.query(
        "select contact_uuid, credit_balance from piggy_analytics.dim_contacts"
        " where not is_deleted")
    assert dict(rows) == balances
    drift = warehouse.query(
        "select count(*) from piggy_analytics.mart_balance_reconciliation where is_drifted")
    assert drift == [(0,)]


def test_liability_matches_an_independent_fifo(warehouse: Warehouse):
    as_of = date.fromisoformat(warehouse.as_of)
    movements = raw_movements(warehouse)
    expiry = simulate(movements, as_of, EXPIRE_AFTER_DAYS)
    ledger_balance = sum(credits for _, day, credits in movements if day <= as_of)
    breakage = sum(contact.expired for contact in expiry.values())
    expiring = {d: sum(c.expiring_within(as_of, d) for c in expiry.values()) for d in (14, 30, 90)}
    row = warehouse.query(
        "select ledger_points_balance, breakage_points_cumulative, outstanding_points,"
        " points_expiring_next_14d, points_expiring_next_30d, points_expiring_next_90d"
        " from piggy_analytics.mart_points_liability where liability_date = ?", as_of)
    assert breakage > 0, "the sandbox history is long enough for points to expire"
    assert row == [(ledger_balance, breakage, ledger_balance - breakage,
                    expiring[14], expiring[30], expiring[90])]


def test_expiring_segment_matches_the_fifo_and_consent(warehouse: Warehouse):
    as_of = date.fromisoformat(warehouse.as_of)
    expiry = simulate(raw_movements(warehouse), as_of, EXPIRE_AFTER_DAYS)
    consenting = {uuid for (uuid,) in warehouse.query(
        f"select s.contact_uuid from {warehouse.raw_schema}.contact_subscriptions s"
        f" join {warehouse.raw_schema}.contacts c on c.uuid = s.contact_uuid"
        " and c._dlt_valid_to is null"
        " where s.subscription_type_name = 'Marketing' and s.is_subscribed")}
    expected = {
        contact: (result.expiring_within(as_of, 14), result.expiring_within(as_of, 30),
                  result.next_expiry())
        for contact, result in expiry.items()
        if contact in consenting and result.expiring_within(as_of, 14) > 0
    }
    rows = warehouse.query(
        "select contact_uuid, points_expiring_14d, points_expiring_30d, next_expiry_date"
        " from piggy_analytics.seg_points_expiring_14d")
    assert expected, "the sandbox has members with points expiring soon"
    assert {uuid: tuple(values) for uuid, *values in rows} == expected


def test_redemptions_per_reward_week(warehouse: Warehouse):
    as_of = date.fromisoformat(warehouse.as_of)
    rows = warehouse.query(
        f"select reward_uuid, created_at from {warehouse.raw_schema}.loyalty_transactions"
        " where type in ('reward_reception', 'digital_reward_reception')")
    expected: Counter = Counter()
    for reward, created in rows:
        day = utc_day(created)
        if day <= as_of:
            expected[(reward, day - timedelta(days=day.weekday()))] += 1
    marts = warehouse.query(
        "select reward_uuid, week_start, redemptions from piggy_analytics.mart_redemption_trends"
        " where not is_all_rewards and redemptions > 0")
    assert {(reward, week): count for reward, week, count in marts} == dict(expected)
    weekly_totals = warehouse.query(
        "select sum(redemptions) from piggy_analytics.mart_redemption_trends where is_all_rewards")
    assert weekly_totals == [(sum(expected.values()),)]


def test_freshness_names_the_last_load_of_each_resource(warehouse: Warehouse):
    last_load = warehouse.query(
        f"select max(inserted_at) from {warehouse.raw_schema}._dlt_loads where status = 0")[0][0]
    rows = warehouse.query(
        "select resource_name, last_loaded_at, row_count"
        " from piggy_analytics.mart_resource_freshness where row_count > 0")
    assert {name for name, _, _ in rows} >= {"contacts", "loyalty_transactions", "rewards"}
    assert {name: loaded for name, loaded, _ in rows} == {name: last_load for name, _, _ in rows}
    contacts = warehouse.query(
        f"select count(*) from {warehouse.raw_schema}.contacts")[0][0]
    assert ("contacts", contacts) in {(name, count) for name, _, count in rows}
