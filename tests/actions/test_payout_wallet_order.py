"""Piggy does not document the order of the prepaid listing (it has no `sort`): reconciliation
must find a booking whatever order the wallet comes back in, over several pages."""

import signal

from pipelines.payouts.failpoints import ENV_VAR

POSTS = "POST /prepaid-transactions"
NO_ACTIVITY = dict(signups=0, earns=0, redemptions=0, cashback=0, tier_changes=0, deletes=0)


def test_reconciliation_finds_the_booking_when_piggy_answers_oldest_first(
    payout_template, payout_workspace
):
    workspace, requests = payout_workspace, payout_template.requests
    shop, contact = workspace.extra_env["PAYOUTS__SHOP_UUID"], requests["r2"]["contact_uuid"]
    payload = {"contact_uuid": contact, "amount_in_cents": 1, "shop_uuid": shop}
    for _ in range(35):  # more than a page (30) on the payouts shop, all older than the mark
        workspace.api("POST", "/prepaid-transactions", json=payload)
    workspace.sandbox.control.advance(days=1 / 24, **NO_ACTIVITY)
    workspace.api("POST", "/prepaid-transactions", json=payload)  # the newest before the payout
    workspace.sandbox.control.configure(prepaid_order="oldest")
    workspace.sandbox.control.reset_totals()

    killed = workspace.cli_process("payouts", "approve", "--apply", env={ENV_VAR: "after_call:2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    first_page = workspace.api(
        "GET", "/prepaid-transactions", params={"contact_uuid": contact, "limit": 30}
    )
    assert first_page["meta"]["last_page"] >= 2

    workspace.cli("payouts", "approve", "--apply")

    assert workspace.sandbox.control.totals()[POSTS] == 4, "the booked r2 is never sent again"
    (row,) = workspace.query(
        "select status, settled_by, transaction_uuid from piggy_actions.payout_ledger"
        " where request_id = 'r2'"
    )
    assert row[:2] == ("paid", "reconciled")
    assert row[2] not in {t["uuid"] for t in first_page["data"]}, "found beyond the first page"
