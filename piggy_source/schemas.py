"""The raw tables, column by column, exactly as docs/raw-tables.md lists them.

Each column names its kind (which fixes its pyarrow type and how a value is checked) and where it
comes from in the API record: a dotted path, or a function for the few derived columns. Top-level
keys a table does not read become extra columns, so custom attributes and new API fields are kept.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from piggy_source.values import BadValue

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "ts": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "json": pa.string(),
}


@dataclass(frozen=True)
class Column:
    """One raw column: `source` is a dotted path into the record or a function of the record."""

    name: str
    kind: str
    source: str | Callable[[dict], Any]
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A raw table; `ignored` are known API keys deliberately not landed (display duplicates)."""

    name: str
    columns: tuple[Column, ...]
    ignored: frozenset[str] = field(default_factory=frozenset)
    read_keys: frozenset[str] = field(default_factory=frozenset)

    def consumed(self) -> frozenset[str]:
        """Top-level keys the columns read; every other key is an extra column."""
        paths = {c.source.split(".")[0] for c in self.columns if isinstance(c.source, str)}
        return frozenset(paths) | self.ignored | self.read_keys

    def arrow_schema(self) -> pa.Schema:
        fields = [
            pa.field(c.name, ARROW_TYPES[c.kind], nullable=not c.required) for c in self.columns
        ]
        return pa.schema(fields)


PRESENT_KEYS: dict[str, tuple[str, ...]] = {
    "contacts": ("uuid", "email", "credit_balance", "current_values"),
    "loyalty_transactions": ("uuid", "type", "credits", "created_at"),
    "giftcard_transactions": ("amount_in_cents", "created_at"),
    "prepaid_transactions": ("uuid", "amount_in_cents", "created_at"),
    "vouchers": ("uuid", "code", "status"),
    "rewards": ("uuid", "title", "required_credits"),
    "visits": ("uuid", "created_at"),
    "referrals": ("uuid", "status", "created_at"),
    "giftcards": ("uuid", "hash", "amount_in_cents"),
    "promotions": ("uuid", "name"),
    "tiers": ("uuid", "name"),
    "shops": ("uuid", "name"),
}
"""Keys every record of a table carries per the contract (the value may be null): a record
without one is malformed and goes to quarantine rather than loading a silent null."""


def columns_of(kind: str, *names: str, prefix: str = "") -> tuple[Column, ...]:
    return tuple(Column(name, kind, f"{prefix}{name}") for name in names)


CONTACT_VALUE_KEYS = frozenset(
    {
        "created_at",
        "updated_at",
        "firstname",
        "lastname",
        "birthdate",
        "status",
        "loyalty_total_credits_received",
        "loyalty_first_transaction_date",
        "loyalty_last_transaction_date",
    }
)


def _contact_custom_values(record: dict) -> dict | None:
    values = record.get("current_values")
    if not isinstance(values, dict):
        return None
    return {k: v for k, v in values.items() if k not in CONTACT_VALUE_KEYS}


def unit_name(record: dict) -> Any:
    """`unit` is an object or null (contract-assumptions.md); anything else is malformed."""
    unit = record.get("unit")
    if unit is None:
        return None
    if not isinstance(unit, dict):
        raise BadValue(f"unit: expected an object, got {type(unit).__name__}")
    return unit.get("name")


def _transaction_key(record: dict) -> Any:
    """A giftcard transaction's uuid may be null; its id stands in (`id:<id>`)."""
    if record.get("uuid"):
        return record["uuid"]
    return f"id:{record['id']}" if record.get("id") is not None else None


