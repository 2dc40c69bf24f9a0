"""Malformed records on purpose: the same records break the same way on every read.

Whether a record is spoiled, and how, is a hash of (fault seed, resource, uuid), so a client's
quarantine can be checked exactly against `/_sandbox/malformed`.
"""

from __future__ import annotations

import hashlib

# per resource: the key a "missing key" drops, and the key a "wrong type" breaks (with what)
TARGETS: dict[str, tuple[str, str, object]] = {
    "contacts": ("email", "credit_balance", "lots"),
    "loyalty-transactions": ("created_at", "credits", "ten"),
    "prepaid-transactions": ("created_at", "amount_in_cents", "12,50"),
    "giftcard-transactions": ("created_at", "amount_in_cents", "n/a"),
    "vouchers": ("code", "status", 7),
    "rewards": ("title", "required_credits", "many"),
    "visits": ("created_at", "starts_at", 1700000000),
    "referrals": ("status", "created_at", True),
    "giftcards": ("hash", "amount_in_cents", "ten euro"),
}
UNKNOWN_FIELD = "x_sandbox_unexpected"


class Malformer:
    def __init__(self, seed: int, rate: float, kinds: tuple[str, ...]) -> None:
        self.seed, self.rate, self.kinds = seed, rate, tuple(kinds)

    def verdict(self, resource: str, key: str) -> str | None:
        """The corruption this record gets, or None when it is served intact."""
        if self.rate <= 0 or not self.kinds or resource not in TARGETS:
            return None
        digest = hashlib.blake2b(f"{self.seed}:{resource}:{key}".encode(), digest_size=8).digest()
        draw = int.from_bytes(digest[:6], "big") / 2**48
        if draw >= self.rate:
            return None
        return self.kinds[digest[7] % len(self.kinds)]

    def describe(self, resource: str, kind: str) -> dict[str, object]:
        missing, wrong, _ = TARGETS[resource]
        field = {"missing_key": missing, "wrong_type": wrong, "unknown_field": UNKNOWN_FIELD}[kind]
        return {"resource": resource, "kind": kind, "field": field}

    def apply(self, resource: str, records: list[dict]) -> list[dict]:
        if self.rate <= 0:
            return records
        return [self._spoil(resource, record) for record in records]

    def _spoil(self, resource: str, record: dict) -> dict:
        key = str(record.get("uuid") or record.get("id"))
        kind = self.verdict(resource, key)
        if kind is None:
            return record
        missing, wrong, bad_value = TARGETS[resource]
        spoiled = dict(record)
        if kind == "missing_key":
            spoiled.pop(missing, None)
        elif kind == "wrong_type":
            spoiled[wrong] = bad_value
        else:
            spoiled[UNKNOWN_FIELD] = {"note": "a field this client has never seen"}
        return spoiled
