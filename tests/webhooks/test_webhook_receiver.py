"""The receiver's door, offline: what it refuses stores nothing, what it accepts is durable."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest

from pipelines.webhooks.journal import Journal
from pipelines.webhooks.receiver import PATH, build_app

OLD, NEW = "old-secret-being-rotated-out", "new-secret-just-rotated-in"
CONTACT = {"uuid": "a454b0b7-a044-43f9-936f-f05190186c31", "email": "bram@example.com"}
EARN = {
    "type": "credit_reception_created",
    "data": {"credit_reception": {"uuid": "c1", "credits": 12, "contact": CONTACT}},
}
LIMIT = 4096


@pytest.fixture
def door(tmp_path: Path):
    journal = Journal(tmp_path / "webhooks" / "journal.sqlite")
    woken: list[int] = []
    app = build_app(journal, [NEW, OLD], LIMIT, lambda: woken.append(1))
    yield Door(app), journal, woken
    journal.close()


class Door:
    """Calls the ASGI app in process, the way uvicorn hands it requests."""

    def __init__(self, app) -> None:
        self.app = app

    def post(self, path: str, content, headers: dict[str, str]) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://door") as http:
                return await http.post(path, content=content, headers=headers)

        return asyncio.run(call())


def post(client: Door, body: object, secret: str | None = NEW, **headers: str):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **headers}
    if secret is not None:
        sent.setdefault("Signature", hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest())
    return client.post(PATH, content=raw, headers=sent)


def stored(journal: Journal) -> int:
    return sum(journal.counts().values())


def test_a_signed_event_is_journaled_and_wakes_the_worker(door):
    client, journal, woken = door
    answer = post(client, EARN)
    assert answer.status_code == 202
    assert journal.counts() == {"pending": 1} and woken == [1]
    (due,) = journal.due(10)
    assert (due.contact_uuid, due.email) == (CONTACT["uuid"], CONTACT["email"])


@pytest.mark.parametrize(
    "headers",
    [
        {"Signature": ""},
        {"Signature": "0" * 64},
        {"Signature": hmac.new(b"a-retired-secret", b"{}", hashlib.sha256).hexdigest()},
        {"Signature": hmac.new(NEW.encode(), b"other bytes", hashlib.sha256).hexdigest()},
    ],
    ids=["missing", "forged", "stale-secret", "other-body"],
)
def test_a_missing_forged_or_stale_signature_is_401_and_stores_nothing(door, headers):
    client, journal, woken = door
    assert post(client, EARN, **headers).status_code == 401
    assert post(client, EARN, secret=None).status_code == 401
    assert stored(journal) == 0 and woken == []


def test_both_secrets_of_a_rotation_are_accepted(door):
    client, journal, _ = door
    assert post(client, EARN, secret=OLD).status_code == 202
    second = {**EARN, "data": {"contact": CONTACT}, "type": "contact_updated"}
    assert post(client, second, secret=NEW).status_code == 202
    assert journal.counts() == {"pending": 2}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        [1, 2],
        {"data": {"contact": CONTACT}},
        {"type": "contact_updated"},
        {"type": "contact_updated", "data": {"contact": "x"}},
        {"type": "contact_updated", "data": {"a": {}, "b": {}}},
        {"type": "contact_updated", "data": {"contact": {"uuid": "../../tiers"}}},
    ],
    ids=[
        "not-json",
        "a-list",
        "no-type",
        "no-data",
        "entity-not-object",
        "two-entities",
        "path-in-uuid",
    ],
)
def test_a_body_not_of_the_contract_shape_is_400_and_stores_nothing(door, body):
    client, journal, _ = door
    assert post(client, body).status_code == 400
    assert stored(journal) == 0


def test_wrong_content_type_is_415_and_huge_bodies_413(door):
    client, journal, _ = door
    assert post(client, EARN, **{"Content-Type": "text/plain"}).status_code == 415
    huge = {**EARN, "padding": "x" * (LIMIT * 4)}
    assert post(client, huge).status_code == 413

    async def chunks():
        for _ in range(8):
            yield b"x" * 1024

    streamed = client.post(PATH, content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert stored(journal) == 0


def test_a_retried_delivery_is_stored_once(door):
    client, journal, woken = door
    answers = [post(client, EARN).status_code for _ in range(6)]
    assert answers == [202, 200, 200, 200, 200, 200]
    assert journal.counts() == {"pending": 1} and len(woken) == 1
    assert journal.figures()["duplicates"] == 5


def test_unknown_types_and_events_without_a_contact_are_kept_and_counted(door):
    client, journal, woken = door
    assert post(client, {"type": "loyalty_tier_renamed", "data": {"x": {}}}).status_code == 202
    reward = {"type": "reward_updated", "data": {"reward": {"uuid": "r1"}}}
    assert post(client, reward).status_code == 202
    assert journal.counts() == {"unknown": 1, "ignored": 1} and woken == []


def test_the_journal_is_owner_only_durable_and_holds_no_secret(door, caplog):
    client, journal, _ = door
    caplog.set_level(logging.DEBUG)
    post(client, EARN)
    post(client, EARN, secret="wrong")
    folder = journal.path.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    with sqlite3.connect(journal.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw = b"".join(p.read_bytes() for p in folder.iterdir())
    for secret in (NEW, OLD):
        assert secret.encode() not in raw
        assert secret not in caplog.text
    assert "hmac" not in caplog.text.lower()
