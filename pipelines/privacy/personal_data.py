"""Every place piggy-elt keeps personal data, declared once: erasure, the load filter and the
docs (docs/privacy.md) all read this module, so a new personal column is added here or nowhere.

A member is named by their contact uuid everywhere; the uuid itself is not personal data here (it
is Piggy's random key, and ledger and payout rows keep it so balances still reconcile). What is
personal: email, names, birthdate, custom attributes and the identifier a shop scanned, wherever
they are copied (raw tables, quarantined payloads, export state, pushed batches in the audit,
export files, review queues, webhook bodies).
"""

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PersonalTable:
    """A table whose `columns` are nulled for a member, found by the uuid in column `key`;
    `email` is the column an erasure by email looks in."""

    table: str
    key: str
    columns: tuple[str, ...]
    email: str | None = None


RAW_TABLES = (
    PersonalTable(
        "contacts",
        "uuid",
        ("email", "firstname", "lastname", "birthdate", "custom_attributes_json"),
        "email",
    ),
    PersonalTable(
        "loyalty_transactions",
        "contact_uuid",
        ("contact_email", "contact_identifier_value"),
        "contact_email",
    ),
    PersonalTable("prepaid_transactions", "contact_uuid", ("contact_email",), "contact_email"),
)
"""Raw tables (dataset `piggy_raw`): every version of contacts, every ledger row of the member."""

QUARANTINE = PersonalTable("quarantined_records", "record_key", ("raw_payload",))
"""A quarantined record is the member's when `record_key` is their uuid or its payload mentions
their uuid or one of their emails (see `mentions`); its payload is nulled, its reason kept."""

ACTION_TABLES = (
    PersonalTable("export_members", "member_key", ("email", "email_sha256", "fingerprint")),
)
"""Our own tables (dataset `piggy_actions`) that copy a personal column. The export state keeps
the email or its SHA-256 (an unkeyed hash: anyone can test a guessed address against it) and
the fingerprint of the row last sent, a hash over the member's email and names together with
figures the warehouse holds, so it can be tested the same way: all three are nulled."""

AUDIT_TABLE, AUDIT_KEY, AUDIT_JSON_COLUMNS = (
    "action_audit",
    "audit_id",
    ("sent_json", "answer_json"),
)
"""The audit keeps what was pushed (batches of segment rows): entries that mention the member are
rewritten with the member's personal values removed (`scrub_json`); other members stay."""

FILE_KEY = "contact_uuid"
"""Export files (segments, deltas) and review queues: the member's rows are dropped."""

CONTACT_HASH_COLUMN = "row_hash"
"""The scd2 version hash of contacts covers the personal columns: recomputed once they are null."""

JSON_PERSONAL_KEYS = frozenset(
    {
        "email",
        "contact_email",
        "firstname",
        "lastname",
        "first_name",
        "last_name",
        "birthdate",
        "custom_attributes_json",
        "contact_identifier_value",
        "current_values",
        "attributes",
        "phone",
    }
)
"""Keys nulled in a JSON object (an API record, a pushed row, a webhook body) about the member."""

LOAD_KEYS = ("record_key", "contact_uuid", "uuid")
"""The column naming the member in a loaded page, most specific first (a ledger page has both
its own `uuid` and the member's `contact_uuid`)."""


@dataclass(frozen=True)
class Member:
    """Who is erased: the uuid, and the emails found for it (lower case), used to match text."""

    uuid: str
    emails: frozenset[str] = field(default_factory=frozenset)

    def mentions(self, text: str | bytes | None) -> bool:
        """True when a text (a payload, a JSON body) names this member by uuid or email."""
        if text is None:
            return False
        lowered = (text.decode("utf-8", "replace") if isinstance(text, bytes) else text).lower()
        return self.uuid.lower() in lowered or any(email in lowered for email in self.emails)

    def owns(self, value: dict[str, Any]) -> bool:
        """A JSON object is about the member when one of its own values is their uuid or email."""
        return any(
            isinstance(v, str) and (v == self.uuid or v.lower() in self.emails)
            for v in value.values()
        )


def personal_load_columns() -> frozenset[str]:
    """Every column the load filter nulls, whichever raw table a page is for."""
    declared = (*RAW_TABLES, QUARANTINE)
    return frozenset(column for table in declared for column in table.columns)


def scrub_json(text: str | bytes | None, member: Member) -> str | None:
    """The JSON text with the member's personal values nulled; other people's stay as they were.

    Text that is not JSON cannot be rewritten safely, so it is dropped whole (None)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(_scrub(value, member, owned=False), sort_keys=True, default=str)


def _scrub(value: Any, member: Member, owned: bool) -> Any:
    if isinstance(value, dict):
        owned = owned or member.owns(value)
        return {
            key: None if owned and key in JSON_PERSONAL_KEYS else _scrub(item, member, owned)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, member, owned) for item in value]
    if isinstance(value, str) and value.lower() in member.emails:
        return None
    return value
