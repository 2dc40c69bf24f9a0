"""Kill `payouts approve --apply` (SIGKILL) at each step, rerun it: nobody is ever paid twice.

The failpoint sends SIGKILL to the process at the named step, on its n-th occurrence: after the
intents are recorded, between a call and its result (the hard case: Piggy booked it, the ledger
does not know), and after a result. `after_call:4` dies after paying r4, whose contact and amount
equal r1's, so reconciliation must tell the two bookings apart.
"""

import signal

import pytest

from pipelines.payouts.failpoints import ENV_VAR

APPROVED = ["r1", "r2", "r3", "r4"]


@pytest.mark.parametrize(
    ("failpoint", "paid_when_killed", "booked_when_killed"),
    [
        ("after_intent", [], 0),
        ("after_call:2", ["r1"], 2),
        ("after_call:4", ["r1", "r2", "r3"], 4),
        ("after_result:2", ["r1", "r2"], 2),
    ],
)
def test_killing_an_apply_at_any_step_and_rerunning_never_pays_twice(
    payout_template, payout_workspace, failpoint, paid_when_killed, booked_when_killed
):
    workspace, requests = payout_workspace, payout_template.requests
    contacts = {r["contact_uuid"] for r in requests.values()}
    before = {c: {t["uuid"] for t in workspace.prepaid_of(c)} for c in contacts}

    killed = workspace.cli_process("payouts", "approve", "--apply", env={ENV_VAR: failpoint})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    ledger = dict(workspace.query("select request_id, status from piggy_actions.payout_ledger"))
    assert ledger == {r: "paid" if r in paid_when_killed else "intent" for r in APPROVED}
    booked = workspace.sandbox.control.totals().get("POST /prepaid-transactions", 0)
    assert booked == booked_when_killed

    workspace.cli("payouts", "approve", "--apply")

    for contact in contacts:
        new = [t for t in workspace.prepaid_of(contact) if t["uuid"] not in before[contact]]
        expected = [
            requests[r]["amount_cents"] for r in APPROVED if requests[r]["contact_uuid"] == contact
        ]
        assert sorted(t["amount_in_cents"] for t in new) == sorted(expected), failpoint
    ledger = workspace.query(
        "select request_id, status, transaction_uuid from piggy_actions.payout_ledger"
        " order by request_id"
    )
    assert [(rid, status) for rid, status, _ in ledger] == [(r, "paid") for r in APPROVED]
    assert len({uuid for _, _, uuid in ledger}) == len(APPROVED), "one booking per request"
    posts = workspace.sandbox.control.totals().get("POST /prepaid-transactions", 0)
    assert posts == len(APPROVED), "a booked call is never repeated"
