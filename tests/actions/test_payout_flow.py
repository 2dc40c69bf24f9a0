"""`piggy-elt payouts`: loading requests, the review, the dry run, and paying exactly once."""

import json

from pipelines.errors import describe_error

APPROVED = ["r1", "r2", "r3", "r4"]


def requests_by_contact(requests, ids):
    by_contact = {}
    for rid in ids:
        by_contact.setdefault(requests[rid]["contact_uuid"], []).append(requests[rid])
    return by_contact


def wallets(workspace, contacts):
    return {contact: {t["uuid"]: t for t in workspace.prepaid_of(contact)} for contact in contacts}


def test_a_bad_request_file_is_refused_with_its_line_and_nothing_is_loaded(workspace, tmp_path):
    bad = tmp_path / "requests.csv"
    bad.write_text(
        "request_id,contact_uuid,amount_cents,currency,order_reference,requested_at\n"
        "q1,c-1,1250,EUR,o-1,2026-01-31T14:05:00+00:00\n"
        "q2,c-2,12.50,EUR,o-2,2026-01-31T14:06:00+00:00\n"
    )
    result = workspace.cli("payouts", "load-requests", str(bad), expect_ok=False)

    message = describe_error(result.exception)
    assert message.startswith(
        "requests.csv line 3 column 3 (amount_cents): '12.50' is not a whole number"
    )
    tables = workspace.query(
        "select table_name from information_schema.tables where table_schema = 'piggy_actions'"
    )
    assert ("cashback_requests",) not in tables


def test_review_decides_every_request_and_announces_the_queue(
    payout_template, payout_workspace, receiver
):
    workspace, requests = payout_workspace, payout_template.requests
    workspace.extra_env["PAYOUTS__SLACK__WEBHOOK_URL"] = receiver.url("/slack")
    workspace.cli("payouts", "review", "--no-build")

    decided = dict(
        workspace.query("select request_id, decision from piggy_analytics.mart_payout_review")
    )
    assert decided == {rid: request["decision"] for rid, request in requests.items()}
    queue = (workspace.root / "exports" / "payout_review" / "review_queue.csv").read_text()
    assert [line.split(",")[0] for line in queue.splitlines()[1:]] == ["r5"]
    (message,) = receiver.accepted("/slack")
    assert message["text"].startswith("1 cashback request(s) need review, 8.00 in total")
    assert requests["r5"]["contact_uuid"] not in message["text"], "no customer data in chat"
    audit = workspace.query("select actor, action, status_code from piggy_actions.action_audit")
    assert audit == [("test-operator", "review.announce", 200)]


def test_a_dry_run_changes_nothing(payout_template, payout_workspace):
    workspace, requests = payout_workspace, payout_template.requests
    contacts = {r["contact_uuid"] for r in requests.values()}
    before = wallets(workspace, contacts)
    workspace.sandbox.control.reset_totals()

    result = workspace.cli("payouts", "approve")

    assert "dry run: nothing was sent" in result.output
    assert result.output.count("would_credit") == len(APPROVED)
    assert wallets(workspace, contacts) == before
    assert not any(k.startswith("POST") for k in workspace.sandbox.control.totals())
    tables = workspace.query(
        "select table_name from information_schema.tables where table_schema = 'piggy_actions'"
    )
    assert ("payout_ledger",) not in tables and ("action_audit",) not in tables


def test_apply_pays_exactly_the_approved_requests_and_audits_every_call(
    payout_template, payout_workspace
):
    workspace, requests = payout_workspace, payout_template.requests
    contacts = {r["contact_uuid"] for r in requests.values()}
    before = wallets(workspace, contacts)
    workspace.sandbox.control.reset_totals()

    workspace.cli("payouts", "approve", "--apply")

    after = wallets(workspace, contacts)
    expected = requests_by_contact(requests, APPROVED)
    for contact in contacts:
        new = [t for uuid, t in after[contact].items() if uuid not in before[contact]]
        amounts = sorted(t["amount_in_cents"] for t in new)
        assert amounts == sorted(r["amount_cents"] for r in expected.get(contact, []))
    paid = "select request_id, transaction_uuid from piggy_actions.payout_ledger where status = ?"
    ledger = dict(workspace.query(paid, "paid"))
    assert sorted(ledger) == APPROVED
    paid_uuids = {u for contact in contacts for u in after[contact] if u not in before[contact]}
    assert set(ledger.values()) == paid_uuids

    posts = workspace.sandbox.control.totals().get("POST /prepaid-transactions")
    credits = workspace.query(
        "select subject, actor, status_code, answer_json, sent_json from piggy_actions.action_audit"
        " where action = 'payout.credit' order by subject"
    )
    assert posts == len(credits) == len(APPROVED)
    for subject, actor, status, answer, sent in credits:
        assert actor == "test-operator" and status == 200
        assert json.loads(answer)["data"]["uuid"] == ledger[subject]
        assert json.loads(sent)["amount_in_cents"] == requests[subject]["amount_cents"]
    intents = workspace.query(
        "select count(*) from piggy_actions.action_audit where action = 'payout.intent'"
    )
    assert intents == [(len(APPROVED),)]

    workspace.cli("payouts", "approve", "--apply")
    assert wallets(workspace, contacts) == after, "a second apply pays nothing"


def test_a_wrong_shop_stops_the_run_and_a_corrected_rerun_pays_each_request_once(
    payout_template, payout_workspace
):
    workspace, requests = payout_workspace, payout_template.requests
    right_shop = workspace.extra_env["PAYOUTS__SHOP_UUID"]
    workspace.extra_env["PAYOUTS__SHOP_UUID"] = "00000000-0000-0000-0000-000000000000"
    contacts = {r["contact_uuid"] for r in requests.values()}
    before = wallets(workspace, contacts)

    result = workspace.cli("payouts", "approve", "--apply", expect_ok=False)

    message = describe_error(result.exception)
    assert "code 1008" in message and "payouts.shop_uuid" in message
    assert wallets(workspace, contacts) == before
    statuses = workspace.query("select distinct status from piggy_actions.payout_ledger")
    assert statuses == [("intent",)], "nothing was booked, so nothing is final"

    workspace.extra_env["PAYOUTS__SHOP_UUID"] = right_shop
    workspace.cli("payouts", "approve", "--apply")
    for contact in contacts:
        new = [
            t for u, t in wallets(workspace, [contact])[contact].items() if u not in before[contact]
        ]
        expected = [
            requests[r]["amount_cents"] for r in APPROVED if requests[r]["contact_uuid"] == contact
        ]
        assert sorted(t["amount_in_cents"] for t in new) == sorted(expected)
