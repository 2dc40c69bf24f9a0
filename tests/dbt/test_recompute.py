"""The marts against a recomputation from the raw tables (`recompute.py`, `fifo_reference.py`)
on an account that moved on after its first load: second sweep, tier changes, deletions, signups
who never act, reversals and negative adjustments."""

from __future__ import annotations

from datetime import date

import pytest
import recompute
import recompute_trends
from dbt_warehouse import Warehouse
from fifo_reference import simulate
from moved_account import build_moved_warehouse

from piggy_sandbox import SandboxConfig, run_sandbox

EXPIRE_AFTER_DAYS = 365
MART = "piggy_analytics"


@pytest.fixture(scope="module")
def moved(sandbox_data_dir, tmp_path_factory) -> Warehouse:
    config = SandboxConfig(scale=300, seed=7, data_dir=sandbox_data_dir)
    with run_sandbox(config) as sandbox:
        warehouse = build_moved_warehouse(sandbox, tmp_path_factory.mktemp("moved"))
    assert warehouse.transform.returncode == 0, warehouse.transform.stderr[-2000:]
    return warehouse


@pytest.fixture(scope="module")
def account(moved: Warehouse) -> recompute.Account:
    return recompute.Account.read(moved.query, moved.raw_schema, date.fromisoformat(moved.as_of))


def test_breakage_gives_back_what_was_spent_later(moved: Warehouse, account):
    movements = [(contact, recompute.day(at), credits)
                 for _, contact, _, credits, *_, at in account.ledger]
    expiry = simulate(movements, account.as_of, EXPIRE_AFTER_DAYS)
    balances = {c: sum(cr for cc, d, cr in movements if cc == c and d <= account.as_of)
                for c in expiry}
    expected = {c: (e.expired, e.reversed, balances[c] - e.expired) for c, e in expiry.items()
                if e.expired or e.reversed}
    rows = moved.query(
        f"select contact_uuid, estimated_breakage_points, breakage_reversed_points,"
        f" outstanding_points from {MART}.dim_contacts"
        " where estimated_breakage_points <> 0 or breakage_reversed_points <> 0")
    assert sum(reversed_ for _, reversed_, _ in expected.values()) > 0
    assert min(outstanding for _, _, outstanding in expected.values()) >= 0
    assert {uuid: tuple(values) for uuid, *values in rows} == expected
    lowest = moved.query(f"select min(running_points_balance) from {MART}.fct_points_ledger")
    assert lowest[0][0] >= 0
    liability = moved.query(
        f"select breakage_points_cumulative, breakage_reversed_cumulative, outstanding_points"
        f" from {MART}.mart_points_liability where liability_date = ?", account.as_of)
    assert liability == [(sum(e.expired for e in expiry.values()),
                          sum(e.reversed for e in expiry.values()),
                          sum(balances.values()) - sum(e.expired for e in expiry.values()))]


def test_activity_counts_member_initiated_events_only(moved: Warehouse, account):
    acted = recompute.activity(account)
    expected = {c: (min(a["days"]), max(a["days"])) for c, a in acted.items() if a["days"]}
    rows = moved.query(f"select contact_uuid, first_activity_date, last_activity_date"
                       f" from {MART}.dim_contacts where first_activity_date is not null")
    merchant_only = [c for c, a in acted.items() if a["seen"] and not a["days"]]
    assert merchant_only, "the moved account has members the merchant alone touched"
    assert {uuid: (first, last) for uuid, first, last in rows} == expected


def test_cohorts_by_signup_and_by_first_activity(moved: Warehouse, account):
    expected = recompute.cohorts(account)
    rows = moved.query(f"select cohort_basis, cohort_month, months_since_cohort_month,"
                       f" cohort_size, active_contacts from {MART}.mart_cohort_retention")
    assert {(b, m, n): (size, active) for b, m, n, size, active in rows} == expected
    signup_sizes = {(m, size) for (b, m, n), (size, _) in expected.items() if b == "signup"}
    assert sum(size for _, size in signup_sizes) == len(account.members())


