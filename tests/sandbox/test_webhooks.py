"""Signed webhook deliveries, retried on non-2xx (contract section 7)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class Receiver:
    """A loopback endpoint that records raw bodies and answers a scripted status sequence."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[str, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers["Signature"], body))
                index = len(receiver.received) - 1
                status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator:
    made: list[Receiver] = []

    def start(statuses: list[int]) -> Receiver:
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for item in made:
        item.server.shutdown()
        item.server.server_close()


def _valid(signature: str, body: bytes, secret: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


def test_signed_events_for_each_write(make_sandbox, connect, receiver) -> None:
    hook = receiver([200])
    private = make_sandbox()
    private.control.add_webhook(hook.url, "top-secret")
    client = connect(private)
    shop = client.get("/shops").json()["data"][0]["uuid"]
    contact = client.get("/contacts", params={"limit": 1}).json()["data"][0]["uuid"]
    client.post("/credit-receptions", json={"shop_uuid": shop, "contact_uuid": contact,
                                            "credits": 10})
    client.post("/prepaid-transactions", json={"shop_uuid": shop, "contact_uuid": contact,
                                               "amount_in_cents": 99})
    code = client.get("/vouchers", params={"status": "ACTIVE"}).json()["data"][0]["code"]
    client.post("/vouchers/redeem", json={"code": code, "shop_uuid": shop})
    deliveries = private.control.deliveries()
    assert all(d["delivered"] for d in deliveries)
    events = [json.loads(body) for _, body in hook.received]
    assert all(_valid(sig, body, "top-secret") for sig, body in hook.received)
    assert [e["type"] for e in events] == [
        "credit_reception_created", "contact_updated", "prepaid_transaction_created",
        "contact_updated", "voucher_redeemed"]
    assert events[0]["data"]["credit_reception"]["credits"] == 10
    assert events[1]["data"]["contact"]["uuid"] == contact
    assert not _valid(hook.received[0][0], hook.received[0][1], "other-secret")


def test_non_2xx_is_retried_up_to_five_times(make_sandbox, connect, receiver) -> None:
    failing = receiver([500])
    flaky = receiver([503, 502, 200])
    private = make_sandbox()
    private.control.add_webhook(failing.url, "s1", ["prepaid_transaction_created"])
    private.control.add_webhook(flaky.url, "s2", ["prepaid_transaction_created"])
    client = connect(private)
    shop = client.get("/shops").json()["data"][0]["uuid"]
    contact = client.get("/contacts", params={"limit": 1}).json()["data"][0]["uuid"]
    client.post("/prepaid-transactions", json={"shop_uuid": shop, "contact_uuid": contact,
                                               "amount_in_cents": 5})
    deliveries = {d["url"]: d for d in private.control.deliveries()}
    assert deliveries[failing.url]["attempts"] == 6 and not deliveries[failing.url]["delivered"]
    assert deliveries[flaky.url]["statuses"] == [503, 502, 200]
    assert len(failing.received) == 6
    assert len({body for _, body in failing.received}) == 1


def test_subscriptions_through_the_api(make_sandbox, connect, receiver) -> None:
    hook = receiver([204])
    private = make_sandbox()
    client = connect(private)
    made = client.post("/webhook-subscriptions", json={
        "event_type": "contact_updated", "url": hook.url, "secret": "abc"}).json()["data"]
    listed = client.get("/webhook-subscriptions").json()["data"]
    assert [s["uuid"] for s in listed] == [made["uuid"]]
    private.control.advance(days=1, signups=0, earns=3, redemptions=0, cashback=0,
                            tier_changes=0, deletes=0)
    private.control.deliveries()
    assert hook.received and all(_valid(s, b, "abc") for s, b in hook.received)
    assert {json.loads(b)["type"] for _, b in hook.received} == {"contact_updated"}
    bad = client.post("/webhook-subscriptions", json={"event_type": "nope", "url": hook.url})
    assert bad.status_code == 422
    assert client.delete(f"/webhook-subscriptions/{made['uuid']}").status_code == 200
    assert client.get("/webhook-subscriptions").json()["data"] == []


def test_webhook_flag_subscribes_to_everything(make_sandbox, connect, receiver) -> None:
    hook = receiver([200])
    private = make_sandbox(webhooks=((hook.url, "flag-secret"),))
    client = connect(private)
    shop = client.get("/shops").json()["data"][0]["uuid"]
    contact = client.get("/contacts", params={"limit": 1}).json()["data"][0]["uuid"]
    client.post("/credit-receptions", json={"shop_uuid": shop, "contact_uuid": contact,
                                            "credits": 1})
    private.control.deliveries()
    assert {json.loads(b)["type"] for _, b in hook.received} == {
        "credit_reception_created", "contact_updated"}
    assert all(_valid(s, b, "flag-secret") for s, b in hook.received)
