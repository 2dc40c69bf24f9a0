"""The receiver and worker as one real process, fed by the sandbox's own signed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.webhooks.conftest import SECRET, Rig

CONTACT_READS = "GET /contacts/{uuid}"
QUIET = {"signups": 0, "redemptions": 0, "cashback": 0, "tier_changes": 0, "deletes": 0}


def signed_post(rig: Rig, body: dict) -> httpx.Response:
    raw = json.dumps(body).encode()
    signature = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "Signature": signature}
    return httpx.post(rig.receiver.url, content=raw, headers=headers, timeout=30)


def touched_contacts(rig: Rig) -> set[str]:
    """Contacts named by the events the journal holds, read from the sandbox's deliveries."""
    deliveries = rig.sandbox.control.deliveries()
    assert deliveries and all(d["delivered"] for d in deliveries), deliveries[-3:]
    return {uuid for (uuid,) in _journal_contacts(rig)}


def _journal_contacts(rig: Rig) -> list[tuple[str]]:
    import sqlite3

    with sqlite3.connect(rig.receiver.journal) as db:
        return db.execute(
            "SELECT DISTINCT contact_uuid FROM events WHERE contact_uuid IS NOT NULL"
        ).fetchall()


def assert_crm_current(rig: Rig, contacts: set[str]) -> None:
    """Every named contact's CRM profile shows Piggy's balance now, or is marked deleted."""
    profiles = rig.crm.latest()
    for uuid in contacts:
        contact = rig.api("GET", f"/contacts/{uuid}").json()["data"]
        properties = profiles[contact["email"]]
        assert properties["loyalty_points"] == contact["credit_balance"]["balance"], uuid
        assert properties["loyalty_deleted"] is False


def test_a_burst_of_earns_reaches_the_crm_with_current_balances_one_fetch_per_contact(rig):
    running = rig(latency_ms=100)
    running.sandbox.control.advance(days=1, earns=60, **QUIET)
    contacts = touched_contacts(running)
    running.wait_until(running.drained)
    fetches = running.sandbox.control.totals().get(CONTACT_READS, 0)
    assert_crm_current(running, contacts)
    status = running.receiver.status()
    assert status["dead_letters"] == 0 and status["last_push_at"] is not None
    assert len(contacts) <= fetches < status["done"], (len(contacts), fetches, status)


def test_a_burst_for_one_contact_costs_one_or_two_fetches(rig):
    running = rig(latency_ms=400)
    contact = running.api("GET", "/contacts", params={"limit": 1}).json()["data"][0]
    running.sandbox.control.reset_totals()
    bodies = [
        {"type": "contact_updated", "data": {"contact": {**contact, "n": n}}} for n in range(10)
    ]
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda body: signed_post(running, body), bodies))
    assert [answer.status_code for answer in answers] == [202] * 10
    running.wait_until(running.drained)
    assert running.sandbox.control.totals().get(CONTACT_READS, 0) <= 2
    assert running.receiver.status()["done"] == 10
    assert running.crm.latest()[contact["email"]]["loyalty_points"] == running.balance(
        contact["uuid"]
    )
