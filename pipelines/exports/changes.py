"""Who entered, left or changed in a segment since its last successful export.

Each exported member is remembered by a fingerprint (a hash of every exported field); comparing the
current segment with those fingerprints gives the delta, so a second export with no change in the
data sends nothing, and `--full` is the same comparison with the unchanged members sent as well.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ENTERED, CHANGED, LEFT, UNCHANGED = "entered", "changed", "left", "unchanged"
MEMBER_KEY = "contact_uuid"
EMAIL, EMAIL_SHA256 = "email", "email_sha256"
"""The column that names a member to an email tool: the address, or its SHA-256 when the models
keep only that (`privacy.email_in_models`)."""


def plain_value(value: Any) -> Any:
    """A JSON- and CSV-friendly value: dates as ISO 8601, decimals as numbers."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row as a receiver sees it; fingerprints are taken on this form so types never matter."""
    return {key: plain_value(value) for key, value in row.items()}


def fingerprint(row: dict[str, Any]) -> str:
    """A stable hash of every field of a member row, independent of column order."""
    canonical = json.dumps(plain_row(row), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def content_hash(fingerprints: dict[str, str]) -> str:
    """One hash for the whole segment content: same members with same fields, same hash."""
    digest = hashlib.sha256()
    for member_key in sorted(fingerprints):
        digest.update(f"{member_key}:{fingerprints[member_key]}\n".encode())
    return digest.hexdigest()


@dataclass
class MemberChange:
    """One member and what happened to it; a member who left carries only its key and the email
    column of the export (`email` or `email_sha256`)."""

    change: str
    member_key: str
    row: dict[str, Any]


@dataclass
class SegmentDelta:
    """The current segment compared with the last exported one."""

    current: dict[str, str]
    changes: list[MemberChange] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[MemberChange]:
        return [change for change in self.changes if change.change in kinds]

    @property
    def counts(self) -> dict[str, int]:
        kinds = (ENTERED, CHANGED, LEFT, UNCHANGED)
        return {kind: len(self.of_kind(kind)) for kind in kinds}


def compare(
    rows: list[dict[str, Any]], previous: dict[str, dict[str, Any]], email: str = EMAIL
) -> SegmentDelta:
    """Sort every current member and every previously exported one into entered/changed/left.

    `previous` maps a member key to its last exported `fingerprint` and email columns: the one
    named `email` is kept so that a target keyed by it can still be told about a member who left
    (only that one: after a switch to hashes, a plain address kept from before is not sent).
    """
    delta = SegmentDelta(current={})
    for row in rows:
        member_key = str(row[MEMBER_KEY])
        current = fingerprint(row)
        delta.current[member_key] = current
        if member_key not in previous:
            kind = ENTERED
        elif previous[member_key]["fingerprint"] != current:
            kind = CHANGED
        else:
            kind = UNCHANGED
        delta.changes.append(MemberChange(kind, member_key, plain_row(row)))
    for member_key in sorted(set(previous) - set(delta.current)):
        left_row = {MEMBER_KEY: member_key, email: previous[member_key].get(email)}
        delta.changes.append(MemberChange(LEFT, member_key, left_row))
    return delta


def to_send(delta: SegmentDelta, full: bool) -> list[MemberChange]:
    """What a target receives: the difference, or with `full` every current member too."""
    if full:
        return list(delta.changes)
    return delta.of_kind(ENTERED, CHANGED, LEFT)
