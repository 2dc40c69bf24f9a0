"""Payout steps write the ledger and the audit on one warehouse connection, not one dlt load per
step: a run over N requests makes at most the one load that creates the tables, then none."""

import signal

from pipelines.payouts.failpoints import ENV_VAR

LOADS = "select count(*) from piggy_actions._dlt_loads"
POSTS = "POST /prepaid-transactions"


def loads(workspace) -> int:
    return workspace.query(LOADS)[0][0]


def test_paying_four_requests_makes_one_load_and_a_rerun_none(payout_workspace):
    workspace = payout_workspace
    before = loads(workspace)

    killed = workspace.cli_process("payouts", "approve", "--apply", env={ENV_VAR: "after_call:3"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    created = loads(workspace)
    workspace.cli("payouts", "approve", "--apply")

    assert created - before == 1, "the first write creates payout_ledger and action_audit"
    assert loads(workspace) == created, "reconciling 2 open intents and paying 1 loads nothing"
    ledger = workspace.query("select status, count(*) from piggy_actions.payout_ledger group by 1")
    assert ledger == [("paid", 4)]
    assert workspace.sandbox.control.totals()[POSTS] == 4
    steps = workspace.query(
        "select action, count(*) from piggy_actions.action_audit"
        " where action like 'payout.%' group by 1 order by 1"
    )
    assert dict(steps) == {  # r3's credit was booked as its process died: found, not audited
        "payout.credit": 3,
        "payout.intent": 5,
        "payout.reconcile": 2,
    }
