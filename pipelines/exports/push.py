"""POST JSON batches to a receiver: signed, idempotent, retried with backoff.

The body of a batch is deterministic, so a retried batch (in this run or the next, after a failure)
is byte-for-byte the same and carries the same idempotency key: a receiver that saw it already can
drop it. Batches to a receiver with a secret are signed the Standard Webhooks way (the
`standardwebhooks` library): `webhook-id` is the idempotency key, `webhook-timestamp` the time of
each attempt, and `webhook-signature` covers `id.timestamp.body`. A receiver that checks the
signature, rejects old timestamps and remembers the ids it accepted cannot be fed a replay: a
captured delivery grows old, and a new id or timestamp breaks its signature.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from standardwebhooks import Webhook
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from piggy_source.responses import retry_after_seconds
from pipelines.exports.errors import TargetError
from pipelines.times import now_utc

MAX_RETRY_AFTER_SECONDS = 60.0
IDEMPOTENCY_HEADER = "Idempotency-Key"


class RetryableAnswer(Exception):
    """A 429 or 5xx answer: the receiver may accept the same batch later (`Retry-After` seconds)."""

    def __init__(self, status_code: int, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Receiver:
    """Where and how batches go; `secret` signs (a Standard Webhooks `whsec_...` secret), `bearer`
    authenticates; either is optional."""

    name: str
    url: str
    secret: str | None = None
    bearer: str | None = None
    attempts: int = 5
    backoff_seconds: float = 0.5

    def __repr__(self) -> str:
        return f"Receiver(name={self.name!r})"


@dataclass(frozen=True)
class Sent:
    """One delivered batch: its key and the receiver's answer."""

    idempotency_key: str
    status_code: int
    members: int


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: sorted keys, no spaces, so equal bodies are equal bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def signature_headers(secret: str, message_id: str, raw_body: bytes) -> dict[str, str]:
    """Standard Webhooks headers for one attempt: the signature covers id, timestamp and body."""
    timestamp = now_utc()
    signature = Webhook(secret).sign(message_id, timestamp, raw_body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }


def idempotency_key(raw_body: bytes, scope: str) -> str:
    """Stable per batch content and per export base (`scope`), so only true retries share a key."""
    return hashlib.sha256(scope.encode() + b"\n" + raw_body).hexdigest()[:32]


def send_batches(
    receiver: Receiver,
    bodies: Sequence[dict[str, Any]],
    scope: str,
    members_in: Callable[[dict[str, Any]], int],
    client: httpx.Client | None = None,
) -> list[Sent]:
    """Deliver every batch in order; stop at the first batch the receiver keeps refusing."""
    owned = client is None
    http = client or httpx.Client(timeout=30.0)
    try:
        sent = []
        for index, body in enumerate(bodies, start=1):
            raw = encode(body)
            key = idempotency_key(raw, scope)
            status = _deliver(http, receiver, raw, key, f"batch {index}/{len(bodies)}")
            sent.append(Sent(key, status, members_in(body)))
        return sent
    finally:
        if owned:
            http.close()


def _deliver(http: httpx.Client, receiver: Receiver, raw: bytes, key: str, label: str) -> int:
    """One batch, retried; every way it can end for good becomes one `TargetError` line."""
    base = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: key}
    if receiver.bearer:
        base["Authorization"] = f"Bearer {receiver.bearer}"

    def headers() -> dict[str, str]:
        """Signed again at each attempt: the timestamp is the attempt's, the id stays the key."""
        if not receiver.secret:
            return base
        return {**base, **signature_headers(receiver.secret, key, raw)}

    try:
        status = _post_with_retries(http, receiver, raw, headers)
    except RetryableAnswer as exc:
        raise TargetError(
            f"target '{receiver.name}' refused {label} with HTTP {exc.status_code} after "
            f"{receiver.attempts} attempts; nothing was recorded, rerun the export to resend"
        ) from None
    except httpx.TransportError as exc:
        raise TargetError(
            f"target '{receiver.name}' unreachable for {label} ({type(exc).__name__}) after "
            f"{receiver.attempts} attempts; check its url setting"
        ) from None
    if status >= 400:
        raise TargetError(
            f"target '{receiver.name}' rejected {label} with HTTP {status}; check its settings"
        )
    return status


def _post_with_retries(
    http: httpx.Client, receiver: Receiver, raw: bytes, headers: Callable[[], dict[str, str]]
) -> int:
    """POST until a definite answer: 429, 5xx and dropped connections are tried again."""
    backoff = wait_exponential(multiplier=receiver.backoff_seconds, max=30)

    def wait(state: RetryCallState) -> float:
        """The receiver's own `Retry-After` when it gave one (capped), else exponential backoff."""
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableAnswer) and error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_AFTER_SECONDS)
        return backoff(state)

    @retry(
        retry=retry_if_exception_type((RetryableAnswer, httpx.TransportError)),
        stop=stop_after_attempt(max(receiver.attempts, 1)),
        wait=wait,
        reraise=True,
    )
    def post_once() -> int:
        response = http.post(receiver.url, content=raw, headers=headers())
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise RetryableAnswer(response.status_code, retry_after)
        return response.status_code

    return post_once()
