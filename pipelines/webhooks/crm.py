"""Profiles for the CRM, in the exports' shape, and one push of a batch of them.

A profile is keyed by email (or by its SHA-256 alone, `privacy.email_in_models = "sha256"`, as
the exports are) with the same property names as `piggy-elt export` sends
(`pipelines.exports.shapes.PROFILE_FIELDS`), holding only what a refetched contact tells us, so a
push never blanks what the export set (expiring points). `loyalty_points` is the contact's
balance as Piggy reports it at refetch time. A contact Piggy no longer knows is sent with
`loyalty_deleted: true`. A push is retried in place a few times with exponential backoff and
jitter; what still fails goes back to the journal, which spaces out later attempts.
"""

from typing import Any

import httpx
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from pipelines.exports.changes import EMAIL
from pipelines.exports.push import IDEMPOTENCY_HEADER, encode, idempotency_key
from pipelines.exports.shapes import PROFILE_FIELDS
from pipelines.privacy.settings import email_sha256

IN_PLACE_ATTEMPTS = 3
SCOPE = "webhooks"


class PushFailed(Exception):
    """The CRM did not take the batch; the message names the status or the transport error."""


def live_profile(contact: dict[str, Any]) -> dict[str, Any] | None:
    """The profile of a refetched contact; None when it has no email to key it by."""
    email = contact.get("email")
    if not email:
        return None
    values = contact.get("current_values") or {}
    row = {
        "firstname": values.get("firstname"),
        "lastname": values.get("lastname"),
        "credit_balance": (contact.get("credit_balance") or {}).get("balance"),
        "tier_name": (contact.get("tier") or {}).get("name"),
    }
    properties = {PROFILE_FIELDS[column]: value for column, value in row.items()}
    return {
        "email": email,
        "external_id": contact.get("uuid"),
        "properties": {**properties, "loyalty_deleted": False},
    }


def deleted_profile(contact_uuid: str, email: str) -> dict[str, Any]:
    return {"email": email, "external_id": contact_uuid, "properties": {"loyalty_deleted": True}}


def keyed(profile: dict[str, Any], email_key: str) -> dict[str, Any]:
    """The profile keyed as the exports key members: by `email`, or by `email_sha256` alone
    when `privacy.email_in_models = "sha256"` (the plain address then never leaves)."""
    if email_key == EMAIL:
        return profile
    rest = {key: value for key, value in profile.items() if key != EMAIL}
    return {email_key: email_sha256(profile[EMAIL]), **rest}


class CrmPusher:
    """POSTs `{"profiles": [...]}` to `[exports.crm] url` with the bearer key, each profile
    keyed by `email_key` (`email` or `email_sha256`)."""

    def __init__(
        self, url: str, api_key: str, email_key: str = EMAIL, backoff_seconds: float = 0.2
    ) -> None:
        self._url = url
        self._email_key = email_key
        self._backoff = backoff_seconds
        self._http = httpx.Client(timeout=15.0, headers={"Authorization": f"Bearer {api_key}"})

    def __repr__(self) -> str:
        return "CrmPusher()"

    def close(self) -> None:
        self._http.close()

    def push(self, profiles: list[dict[str, Any]]) -> None:
        """One batch, same bytes and idempotency key on each attempt; `PushFailed` at the end."""
        raw = encode({"profiles": [keyed(profile, self._email_key) for profile in profiles]})
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: idempotency_key(raw, SCOPE),
        }

        @retry(
            retry=retry_if_exception_type((PushFailed, httpx.TransportError)),
            stop=stop_after_attempt(IN_PLACE_ATTEMPTS),
            wait=wait_random_exponential(multiplier=self._backoff, max=5),
            reraise=True,
        )
        def post_once() -> None:
            response = self._http.post(self._url, content=raw, headers=headers)
            if response.status_code >= 300:
                raise PushFailed(f"CRM answered HTTP {response.status_code}")

        try:
            post_once()
        except httpx.TransportError as exc:
            raise PushFailed(f"CRM unreachable ({type(exc).__name__})") from None
