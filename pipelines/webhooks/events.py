"""What a Piggy delivery must look like, and which contact it names (contract section 7).

A body is `{"type": "<event>", "data": {"<entity>": {...}}}`, signed by `Signature`, the lowercase
hex HMAC-SHA256 of the raw bytes. The check runs on the raw bytes against every configured secret
in constant time (`hmac.compare_digest`), before the body is parsed at all.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

KNOWN_TYPES = frozenset(
    {
        "contact_created",
        "contact_updated",
        "credit_reception_created",
        "prepaid_transaction_created",
        "giftcard_transaction_created",
        "voucher_created",
        "voucher_updated",
        "voucher_redeemed",
        "referral_completed",
        "reward_updated",
        "promotion_updated",
        "form_submission_completed",
        "contact_identifier_created",
    }
)
SUBSCRIBED_TYPES = (
    "contact_created",
    "contact_updated",
    "credit_reception_created",
    "prepaid_transaction_created",
    "voucher_redeemed",
)
"""The events that can change what a CRM profile shows: balance, tier, name, existence."""
CONTACT_KEYS = ("contact", "referred_contact", "referring_contact")
UUID = re.compile(r"[0-9A-Za-z-]{1,64}")
"""A contact uuid goes into a request path: nothing but letters, digits and dashes."""


class BadEvent(ValueError):
    """The body is not a Piggy event; the message says which part is wrong (no values)."""


@dataclass(frozen=True)
class Event:
    type: str
    known: bool
    contact_uuid: str | None
    email: str | None


def signed_by(raw: bytes, signature: str | None, secrets: list[str]) -> bool:
    """Whether any secret signs these exact bytes; every secret is checked, in constant time."""
    if not signature:
        return False
    given = signature.strip().encode()
    matches = [
        hmac.compare_digest(hmac.new(s.encode(), raw, hashlib.sha256).hexdigest().encode(), given)
        for s in secrets
    ]
    return any(matches)


def parse(raw: bytes) -> Event:
    """The event's type and the contact it names, if any; `BadEvent` for any other shape."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadEvent("body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        raise BadEvent("body has no event type")
    data = body.get("data")
    if not isinstance(data, dict) or len(data) != 1:
        raise BadEvent("data must hold exactly one entity")
    entity_name, entity = next(iter(data.items()))
    if not isinstance(entity, dict):
        raise BadEvent("the entity must be an object")
    uuid, email = _contact(entity_name, entity)
    if uuid is not None and not UUID.fullmatch(uuid):
        raise BadEvent("the contact uuid is malformed")
    return Event(body["type"], body["type"] in KNOWN_TYPES, uuid, email)


def _contact(entity_name: str, entity: dict) -> tuple[str | None, str | None]:
    """The contact is the entity itself, or nested under `contact` (or a referral's two)."""
    if entity_name == "contact":
        return _text(entity.get("uuid")), _text(entity.get("email"))
    for key in CONTACT_KEYS:
        nested = entity.get(key)
        if isinstance(nested, dict) and _text(nested.get("uuid")):
            return _text(nested.get("uuid")), _text(nested.get("email"))
    return None, None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