def test_ltv_values_buckets_deciles_and_projection(moved: Warehouse, account):
    expected = recompute.ltv(account)
    rows = moved.query(f"select contact_uuid, net_value_cents, is_never_active, ltv_decile,"
                       f" projected_12m_value_cents from {MART}.mart_customer_ltv")
    got = {uuid: (net, never, decile) for uuid, net, never, decile, _ in rows}
    assert got == {c: (v["net"], v["never_active"], v["decile"]) for c, v in expected.items()}
    projected = {uuid: value for uuid, *_, value in rows}
    off = [c for c, v in expected.items() if (v["projected"] is None) != (projected[c] is None)
           or (v["projected"] is not None and abs(v["projected"] - projected[c]) > 1)]
    assert off == []
    assert any(v["never_active"] for v in expected.values())


def test_redemption_trends_label_every_series(moved: Warehouse, account):
    expected = recompute_trends.trend_labels(account)
    rows = moved.query(f"select reward_uuid, week_start, redemptions, trend_label, is_partial_week"
                       f" from {MART}.mart_redemption_trends")
    assert {(r, w): (n, label) for r, w, n, label, _ in rows} == expected
    partial_weeks = {week for _, week, _, _, partial in rows if partial}
    assert partial_weeks == {max(week for _, week in expected)}


def test_tier_history_dated_by_the_contact(moved: Warehouse, account):
    expected = recompute.tier_changes(account)
    rows = moved.query(f"select change_month, from_tier_name, to_tier_name, direction,"
                       f" tier_changes from {MART}.mart_tier_history")
    assert {tuple(key): count for *key, count in rows} == expected
    assert any(direction == "joined" for *_, direction in expected)


def reachable(moved: Warehouse, account) -> set[str]:
    """Not deleted and subscribed to the Marketing subscription type."""
    subscribed = {uuid for (uuid,) in moved.query(
        f"select contact_uuid from {moved.raw_schema}.contact_subscriptions"
        " where subscription_type_name = 'Marketing' and is_subscribed")}
    return {c for c in subscribed if c in account.versions and not account.is_deleted(c)}


def test_lapsed_and_at_risk_segments(moved: Warehouse, account):
    as_of = account.as_of
    redeemed = {c: max(days) for c, days in recompute.redemption_days(
        account, moved.query, moved.raw_schema).items()}
    acted, values = recompute.activity(account), recompute.ltv(account)
    people = reachable(moved, account)
    lapsed = {c for c in people if c in redeemed and (as_of - redeemed[c]).days >= 90}
    at_risk = {c for c in people if (values[c]["decile"] or 0) >= 8 and acted[c]["days"]
               and (as_of - max(acted[c]["days"])).days >= 60}
    assert lapsed and at_risk
    assert {u for (u,) in moved.query(f"select contact_uuid from {MART}.seg_lapsed_redeemers")} \
        == lapsed
    assert {u for (u,) in moved.query(f"select contact_uuid from {MART}.seg_high_value_at_risk")} \
        == at_risk


def test_expiring_and_vip_segments(moved: Warehouse, account):
    as_of, raw = account.as_of, moved.raw_schema
    movements = [(contact, recompute.day(at), credits)
                 for _, contact, _, credits, *_, at in account.ledger]
    expiry = simulate(movements, as_of, EXPIRE_AFTER_DAYS)
    people = reachable(moved, account)
    expiring = {c for c in people if c in expiry and expiry[c].expiring_within(as_of, 14) >= 1}
    assert expiring
    assert {u for (u,) in moved.query(f"select contact_uuid from {MART}.seg_points_expiring_14d")} \
        == expiring
    top = moved.query(f"select max(position) from {raw}.tiers")[0][0]
    referrals = dict(moved.query(f"select referring_contact_uuid, count(*) from {raw}.referrals"
                                 " where status = 'COMPLETED' group by 1"))
    visits = dict(moved.query(
        f"select contact_uuid, count(*) from {raw}.visits where"
        f" cast(coalesce(starts_at, created_at) at time zone 'UTC' as date) between ? and ?"
        " group by 1", date.fromordinal(as_of.toordinal() - 89), as_of))
    spend = recompute.purchase_values(account)
    vip = {c for c in people if account.versions[c][-1][4] != top and spend[c] >= 50000
           and (referrals.get(c, 0) >= 1 or visits.get(c, 0) >= 3)}
    assert vip
    assert {u for (u,) in moved.query(f"select contact_uuid from {MART}.seg_vip_candidates")} \
        == vip
