"""The raw tables of entities read in full (docs/raw-tables.md, "Entities read in full")."""

from piggy_source.schemas import Column, TableSpec, columns_of, unit_name

_UUID = Column("uuid", "text", "uuid", required=True)
_NAME_KEY = Column("name", "text", "name", required=True)

ENTITY_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "vouchers",
            (
                _UUID,
                *columns_of("text", "code", "status", "name", "description"),
                *columns_of("ts", "activation_date", "expiration_date", "redeemed_at"),
                Column("is_redeemed", "bool", "is_redeemed"),
                Column("contact_uuid", "text", "contact.uuid"),
                Column("promotion_uuid", "text", "promotion.uuid"),
                Column("promotion_name", "text", "promotion.name"),
                Column("attributes_json", "json", "attributes"),
            ),
        ),
        TableSpec(
            "rewards",
            (
                _UUID,
                *columns_of("text", "title", "reward_type"),
                Column("is_active", "bool", "is_active"),
                Column("required_credits", "int", "required_credits"),
                Column("description", "text", "description"),
                Column("pre_redeemable", "bool", "pre_redeemable"),
                Column("expiration_duration", "int", "expiration_duration"),
                Column("cost_price_cents", "int", "cost_price"),
                Column("stock", "int", "stock"),
            ),
            ignored=frozenset({"media"}),
        ),
        TableSpec(
            "tiers",
            (
                _UUID,
                *columns_of("text", "name", "description"),
                Column("position", "int", "position"),
            ),
            ignored=frozenset({"media"}),
        ),
        TableSpec(
            "perks",
            (_UUID, *columns_of("text", "name", "label", "data_type")),
            ignored=frozenset({"options"}),
        ),
        TableSpec(
            "units",
            (
                _NAME_KEY,
                *columns_of("text", "label", "prefix"),
                Column("is_default", "bool", "is_default"),
            ),
        ),
        TableSpec(
            "loyalty_program",
            (
                Column("id", "int", "id", required=True),
                Column("name", "text", "name"),
                Column("max_amount", "int", "max_amount"),
                Column("custom_credit_name", "text", "custom_credit_name"),
                Column("unit_name", "text", unit_name),
            ),
            read_keys=frozenset({"unit"}),
        ),
        TableSpec(
            "shops",
            (_UUID, Column("id", "int", "id"), *columns_of("text", "name", "type", "reference")),
        ),
        TableSpec(
            "promotions",
            (
                _UUID,
                *columns_of("text", "name", "description"),
                *columns_of("int", "voucher_limit", "limit_per_contact", "expiration_duration"),
                Column("attributes_json", "json", "attributes"),
            ),
        ),
        TableSpec(
            "giftcard_programs",
            (_UUID, Column("name", "text", "name"), Column("active", "bool", "active")),
        ),
        TableSpec(
            "giftcards",
            (
                _UUID,
                *columns_of("text", "type", "hash"),
                Column("expiration_date", "ts", "expiration_date"),
                Column("active", "bool", "active"),
                Column("amount_in_cents", "int", "amount_in_cents"),
                Column("giftcard_program_uuid", "text", "giftcard_program.uuid"),
            ),
        ),
        TableSpec(
            "visits",
            (
                _UUID,
                Column("contact_uuid", "text", "contact.uuid"),
                *columns_of("text", "external_id", "source"),
                *columns_of("ts", "starts_at", "ends_at", "created_at"),
            ),
        ),
        TableSpec(
            "referrals",
            (
                _UUID,
                Column("referring_contact_uuid", "text", "referring_contact.uuid"),
                Column("referred_contact_uuid", "text", "referred_contact.uuid"),
                Column("status", "text", "status"),
                Column("created_at", "ts", "created_at"),
            ),
        ),
        TableSpec(
            "contact_attributes",
            (_NAME_KEY, *columns_of("text", "label", "type", "field_type", "description")),
            ignored=frozenset({"is_soft_read_only", "is_hard_read_only", "options"}),
        ),
        TableSpec(
            "subscription_types",
            (
                _UUID,
                *columns_of("text", "name", "description"),
                Column("active", "bool", "active"),
                Column("strategy", "text", "strategy"),
            ),
        ),
    )
}
