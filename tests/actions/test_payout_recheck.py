"""Decide at the moment of paying: what changed since review is not paid, caps count payments by
when they were paid, and a request dated in the future never gets in."""

import csv
import datetime as dt

import duckdb
from payout_requests import FIELDS

from pipelines.errors import describe_error
from pipelines.payouts.recheck import broken_rule

POSTS = "POST /prepaid-transactions"
EXTRA_HIGH_VALUE = """
    select contact_uuid from piggy_analytics.dim_contacts
    where not is_deleted and (ltv_decile >= 8 or lifetime_purchase_value_cents >= 50000)
      and coalesce(prepaid_balance_cents, 0) between 0 and 100000
      and coalesce(credit_balance, 0) >= 0
    order by contact_uuid limit 1 offset 3
"""


def write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_request_flagged_for_fraud_after_review_is_not_paid_and_goes_back_to_review(
    payout_template, payout_workspace
):
    workspace, requests = payout_workspace, payout_template.requests
    workspace.sandbox.control.reset_totals()
    flagged = [
        {**r, "is_fraud_flagged": "true" if rid == "r2" else r["is_fraud_flagged"]}
        for rid, r in requests.items()
    ]
    workspace.cli("payouts", "load-requests", str(write_csv(workspace.root / "late.csv", flagged)))

    result = workspace.cli("payouts", "approve", "--apply")

    assert workspace.sandbox.control.totals().get(POSTS) == 3, "r1, r3 and r4 only"
    assert "r2 went back to review: fraud_flagged since review" in result.output.splitlines()
    ledger = dict(workspace.query("select request_id, status from piggy_actions.payout_ledger"))
    assert ledger == {"r1": "paid", "r2": "returned_to_review", "r3": "paid", "r4": "paid"}
    (why,) = workspace.query(
        "select outcome from piggy_actions.action_audit where action = 'payout.recheck'"
    )
    assert why == ("returned to review: fraud_flagged since review",)

    again = workspace.cli("payouts", "approve", "--apply")
    assert workspace.sandbox.control.totals().get(POSTS) == 3, "a second run does not pay it"
    assert "fraud_flagged since review" in again.output


def test_a_request_dated_in_the_future_is_refused_at_load_with_its_line(payout_workspace):
    workspace = payout_workspace
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rows = [
        {
            "request_id": f"f{n}",
            "contact_uuid": "c-1",
            "amount_cents": 4900,
            "currency": "EUR",
            "order_reference": f"of-{n}",
            "requested_at": (now + dt.timedelta(days=31 * n - 62)).isoformat(),
        }
        for n in range(4)
    ]
    path = write_csv(workspace.root / "future.csv", rows)

    result = workspace.cli("payouts", "load-requests", str(path), expect_ok=False)

    assert result.exit_code == 1
    message = describe_error(result.exception)
    assert message.startswith("future.csv line 5 column 6 (requested_at): ")
    assert "is in the future" in message
    (count,) = workspace.query("select count(*) from piggy_actions.cashback_requests")
    assert count == (7,), "nothing of the refused file was loaded"


def test_caps_count_payments_by_when_they_were_paid_not_by_requested_at(payout_workspace):
    workspace = payout_workspace
    (contact,) = workspace.query(EXTRA_HIGH_VALUE)[0]
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
    rows = [
        {
            "request_id": f"cap{n}",
            "contact_uuid": contact,
            "amount_cents": 4900,
            "currency": "EUR",
            "order_reference": f"order-cap{n}",
            "requested_at": (start - dt.timedelta(days=31 * n)).isoformat(),
        }
        for n in range(9)
    ]
    workspace.cli("payouts", "load-requests", str(write_csv(workspace.root / "cap.csv", rows)))
    reviewed = workspace.cli_process(
        "payouts", "review", "--target-path", str(workspace.root / "dbt-target")
    )
    assert reviewed.returncode == 0, reviewed.stderr[-2000:]
    decided = workspace.query(
        "select decision, reasons, count(*) from piggy_analytics.mart_payout_review"
        " where request_id like 'cap%' group by all order by decision"
    )
    assert decided == [("approve", "", 1), ("review", "over_contact_cap", 8)]
    before = {t["uuid"] for t in workspace.prepaid_of(contact)}

    workspace.cli("payouts", "approve", "--apply")

    new = [t for t in workspace.prepaid_of(contact) if t["uuid"] not in before]
    assert [t["amount_in_cents"] for t in new] == [4900], "one payment under a 5,000 cap"
    statuses = workspace.query(
        "select request_id, status from piggy_actions.payout_ledger where request_id like 'cap%'"
    )
    assert statuses == [("cap8", "paid")], "the oldest request, paid; the rest await a person"


def test_a_stale_review_is_held_to_the_caps_by_what_the_ledger_paid_since():
    """The check before each call counts payments by `settled_at`, whatever the review saw."""
    now = dt.datetime.now(dt.UTC)
    reviewed = {
        "contact_uuid": "k",
        "amount_cents": 4900,
        "contact_cap_cents": 5000,
        "contact_window_days": 30,
        "daily_cap_cents": 100000,
        "max_prepaid_balance_cents": 100000,
    }
    paid = {"contact_uuid": "k", "amount_cents": 4900, "status": "paid"}
    recent = {"a": {**paid, "settled_at": now - dt.timedelta(days=29)}}
    old = {"a": {**paid, "settled_at": now - dt.timedelta(days=31)}}
    intent = {"a": {**paid, "status": "intent", "settled_at": None}}

    assert broken_rule(reviewed, recent, 0) == (
        "over_contact_cap: 4900 paid in the last 30 days + 4900 > 5000"
    )
    assert broken_rule(reviewed, old, 0) is None
    assert broken_rule(reviewed, intent, 0) is None
    assert (
        broken_rule(
            {**reviewed, "daily_cap_cents": 5000},
            {"a": {**paid, "contact_uuid": "x", "settled_at": now}},
            0,
        )
        == "over_daily_cap: 4900 paid today + 4900 > 5000"
    )
    assert broken_rule(reviewed, {}, 100001).startswith("balance_out_of_range")


def test_a_request_piggy_refuses_says_why_and_is_never_sent_again(payout_workspace):
    """A contact Piggy no longer knows (deleted after the review): Piggy refuses the credit."""
    workspace = payout_workspace
    gone = "00000000-0000-4000-8000-00000000dead"
    with duckdb.connect(str(workspace.warehouse)) as con:
        for table in ("piggy_actions.cashback_requests", "piggy_analytics.mart_payout_review"):
            con.execute(f"update {table} set contact_uuid = ? where request_id = 'r3'", [gone])
    workspace.sandbox.control.reset_totals()

    result = workspace.cli("payouts", "approve", "--apply")

    (line,) = [line for line in result.output.splitlines() if line.startswith("r3 ")]
    assert line.startswith("r3 was refused by Piggy: HTTP 404 code 55031")
    again = workspace.cli("payouts", "approve", "--apply")
    assert workspace.sandbox.control.totals()[POSTS] == 4, "three paid, r3 tried once"
    assert "r3 was refused by Piggy: HTTP 404 code 55031" in again.output
