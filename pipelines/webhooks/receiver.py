"""`POST /webhooks/piggy`: verify, journal, then answer; nothing is stored from a refused call.

Checks run cheapest first and before anything is kept: content type (415), size (413, read no
further than the limit), signature on the raw bytes (401), shape (400). An accepted delivery is
committed to the journal before the 2xx, so Piggy only stops retrying once the event is safe; a
retry of a delivery already stored answers 200 again and is not applied twice. Logs name the
event type and outcome only: never a secret, a signature or a body.
"""

import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pipelines.webhooks.events import BadEvent, parse, signed_by
from pipelines.webhooks.journal import IGNORED, PENDING, UNKNOWN, Journal

PATH = "/webhooks/piggy"
log = logging.getLogger("piggy_elt.webhooks")


class TooLarge(Exception):
    """The body grew past the limit while it was read."""


def build_app(
    journal: Journal, secrets: list[str], max_body_bytes: int, on_stored: Callable[[], None]
) -> Starlette:
    """The receiver; `on_stored` wakes the worker after each new pending event."""

    async def receive(request: Request) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _refuse(415, "content type must be application/json")
        try:
            raw = await _read_capped(request, max_body_bytes)
        except TooLarge:
            return _refuse(413, f"body larger than {max_body_bytes} bytes")
        if not signed_by(raw, request.headers.get("signature"), secrets):
            return _refuse(401, "missing or wrong Signature")
        try:
            event = parse(raw)
        except BadEvent as exc:
            return _refuse(400, str(exc))
        state = _state(event.known, event.contact_uuid)
        stored = await run_in_threadpool(
            journal.add, raw, event.type, event.contact_uuid, event.email, state
        )
        log.debug("%s %s", event.type, "stored" if stored else "duplicate")
        if stored and state == PENDING:
            on_stored()
        return JSONResponse({"stored": stored}, status_code=202 if stored else 200)

    return Starlette(routes=[Route(PATH, receive, methods=["POST"])])


def _state(known: bool, contact_uuid: str | None) -> str:
    """Unknown types are kept and counted; known ones without a contact need no push."""
    if not known:
        return UNKNOWN
    return PENDING if contact_uuid else IGNORED


async def _read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refused early on a declared length over the limit, or once it grows past."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(status: int, reason: str) -> JSONResponse:
    log.warning("refused with %s: %s", status, reason)
    return JSONResponse({"error": reason}, status_code=status)
