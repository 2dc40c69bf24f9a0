"""The pushers against a real HTTP receiver on loopback: signature, idempotency, retries, shapes."""

import datetime as dt
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from pipelines.exports import push
from pipelines.exports.changes import CHANGED, ENTERED, LEFT, compare
from pipelines.exports.errors import TargetError
from pipelines.exports.push import IDEMPOTENCY_HEADER, Receiver, send_batches
from pipelines.exports.shapes import crm_bodies, members_in, webhook_bodies

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def members(count: int, balance: int = 10) -> list[dict]:
    return [
        {
            "contact_uuid": f"c{i}",
            "email": f"c{i}@example.com",
            "credit_balance": balance + i,
            "tier_name": "Gold",
            "points_expiring_30d": 5,
            "next_expiry_date": "2026-12-01",
            "firstname": "Ann",
            "lastname": "Lee",
        }
        for i in range(count)
    ]


class VerifyingReceiver:
    """The verification the README documents: Standard Webhooks signature and timestamp (the
    library's 5-minute tolerance), then a message id never accepted before."""

    def __init__(self, secret: str) -> None:
        self.webhook = Webhook(secret)
        self.seen: set[str] = set()

    def accept(self, request: dict) -> dict:
        body = self.webhook.verify(request["raw"], request["headers"])
        message_id = {k.lower(): v for k, v in request["headers"].items()}["webhook-id"]
        if message_id in self.seen:
            raise WebhookVerificationError("message id seen before")
        self.seen.add(message_id)
        return body


def test_batches_are_signed_the_standard_webhooks_way_with_the_idempotency_key_as_id(receiver):
    changes = compare(members(5), {}).changes
    bodies = webhook_bodies("seg", "delta", "hash", changes, size=2)
    target = Receiver("webhook", receiver.url(), secret=SECRET, backoff_seconds=0)
    sent = send_batches(target, bodies, "scope", members_in)

    assert [batch.members for batch in sent] == [2, 2, 1]
    assert len({batch.idempotency_key for batch in sent}) == 3
    verifier = VerifyingReceiver(SECRET)
    for request, batch, body in zip(receiver.requests, sent, bodies, strict=True):
        assert verifier.accept(request) == body
        assert request["headers"]["webhook-id"] == batch.idempotency_key
        assert request["headers"][IDEMPOTENCY_HEADER] == batch.idempotency_key
    events = [event for body in receiver.accepted() for event in body["events"]]
    assert [e["member"]["contact_uuid"] for e in events] == [f"c{i}" for i in range(5)]
    assert {e["change"] for e in events} == {ENTERED}


def test_a_failing_receiver_is_retried_with_the_same_key_and_bytes(receiver):
    receiver.script = [500, 503, 429]
    bodies = webhook_bodies("seg", "delta", "hash", compare(members(1), {}).changes, size=10)
    target = Receiver("webhook", receiver.url(), secret=SECRET, attempts=5, backoff_seconds=0)
    sent = send_batches(target, bodies, "scope", members_in)

    assert [r["status"] for r in receiver.requests] == [500, 503, 429, 200]
    assert len({r["raw"] for r in receiver.requests}) == 1
    keys = {r["headers"][IDEMPOTENCY_HEADER] for r in receiver.requests}
    assert keys == {sent[0].idempotency_key}
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == keys
    for attempt in receiver.requests:
        Webhook(SECRET).verify(attempt["raw"], attempt["headers"])


def test_a_replayed_delivery_is_rejected_by_the_documented_verification(receiver, monkeypatch):
    bodies = webhook_bodies("seg", "delta", "hash", compare(members(2), {}).changes, size=10)
    target = Receiver("webhook", receiver.url(), secret=SECRET, backoff_seconds=0)
    captured_long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    with monkeypatch.context() as clock:
        clock.setattr(push, "now_utc", lambda: captured_long_ago)
        send_batches(target, bodies, "old-scope", members_in)
    send_batches(target, bodies, "scope", members_in)
    stale, fresh = receiver.requests
    verifier = VerifyingReceiver(SECRET)

    with pytest.raises(WebhookVerificationError, match="too old"):
        verifier.accept(stale)
    retimed = {**stale["headers"], "webhook-timestamp": fresh["headers"]["webhook-timestamp"]}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verifier.accept({**stale, "headers": retimed})
    assert verifier.accept(fresh) == bodies[0]
    with pytest.raises(WebhookVerificationError, match="seen before"):
        verifier.accept(fresh)
    renamed = {**fresh["headers"], "webhook-id": "a-new-id-to-pass-the-seen-check"}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verifier.accept({**fresh, "headers": renamed})


def test_a_throttling_receiver_is_waited_for_as_it_asks(receiver):
    receiver.script = [(429, {"Retry-After": "0.2"})]
    bodies = webhook_bodies("seg", "delta", "hash", compare(members(1), {}).changes, size=10)
    target = Receiver("webhook", receiver.url(), attempts=2, backoff_seconds=600)
    started = time.monotonic()
    send_batches(target, bodies, "scope", members_in)

    assert [r["status"] for r in receiver.requests] == [429, 200]
    assert time.monotonic() - started < 60, "Retry-After replaces the 600 s backoff"


def test_a_receiver_that_keeps_failing_stops_the_export_without_leaking_the_url(receiver):
    receiver.script = [500] * 3
    bodies = webhook_bodies("seg", "delta", "hash", compare(members(1), {}).changes, size=10)
    secret_url = receiver.url("/hook?token=do-not-print")
    target = Receiver("webhook", secret_url, secret=SECRET, attempts=3, backoff_seconds=0)
    with pytest.raises(TargetError) as failure:
        send_batches(target, bodies, "scope", members_in)

    assert len(receiver.requests) == 3
    message = str(failure.value)
    assert "HTTP 500 after 3 attempts" in message
    assert "do-not-print" not in message and SECRET not in message
    assert "do-not-print" not in repr(target)


def test_a_rejected_batch_is_not_retried(receiver):
    receiver.script = [400]
    bodies = webhook_bodies("seg", "delta", "hash", compare(members(1), {}).changes, size=10)
    with pytest.raises(TargetError, match="rejected batch 1/1 with HTTP 400"):
        send_batches(
            Receiver("webhook", receiver.url(), backoff_seconds=0), bodies, "s", members_in
        )
    assert len(receiver.requests) == 1


def test_crm_upserts_are_keyed_by_email_and_unflag_members_who_left():
    previous_rows = members(3)
    previous = {
        row["contact_uuid"]: {"fingerprint": fp, "email": row["email"]}
        for row, fp in zip(previous_rows, compare(previous_rows, {}).current.values(), strict=True)
    }
    now = members(3, balance=10)[:2]
    now[1] = {**now[1], "credit_balance": 999}
    now.append({**members(4)[3], "email": None})
    delta = compare(now, previous)

    assert {c.member_key: c.change for c in delta.of_kind(ENTERED, CHANGED, LEFT)} == {
        "c1": CHANGED,
        "c2": LEFT,
        "c3": ENTERED,
    }
    profiles = [
        p
        for body in crm_bodies("seg_x", delta.of_kind(CHANGED, LEFT, ENTERED), 10)
        for p in body["profiles"]
    ]
    by_email = {p["email"]: p for p in profiles}
    assert set(by_email) == {"c1@example.com", "c2@example.com"}, "no email, no upsert"
    assert by_email["c1@example.com"]["properties"]["loyalty_points"] == 999
    assert by_email["c1@example.com"]["properties"]["piggy_seg_x"] is True
    assert by_email["c2@example.com"]["properties"] == {"piggy_seg_x": False}
