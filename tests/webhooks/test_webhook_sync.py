"""The receiver and worker as one real process, fed by the sandbox's own signed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.webhooks.conftest import CRM_KEY, SECRET, Rig

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


def test_a_burst_of_earns_reaches_the_crm_current_with_fewer_fetches_than_events(rig):
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


def test_a_delivery_retried_by_piggy_reaches_the_crm_once(rig):
    running = rig()
    contact = running.api("GET", "/contacts", params={"limit": 1}).json()["data"][0]
    body = {"type": "contact_updated", "data": {"contact": contact}}
    assert [signed_post(running, body).status_code for _ in range(6)] == [202] + [200] * 5
    running.wait_until(lambda: running.drained() and running.crm.arrivals)
    status = running.receiver.status()
    assert (status["done"], status["duplicates"]) == (1, 5)
    assert [p["email"] for _, p in running.crm.arrivals] == [contact["email"]]


def test_deleted_contacts_are_marked_deleted_and_unknown_ones_dead_lettered(rig):
    running = rig(receiver_env={"WEBHOOKS__PUSH_ATTEMPTS": "3"})
    gone = running.sandbox.control.advance(days=1, **{**QUIET, "deletes": 1, "earns": 0})
    (deleted_uuid,) = gone["deleted_uuids"]
    deleted = {"uuid": deleted_uuid, "email": "gone@example.com"}
    unknown = {"uuid": "00000000-0000-4000-8000-000000000000"}
    for contact in (deleted, unknown):
        body = {"type": "contact_updated", "data": {"contact": contact}}
        assert signed_post(running, body).status_code == 202
    running.wait_until(lambda: running.receiver.status()["dead_letters"] == 1)
    assert running.crm.latest() == {"gone@example.com": {"loyalty_deleted": True}}
    status = running.receiver.status()
    (letter,) = status["dead_letter_sample"]
    assert letter["contact_uuid"] == unknown["uuid"] and letter["attempts"] == 3
    assert "no email known" in letter["last_error"]
    assert (status["backlog"], status["done"]) == (0, 1)
    assert running.receiver.process.poll() is None


def test_crm_down_the_backlog_grows_nothing_is_lost_and_it_drains(rig):
    running = rig(receiver_env={"WEBHOOKS__PUSH_ATTEMPTS": "1000"})
    running.crm.down = True
    running.sandbox.control.advance(days=1, earns=25, **QUIET)
    contacts = touched_contacts(running)
    running.wait_until(lambda: running.crm.refused >= 3)
    down = running.receiver.status()
    assert down["backlog"] >= len(contacts) and down["last_push_at"] is None
    assert down["oldest_pending_age_seconds"] > 0 and down["dead_letters"] == 0
    text = running.receiver.cli("status")
    assert f"backlog: {down['backlog']} event(s) pending" in text.stdout
    assert "last push: never" in text.stdout
    running.crm.down = False
    running.wait_until(running.drained)
    assert_crm_current(running, contacts)
    assert running.receiver.status()["dead_letters"] == 0
    journal = b"".join(p.read_bytes() for p in running.receiver.journal.parent.iterdir())
    for secret in (SECRET, CRM_KEY, running.sandbox.token):
        assert secret not in running.receiver.log() and secret.encode() not in journal


def test_piggy_429_during_refetch_is_waited_out(rig):
    budget_above_piggys = {"SOURCES__PIGGY__REQUESTS_PER_MINUTE": "6000"}
    running = rig(receiver_env=budget_above_piggys, rate_limit=8, rate_window=2.0)
    running.sandbox.control.advance(days=1, earns=30, **QUIET)
    contacts = touched_contacts(running)
    running.wait_until(running.drained, timeout=120)
    assert running.receiver.status()["dead_letters"] == 0
    assert "Piggy answered 429 during refetches" in running.receiver.log()
    running.sandbox.control.configure(rate_limit=None)
    assert_crm_current(running, contacts)


def test_with_hashed_emails_the_crm_is_sent_the_hash_and_never_the_address(rig):
    running = rig(receiver_env={"PRIVACY__EMAIL_IN_MODELS": "sha256"})
    contact = running.api("GET", "/contacts", params={"limit": 1}).json()["data"][0]
    answer = signed_post(running, {"type": "contact_updated", "data": {"contact": contact}})
    assert answer.status_code == 202
    running.wait_until(running.drained)
    profiles = [profile for _, profile in running.crm.arrivals]
    expected = hashlib.sha256(contact["email"].strip().lower().encode()).hexdigest()
    assert profiles and {p.get("email_sha256") for p in profiles} == {expected}
    assert all("email" not in p for p in profiles)
    assert contact["email"] not in json.dumps(profiles)
    assert profiles[-1]["properties"]["loyalty_points"] == running.balance(contact["uuid"])
