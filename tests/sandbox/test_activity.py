"""A changing account: clock advances create activity that incremental reads can find."""

from __future__ import annotations

import threading

import pytest

from piggy_sandbox import SandboxControlError


def test_advance_creates_activity_after_the_old_clock(make_sandbox, connect, read_all) -> None:
    private = make_sandbox()
    client = connect(private)
    before_now = private.control.status()["now"]
    ledger_before = client.get("/loyalty-transactions").json()["meta"]["total"]
    result = private.control.advance(days=2, signups=4, earns=30, redemptions=5, cashback=6,
                                     tier_changes=2, deletes=3)
    assert result["created"]["signups"] == 4 and result["created"]["earns"] == 30
    assert result["created"]["deletes"] == 3
    assert result["now"] == "2026-11-03T00:00:00+00:00"
    new = read_all(client, "/loyalty-transactions", sort="created_at",
                   **{"created_at[gt]": before_now})
    made = result["created"]
    assert len(new) == made["earns"] + made["redemptions"] + made["tier_changes"]
    total = client.get("/loyalty-transactions").json()["meta"]["total"]
    assert total == ledger_before + len(new)
    signups = read_all(client, "/contacts", **{"created_at[gt]": before_now})
    assert {c["uuid"] for c in signups} == set(result["new_contact_uuids"]) - set(
        result["deleted_uuids"])
    assert private.control.invariants() == dict.fromkeys(private.control.invariants(), 0)


def test_deleted_contacts_vanish_but_their_ledger_stays(make_sandbox, connect, read_all) -> None:
    private = make_sandbox()
    client = connect(private)
    result = private.control.advance(days=1, signups=0, earns=0, redemptions=0, cashback=0,
                                     tier_changes=0, deletes=5)
    gone = set(result["deleted_uuids"])
    assert len(gone) == 5
    contacts = read_all(client, "/contacts")
    assert len(contacts) == 295 and not gone & {c["uuid"] for c in contacts}
    for contact_uuid in gone:
        assert client.get(f"/contacts/{contact_uuid}").json()["code"] == 55031
    ledger = read_all(client, "/loyalty-transactions")
    assert gone & {row["contact"]["uuid"] for row in ledger}
    pages = [client.get("/contacts", params={"limit": 7, "page": n}).json()["data"]
             for n in range(1, 44)]
    assert [c["uuid"] for page in pages for c in page] == [c["uuid"] for c in contacts]


def test_tier_changes_and_contact_updated_at(make_sandbox, connect, read_all) -> None:
    private = make_sandbox()
    client = connect(private)
    before = {c["uuid"]: c for c in read_all(client, "/contacts")}
    private.control.advance(days=1, signups=0, earns=0, redemptions=0, cashback=0,
                            tier_changes=5, deletes=0)
    after = {c["uuid"]: c for c in read_all(client, "/contacts")}
    changed = [u for u in before if (before[u]["tier"] or {}).get("position") !=
               (after[u]["tier"] or {}).get("position")]
    assert 1 <= len(changed) <= 5
    for contact_uuid in changed:
        assert after[contact_uuid]["current_values"]["updated_at"] > \
            before[contact_uuid]["current_values"]["updated_at"]


def test_the_same_advances_give_the_same_account(make_sandbox, connect, read_all) -> None:
    results = []
    for _ in range(2):
        private = make_sandbox()
        private.control.advance(days=3)
        results.append(read_all(connect(private), "/loyalty-transactions", sort="created_at"))
    assert results[0] == results[1]


def test_advance_refuses_bad_input(make_sandbox) -> None:
    private = make_sandbox()
    with pytest.raises(SandboxControlError, match="days"):
        private.control.advance(days=-1)
    with pytest.raises(SandboxControlError, match="earns"):
        private.control.advance(days=1, earns=-3)


def test_reads_stay_whole_while_the_account_moves(make_sandbox, connect) -> None:
    private = make_sandbox()
    failures: list[str] = []

    def reader() -> None:
        client = connect(private)
        for page in range(1, 40):
            response = client.get("/loyalty-transactions", params={"page": page % 10 + 1})
            body = response.json()
            if response.status_code != 200 or len(body["data"]) != 30:
                failures.append(f"{response.status_code}: {str(body)[:80]}")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        private.control.advance(days=1)
    for thread in threads:
        thread.join()
    assert failures == []
    assert private.control.invariants() == dict.fromkeys(private.control.invariants(), 0)
