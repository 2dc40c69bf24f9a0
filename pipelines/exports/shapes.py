"""What each kind of target receives: generic change events, or CRM/ESP profile upserts.

The CRM shape is keyed by email, because that is how email tools identify a person (by
`email_sha256` instead when the models keep only the hash, `privacy.email_in_models = "sha256"`);
it carries the fields a marketer merges into a reminder (balance, tier, expiring points and date)
and a per-segment flag, set to false when a member leaves, so the audience in the tool follows the
segment.
"""

from collections.abc import Iterator
from typing import Any

from pipelines.exports.changes import EMAIL, LEFT, MemberChange

PROFILE_FIELDS = {
    "firstname": "first_name",
    "lastname": "last_name",
    "credit_balance": "loyalty_points",
    "tier_name": "loyalty_tier",
    "points_expiring_30d": "points_expiring_30d",
    "next_expiry_date": "points_next_expiry_date",
}


def batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def webhook_bodies(
    segment: str, mode: str, content: str, changes: list[MemberChange], size: int
) -> list[dict[str, Any]]:
    """Change events in batches; each body says which export and which batch it belongs to."""
    chunks = list(batched(changes, size))
    return [
        {
            "segment": segment,
            "mode": mode,
            "content_hash": content,
            "batch_index": index,
            "batch_count": len(chunks),
            "events": [{"change": c.change, "member": c.row} for c in chunk],
        }
        for index, chunk in enumerate(chunks, start=1)
    ]


def profile(segment: str, change: MemberChange, email: str = EMAIL) -> dict[str, Any] | None:
    """One upsert keyed by the `email` column; members without one cannot be reached: skipped."""
    address = change.row.get(email)
    if not address:
        return None
    properties: dict[str, Any] = {f"piggy_{segment}": change.change != LEFT}
    if change.change != LEFT:
        for column, name in PROFILE_FIELDS.items():
            properties[name] = change.row.get(column)
    return {email: address, "external_id": change.member_key, "properties": properties}


def crm_bodies(
    segment: str, changes: list[MemberChange], size: int, email: str = EMAIL
) -> list[dict[str, Any]]:
    """Profile upserts in batches, keyed by the `email` column."""
    shaped = (profile(segment, change, email) for change in changes)
    profiles = [p for p in shaped if p is not None]
    return [{"profiles": chunk} for chunk in batched(profiles, size)]


def members_in(body: dict[str, Any]) -> int:
    """How many members one body carries, whatever its shape."""
    return len(body.get("events") or body.get("profiles") or [])
