"""Signed webhook deliveries from a background thread, retried on non-2xx answers.

The body is serialised once and signed on those exact bytes (`Signature` = lowercase hex
HMAC-SHA256 with the subscription's secret), which is what a receiver must verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field

EVENTS = ("contact_created", "contact_updated", "credit_reception_created",
          "prepaid_transaction_created", "giftcard_transaction_created", "voucher_created",
          "voucher_updated", "voucher_redeemed", "referral_completed", "reward_updated",
          "promotion_updated", "form_submission_completed", "contact_identifier_created")
MAX_RETRIES = 5
RETRY_PAUSE = 0.05
DELIVERY_TIMEOUT = 5.0
KEPT_DELIVERIES = 10_000  # the newest, for the control API; a long-running sandbox stays small


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    event: str
    url: str
    body: bytes
    secret: str
    attempts: list[int | str] = field(default_factory=list)
    delivered: bool = False

    def summary(self) -> dict[str, object]:
        return {"event": self.event, "url": self.url, "attempts": len(self.attempts),
                "statuses": list(self.attempts), "delivered": self.delivered}


class WebhookDispatcher:
    """Queues events for every matching subscription and posts them in order, one at a time."""

    def __init__(self, app) -> None:
        self.app = app
        self.deliveries: deque[Delivery] = deque(maxlen=KEPT_DELIVERIES)
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def subscriptions(self, event: str) -> list[tuple[str, str]]:
        targets = [(url, secret) for url, secret in self.app.config.webhooks]
        with self.app.store.read() as db:
            rows = db.execute("SELECT url, secret FROM webhook_subscriptions WHERE "
                              "event_type = ? AND status = 'ACTIVE' ORDER BY id", (event,))
            targets.extend((row["url"], row["secret"]) for row in rows)
        return targets

    def active(self) -> bool:
        """Whether anything listens at all, so bulk changes skip rendering when nobody does."""
        return bool(self.app.config.webhooks) or self._has_subscriptions()

    def emit(self, event: str, entity: str, record: dict) -> None:
        if not self.active():
            return
        targets = self.subscriptions(event)
        if not targets:
            return
        body = json.dumps({"type": event, "data": {entity: record}}, separators=(",", ":"),
                          ensure_ascii=False).encode()
        for url, secret in targets:
            delivery = Delivery(event, url, body, secret)
            self.deliveries.append(delivery)
            self._queue.put(delivery)

    def _has_subscriptions(self) -> bool:
        with self.app.store.read() as db:
            return db.execute("SELECT 1 FROM webhook_subscriptions LIMIT 1").fetchone() is not None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery has finished (delivered or out of retries)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                if delivery is None:
                    return
                self._deliver(delivery)
            finally:
                self._queue.task_done()

    def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(MAX_RETRIES + 1):
            status = _post(delivery)
            delivery.attempts.append(status)
            if isinstance(status, int) and 200 <= status < 300:
                delivery.delivered = True
                return
            time.sleep(RETRY_PAUSE * (attempt + 1))

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)


def _post(delivery: Delivery) -> int | str:
    request = urllib.request.Request(delivery.url, data=delivery.body, method="POST", headers={
        "Content-Type": "application/json", "Signature": sign(delivery.body, delivery.secret),
        "User-Agent": "piggy-sandbox-webhooks"})
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:
        return type(exc).__name__
