"""A lost or replaced warehouse never pays twice: Piggy's wallets remember what the ledger forgot.

The sandbox's clock stands still unless moved; it is moved to now first, as Piggy's clock is, so
the credits it books are dated after the requests they pay.
"""

import datetime as dt
import shutil

import duckdb

from pipelines.errors import describe_error, exit_code

POSTS = "POST /prepaid-transactions"
APPROVED = ["r1", "r2", "r3", "r4"]
NO_ACTIVITY = dict(signups=0, earns=0, redemptions=0, cashback=0, tier_changes=0, deletes=0)


def move_sandbox_clock_to_now(workspace) -> None:
    control = workspace.sandbox.control
    sandbox_now = dt.datetime.fromisoformat(control.status()["now"].replace("Z", "+00:00"))
    behind = (dt.datetime.now(dt.UTC) - sandbox_now).total_seconds() / 86400
    if behind > 0:
        control.advance(days=behind + 1 / 86400, **NO_ACTIVITY)


def test_a_replaced_warehouse_pays_nothing_again(payout_workspace):
    workspace = payout_workspace
    move_sandbox_clock_to_now(workspace)
    reviewed = workspace.root / "reviewed.duckdb"
    shutil.copy(workspace.warehouse, reviewed)
    workspace.sandbox.control.reset_totals()
    workspace.cli("payouts", "approve", "--apply")
    paid = dict(
        workspace.query("select request_id, transaction_uuid from piggy_actions.payout_ledger")
    )
    assert sorted(paid) == APPROVED and workspace.sandbox.control.totals()[POSTS] == 4

    workspace.warehouse.unlink()
    shutil.copy(reviewed, workspace.warehouse)  # load + review redone: same decisions, no ledger
    dry = workspace.cli("payouts", "approve")
    assert dry.output.count("would_credit") == 4, "the warehouse alone would pay them again"

    refused = workspace.cli("payouts", "approve", "--apply", expect_ok=False)

    assert exit_code(refused.exception) == 4
    message = describe_error(refused.exception)
    assert "\n" not in message
    assert message.startswith("payout_ledger is missing from the warehouse, yet Piggy holds 4")
    assert "restore the warehouse from a backup" in message
    assert "--acknowledge-lost-ledger" in message
    assert workspace.sandbox.control.totals()[POSTS] == 4

    settled = workspace.cli("payouts", "approve", "--apply", "--acknowledge-lost-ledger")

    assert workspace.sandbox.control.totals()[POSTS] == 4, "nothing was paid again"
    again = workspace.query(
        "select request_id, transaction_uuid, settled_by from piggy_actions.payout_ledger"
    )
    assert {rid: uuid for rid, uuid, _ in again} == paid, "settled on the credits that paid them"
    assert {how for _, _, how in again} == {"found_in_piggy"}
    assert "found_in_piggy" in settled.output
    audit = workspace.query(
        "select actor, sent_json from piggy_actions.action_audit"
        " where action = 'payout.acknowledge_lost_ledger'"
    )
    assert audit == [("test-operator", '["r1", "r2", "r3", "r4"]')]
    workspace.cli("payouts", "approve", "--apply")
    assert workspace.sandbox.control.totals()[POSTS] == 4


def test_a_ledger_that_lost_rows_settles_from_the_wallet_without_asking(payout_workspace):
    """An older backup still has a ledger: credits it does not know are recorded, not repaid."""
    workspace = payout_workspace
    move_sandbox_clock_to_now(workspace)
    workspace.sandbox.control.reset_totals()
    workspace.cli("payouts", "approve", "--apply")
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute("delete from piggy_actions.payout_ledger where request_id in ('r3', 'r4')")

    workspace.cli("payouts", "approve", "--apply")

    assert workspace.sandbox.control.totals()[POSTS] == 4
    settled_by = workspace.query(
        "select request_id, settled_by from piggy_actions.payout_ledger order by request_id"
    )
    assert settled_by == [
        ("r1", "credited"),
        ("r2", "credited"),
        ("r3", "found_in_piggy"),
        ("r4", "found_in_piggy"),
    ]
