"""`payouts decide`: a person settles a request the review sent to them, audited, and `approve
--apply` pays an approval by hand under the same at-most-once rules; `approve` before `review`
says what to run first."""

from __future__ import annotations

import getpass
import json

import duckdb
from payout_requests import write_requests

POSTS = "POST /prepaid-transactions"


def lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.strip()]


def test_approve_before_review_says_to_run_review_first_and_exits_4(workspace):
    nothing = workspace.cli_process("payouts", "approve")
    assert nothing.returncode == 4, nothing.stderr[-2000:]
    assert lines(nothing) == [
        "error: no cashback requests to approve: run `piggy-elt payouts load-requests FILE`, "
        "then `piggy-elt payouts review`"
    ]
    write_requests(workspace, workspace.root / "requests.csv")
    workspace.cli("payouts", "load-requests", str(workspace.root / "requests.csv"))

    before = workspace.cli_process("payouts", "approve", "--apply", "--json")

    assert before.returncode == 4, before.stderr[-2000:]
    error = (
        "7 cashback request(s) loaded but not yet reviewed: run `piggy-elt payouts review` first"
    )
    assert lines(before) == [f"error: {error}"]
    document = json.loads(before.stdout)
    assert (document["ok"], document["exit_code"], document["error"]) == (False, 4, error)


def test_an_approval_by_hand_is_audited_and_paid_once_by_apply(payout_template, payout_workspace):
    workspace, requests = payout_workspace, payout_template.requests
    contact = requests["r5"]["contact_uuid"]
    before = {t["uuid"] for t in workspace.prepaid_of(contact)}
    workspace.sandbox.control.reset_totals()

    decided = workspace.cli_process(
        "payouts", "decide", "r5", "approve", "--reason", "known customer, see ticket 12", "--json"
    )

    assert decided.returncode == 0, decided.stderr[-2000:]
    document = json.loads(decided.stdout)
    assert document["command"] == "payouts decide" and document["ok"] is True
    assert (document["request_id"], document["decision"]) == ("r5", "approve")
    assert document["decided_by"] == getpass.getuser()
    audit = workspace.query(
        "select actor, command, outcome, occurred_at is not null from piggy_actions.action_audit"
        " where action = 'payout.decide' and subject = 'r5'"
    )
    assert audit == [
        (
            getpass.getuser(),
            "payouts decide approve",
            "approved by hand: known customer, see ticket 12",
            True,
        )
    ]

    dry = json.loads(workspace.cli_process("payouts", "approve", "--json").stdout)
    assert {o["request_id"]: o["result"] for o in dry["outcomes"]}["r5"] == "would_credit"
    assert dry["apply"] is False and dry["exit_code"] == 0

    workspace.cli("payouts", "approve", "--apply")
    workspace.cli("payouts", "approve", "--apply")

    new = [t for t in workspace.prepaid_of(contact) if t["uuid"] not in before]
    assert [t["amount_in_cents"] for t in new] == [requests["r5"]["amount_cents"]]
    assert workspace.sandbox.control.totals()[POSTS] == 5, "r1 to r5, each once"
    (status,) = workspace.query(
        "select status from piggy_actions.payout_ledger where request_id = 'r5'"
    )
    assert status == ("paid",)

    paid = workspace.cli_process("payouts", "decide", "r5", "reject", "--reason", "too late")
    assert paid.returncode == 4
    assert lines(paid)[0].startswith("error: request 'r5' is already paid (transaction ")


def test_a_rejection_by_hand_leaves_the_queue_and_is_never_paid(payout_workspace):
    workspace = payout_workspace
    workspace.cli("payouts", "decide", "r5", "approve", "--reason", "looks fine")
    workspace.cli("payouts", "decide", "r5", "reject", "--reason", "duplicate of an older claim")
    assert workspace.query(
        "select request_id, decision, reason from piggy_actions.payout_decisions"
    ) == [("r5", "reject", "duplicate of an older claim")], "the latest decision wins"
    assert workspace.query(
        "select outcome from piggy_actions.action_audit where action = 'payout.decide'"
        " order by occurred_at"
    ) == [
        ("approved by hand: looks fine",),
        ("rejected by hand: duplicate of an older claim",),
    ], "the audit keeps both"

    review = workspace.cli_process("payouts", "review", "--no-build", "--json")

    assert review.returncode == 0, review.stderr[-2000:]
    document = json.loads(review.stdout)
    assert document["decisions"] == {"approve": 4, "review": 0, "reject": 3}
    queue = (workspace.root / "exports" / "payout_review" / "review_queue.csv").read_text()
    assert queue.splitlines()[1:] == [], "nobody needs to look at r5 any more"
    assert document["review_queue"].endswith("review_queue.csv")

    workspace.cli("payouts", "approve", "--apply")
    paid = [rid for (rid,) in workspace.query("select request_id from piggy_actions.payout_ledger")]
    assert sorted(paid) == ["r1", "r2", "r3", "r4"]


def test_a_request_changed_after_its_decision_is_back_in_review_unpaid(payout_workspace):
    workspace = payout_workspace
    workspace.cli("payouts", "decide", "r5", "approve", "--reason", "fine")
    with duckdb.connect(str(workspace.warehouse)) as con:  # a new file and review: a new amount
        for table in ("piggy_actions.cashback_requests", "piggy_analytics.mart_payout_review"):
            con.execute(f"update {table} set amount_cents = 4000 where request_id = 'r5'")

    done = workspace.cli_process("payouts", "approve", "--json")

    document = json.loads(done.stdout)
    assert "r5" not in {o["request_id"] for o in document["outcomes"]}
    assert document["warnings"] == [
        "r5 changed since it was decided by hand and is back in review: decide again with "
        "`piggy-elt payouts decide r5 approve|reject --reason`"
    ]


def test_decide_refuses_what_is_not_awaiting_review_and_names_usage_mistakes(payout_workspace):
    workspace = payout_workspace
    cases = [
        (("r1", "approve", "--reason", "x"), 4, "error: request 'r1' is not awaiting review"),
        (("r6", "approve", "--reason", "x"), 4, "error: request 'r6' is not awaiting review"),
        (("nope", "approve", "--reason", "x"), 2, "error: no cashback request 'nope'"),
        (("r5", "approve", "--reason", "  "), 2, "error: --reason is empty: say why"),
        (("r5", "approve"), 2, None),
        (("r5", "maybe", "--reason", "x"), 2, None),
    ]
    for args, code, start in cases:
        done = workspace.cli_process("payouts", "decide", *args)
        assert done.returncode == code, (args, done.stderr[-2000:])
        if start:
            assert len(lines(done)) == 1 and lines(done)[0].startswith(start), done.stderr
    assert workspace.query(
        "select count(*) from information_schema.tables where table_name = 'payout_decisions'"
    ) == [(0,)], "nothing was recorded"
