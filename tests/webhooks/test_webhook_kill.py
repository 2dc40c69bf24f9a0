"""SIGKILL of the receiver half-way through a burst: every change still reaches the CRM."""

from __future__ import annotations

import sqlite3
import time

from tests.webhooks.conftest import Rig
from tests.webhooks.test_webhook_sync import QUIET


def balances(rig: Rig) -> dict[str, tuple[str, int]]:
    """uuid -> (email, balance) for every live contact, read page by page."""
    found, page = {}, 1
    while True:
        body = rig.api("GET", "/contacts", params={"page": page, "limit": 100}).json()
        for contact in body["data"]:
            found[contact["uuid"]] = (contact["email"], contact["credit_balance"]["balance"])
        if page >= body["meta"]["last_page"]:
            return found
        page += 1


def journaled(rig: Rig) -> int:
    if not rig.receiver.journal.exists():
        return 0
    with sqlite3.connect(rig.receiver.journal, timeout=10) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_receiver_killed_mid_burst_and_restarted_loses_no_change(rig):
    running = rig(latency_ms=20)
    before = balances(running)
    running.sandbox.control.advance(days=1, earns=150, **QUIET)
    running.wait_until(lambda: journaled(running) >= 100, timeout=60)
    running.receiver.kill9()
    killed_at = journaled(running)
    time.sleep(1.0)
    running.receiver.start()
    deliveries = running.sandbox.control.deliveries()
    running.wait_until(lambda: all(d["delivered"] for d in running.sandbox.control.deliveries()))
    running.wait_until(running.drained, timeout=120)

    assert killed_at < len(deliveries), "the kill came after the burst"
    status = running.receiver.status()
    assert status["done"] == len(deliveries) and status["dead_letters"] == 0
    after = balances(running)
    changed = {uuid for uuid, value in after.items() if before.get(uuid) != value}
    assert len(changed) > 50
    crm = running.crm.latest()
    for uuid in changed:
        email, balance = after[uuid]
        assert crm[email]["loyalty_points"] == balance, uuid
