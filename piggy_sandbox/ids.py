"""Identifiers and timestamps as the API shows them, computed from integer ids on the fly.

The database stores only integer ids; a uuid is derived from (seed, kind, id) by a keyed, invertible
mix, so ten million ledger rows need no uuid column or index, a uuid maps back to its id in
microseconds, and the same seed always yields the same uuids.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

_MASK48 = (1 << 48) - 1
_MULT = 0x5DEECE66D  # odd, so multiplication is a bijection modulo 2**48
_MULT_INVERSE = pow(_MULT, -1, 1 << 48)
_SHIFT = 19
_ROUNDS = 3

KINDS = (
    "contact", "loyalty", "reward", "tier", "shop", "promotion", "voucher", "giftcard_program",
    "giftcard", "giftcard_tx", "prepaid", "visit", "referral", "perk", "subscription_type",
    "webhook",
)


class UuidCodec:
    """Turns (kind, integer id) into a stable random-looking uuid and back."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.blake2b(f"piggy-sandbox:{seed}".encode(), digest_size=16).digest()
        self._salts = {kind: self._salt(kind) for kind in KINDS}

    def _salt(self, kind: str) -> int:
        digest = hashlib.blake2b(kind.encode(), key=self._key, digest_size=6).digest()
        return int.from_bytes(digest, "big")

    def _mix(self, value: int, salt: int) -> int:
        value ^= salt
        for _ in range(_ROUNDS):
            value = (value * _MULT) & _MASK48
            value ^= value >> _SHIFT
        return value

    def _unmix(self, value: int, salt: int) -> int:
        for _ in range(_ROUNDS):
            restored = value
            for _ in range(48 // _SHIFT + 1):
                restored = value ^ (restored >> _SHIFT)
            value = (restored * _MULT_INVERSE) & _MASK48
        return value ^ salt

    def encode(self, kind: str, ident: int) -> str:
        node = self._mix(ident, self._salts[kind])
        material = node.to_bytes(6, "big") + kind.encode()
        head = hashlib.blake2b(material, key=self._key, digest_size=10).hexdigest()
        variant = "89ab"[int(head[15], 16) & 3]
        return f"{head[0:8]}-{head[8:12]}-4{head[12:15]}-{variant}{head[16:19]}-{node:012x}"

    def decode(self, kind: str, text: str) -> int | None:
        """The id behind a uuid of this kind, or None when it is not one this sandbox issued."""
        if not isinstance(text, str) or len(text) != 36:
            return None
        try:
            node = int(text[24:], 16)
        except ValueError:
            return None
        ident = self._unmix(node, self._salts[kind])
        if ident <= 0 or self.encode(kind, ident) != text.lower():
            return None
        return ident


def iso(ts: int | None) -> str | None:
    """Seconds since the epoch as the usual `+00:00` form."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def iso_z(ts: int | None) -> str | None:
    """The microsecond `Z` form some endpoints answer (vouchers, prepaid transactions)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def iso_date(ts: int | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def parse_instant(text: str) -> int:
    """An ISO 8601 filter value (`Z`, offsets or naive UTC) as epoch seconds; ValueError if bad."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