CONTACTS = TableSpec(
    "contacts",
    (
        Column("uuid", "text", "uuid", required=True),
        Column("id", "int", "id"),
        Column("email", "text", "email"),
        Column("tier_uuid", "text", "tier.uuid"),
        Column("tier_name", "text", "tier.name"),
        Column("tier_position", "int", "tier.position"),
        Column("credit_balance", "int", "credit_balance.balance"),
        Column("prepaid_balance_cents", "int", "prepaid_balance.balance_in_cents"),
        *columns_of("text", "firstname", "lastname", "status", prefix="current_values."),
        Column("birthdate", "date", "current_values.birthdate"),
        *columns_of("ts", "created_at", "updated_at", prefix="current_values."),
        Column(
            "loyalty_total_credits_received", "int", "current_values.loyalty_total_credits_received"
        ),
        Column(
            "loyalty_first_transaction_at", "ts", "current_values.loyalty_first_transaction_date"
        ),
        Column("loyalty_last_transaction_at", "ts", "current_values.loyalty_last_transaction_date"),
        Column("custom_attributes_json", "json", _contact_custom_values),
    ),
    ignored=frozenset({"current_display_values", "subscriptions"}),
)
HASHED_CONTACT_COLUMNS = tuple(c.name for c in CONTACTS.columns)
CONTACTS_ROW_HASH = Column("row_hash", "text", "row_hash")

CONTACT_SUBSCRIPTIONS = TableSpec(
    "contact_subscriptions",
    (
        Column("contact_uuid", "text", "contact_uuid", required=True),
        Column("subscription_type_uuid", "text", "subscription_type.uuid", required=True),
        Column("subscription_type_name", "text", "subscription_type.name"),
        Column("strategy", "text", "subscription_type.strategy"),
        Column("is_subscribed", "bool", "is_subscribed"),
        Column("status", "text", "status"),
    ),
)

LOYALTY_TRANSACTIONS = TableSpec(
    "loyalty_transactions",
    (
        Column("uuid", "text", "uuid", required=True),
        Column("type", "text", "type"),
        Column("credits", "int", "credits"),
        Column("unit_value", "float", "unit_value"),
        Column("unit_name", "text", unit_name),
        Column("channel", "text", "channel"),
        Column("contact_uuid", "text", "contact.uuid"),
        Column("contact_email", "text", "contact.email"),
        Column("shop_uuid", "text", "shop.uuid"),
        Column("shop_name", "text", "shop.name"),
        Column("contact_identifier_value", "text", "contact_identifier.value"),
        Column("reward_uuid", "text", "reward.uuid"),
        Column("reward_title", "text", "reward.title"),
        Column("title", "text", "title"),
        Column("expires_at", "ts", "expires_at"),
        Column("has_been_collected", "bool", "has_been_collected"),
        Column("digital_reward_code", "text", "digital_reward_code.code"),
        Column("reversed_uuid", "text", "reversed_uuid"),
        Column("created_at", "ts", "created_at", required=True),
    ),
    read_keys=frozenset({"unit"}),
)

GIFTCARD_TRANSACTIONS = TableSpec(
    "giftcard_transactions",
    (
        Column("transaction_key", "text", _transaction_key, required=True),
        Column("id", "int", "id"),
        Column("uuid", "text", "uuid"),
        Column("amount_in_cents", "int", "amount_in_cents"),
        Column("type", "text", "type"),
        Column("settled", "bool", "settled"),
        Column("giftcard_uuid", "text", "card.uuid"),
        Column("giftcard_id", "int", "card.id"),
        Column("shop_uuid", "text", "shop.uuid"),
        Column("created_at", "ts", "created_at", required=True),
    ),
)

PREPAID_TRANSACTIONS = TableSpec(
    "prepaid_transactions",
    (
        Column("uuid", "text", "uuid", required=True),
        Column("amount_in_cents", "int", "amount_in_cents"),
        Column("balance_after_cents", "int", "prepaid_balance.balance_in_cents"),
        Column("contact_uuid", "text", "contact.uuid"),
        Column("contact_email", "text", "contact.email"),
        Column("shop_uuid", "text", "shop.uuid"),
        Column("created_at", "ts", "created_at", required=True),
    ),
)
