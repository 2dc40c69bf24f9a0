"""The other resources as the contract shapes them, each with the raw row it must become."""

from __future__ import annotations

from contract_records import (
    BIGINTS,
    MAYBE_TEXT,
    SMALL,
    TEXT,
    UUIDS,
    Sample,
    custom_keys,
    maybe,
    nested_contact,
    nested_shop,
    optional_timestamp,
    timestamps,
)
from hypothesis import strategies as st

JSON_OBJECTS = st.dictionaries(st.text(max_size=5), st.none() | st.booleans() | SMALL | TEXT,
                               max_size=3)


@st.composite
def giftcard_transactions(draw) -> Sample:
    """`uuid` may be null: the row is then keyed by `id:<id>` (raw-tables.md)."""
    created, created_at = draw(timestamps())
    card = {"id": draw(SMALL), "uuid": draw(UUIDS)}
    shop = draw(maybe(nested_shop()))
    record = {"id": draw(st.integers(1, 10**12)), "uuid": draw(maybe(UUIDS)),
              "amount_in_cents": draw(BIGINTS), "type": draw(TEXT),
              "settled": draw(st.booleans()), "card": card, "shop": shop, "created_at": created}
    key = record["uuid"] or f"id:{record['id']}"
    expected = {"transaction_key": key, "id": record["id"], "uuid": record["uuid"],
                "amount_in_cents": record["amount_in_cents"], "type": record["type"],
                "settled": record["settled"], "giftcard_uuid": card["uuid"],
                "giftcard_id": card["id"], "shop_uuid": shop and shop["uuid"],
                "created_at": created_at}
    return record, expected, {}


@st.composite
def prepaid_transactions(draw) -> Sample:
    created, created_at = draw(timestamps())
    contact, shop = draw(nested_contact()), draw(maybe(nested_shop()))
    record = {"uuid": draw(UUIDS), "amount_in_cents": draw(SMALL),
              "prepaid_balance": {"balance_in_cents": draw(SMALL)}, "contact": contact,
              "shop": shop, "created_at": created}
    expected = {"uuid": record["uuid"], "amount_in_cents": record["amount_in_cents"],
                "balance_after_cents": record["prepaid_balance"]["balance_in_cents"],
                "contact_uuid": contact["uuid"], "contact_email": contact["email"],
                "shop_uuid": shop and shop["uuid"], "created_at": created_at}
    return record, expected, {}


@st.composite
def vouchers(draw) -> Sample:
    (activation, activation_at), (expiration, expiration_at), (redeemed, redeemed_at) = (
        draw(optional_timestamp()) for _ in range(3))
    contact = draw(maybe(nested_contact()))
    promotion = {"uuid": draw(UUIDS), "name": draw(TEXT)}
    attributes = draw(JSON_OBJECTS)
    record = {"uuid": draw(UUIDS), "code": draw(TEXT), "name": draw(MAYBE_TEXT),
              "status": draw(st.sampled_from(["ACTIVE", "REDEEMED", "EXPIRED", "DEACTIVATED",
                                              "INACTIVE", "LOCKED"])),
              "description": draw(MAYBE_TEXT), "activation_date": activation,
              "expiration_date": expiration, "redeemed_at": redeemed,
              "is_redeemed": redeemed is not None, "attributes": attributes,
              "contact": contact, "promotion": promotion}
    expected = {key: record[key] for key in ("uuid", "code", "status", "name", "description",
                                             "is_redeemed")}
    expected.update(activation_date=activation_at, expiration_date=expiration_at,
                    redeemed_at=redeemed_at, contact_uuid=contact and contact["uuid"],
                    promotion_uuid=promotion["uuid"], promotion_name=promotion["name"],
                    attributes_json=attributes)
    return record, expected, {}


@st.composite
def rewards(draw) -> Sample:
    custom = draw(custom_keys())
    record = {"uuid": draw(UUIDS), "title": draw(TEXT),
              "reward_type": draw(st.sampled_from(["PHYSICAL", "DIGITAL"])),
              "is_active": draw(st.booleans()), "required_credits": draw(st.integers(0, 10**6)),
              "description": draw(MAYBE_TEXT), "media": None, "pre_redeemable": draw(
                  st.booleans()), "expiration_duration": draw(maybe(SMALL)),
              "cost_price": draw(maybe(SMALL)), "stock": draw(maybe(st.integers(0, 10**6))),
              **custom}
    expected = {key: record[key] for key in ("uuid", "title", "reward_type", "is_active",
                                             "required_credits", "description", "pre_redeemable",
                                             "expiration_duration", "stock")}
    expected["cost_price_cents"] = record["cost_price"]
    return record, expected, custom


@st.composite
def giftcards(draw) -> Sample:
    expiration, expiration_at = draw(optional_timestamp())
    program = {"uuid": draw(UUIDS), "name": draw(TEXT)}
    record = {"uuid": draw(UUIDS), "type": draw(TEXT), "hash": draw(TEXT),
              "expiration_date": expiration, "active": draw(st.booleans()),
              "amount_in_cents": draw(SMALL), "giftcard_program": program}
    expected = {key: record[key] for key in ("uuid", "type", "hash", "active",
                                             "amount_in_cents")}
    expected.update(expiration_date=expiration_at, giftcard_program_uuid=program["uuid"])
    return record, expected, {}


@st.composite
def visits(draw) -> Sample:
    (starts, starts_at), (ends, ends_at), (created, created_at) = (
        draw(timestamps()), draw(optional_timestamp()), draw(timestamps()))
    contact = draw(nested_contact())
    record = {"uuid": draw(UUIDS), "contact": contact, "external_id": draw(MAYBE_TEXT),
              "source": draw(MAYBE_TEXT), "starts_at": starts, "ends_at": ends,
              "created_at": created}
    expected = {"uuid": record["uuid"], "contact_uuid": contact["uuid"],
                "external_id": record["external_id"], "source": record["source"],
                "starts_at": starts_at, "ends_at": ends_at, "created_at": created_at}
    return record, expected, {}


@st.composite
def referrals(draw) -> Sample:
    created, created_at = draw(timestamps())
    referring, referred = draw(nested_contact()), draw(nested_contact())
    record = {"uuid": draw(UUIDS), "referring_contact": referring, "referred_contact": referred,
              "status": draw(st.sampled_from(["PENDING", "COMPLETED"])), "created_at": created}
    expected = {"uuid": record["uuid"], "referring_contact_uuid": referring["uuid"],
                "referred_contact_uuid": referred["uuid"], "status": record["status"],
                "created_at": created_at}
    return record, expected, {}


def flat(fields: dict, renamed: dict | None = None, dropped: tuple = ()):
    """A record of plain fields whose raw row has the same names (minus `dropped`)."""
    renamed = renamed or {}

    @st.composite
    def build(draw) -> Sample:
        record = draw(st.fixed_dictionaries(fields))
        expected = {renamed.get(k, k): v for k, v in record.items() if k not in dropped}
        return record, expected, {}

    return build()


@st.composite
def loyalty_programs(draw) -> Sample:
    unit = draw(maybe(st.fixed_dictionaries({"name": TEXT, "label": TEXT, "prefix": TEXT,
                                             "is_default": st.booleans()})))
    record = {"id": draw(SMALL), "name": draw(TEXT), "max_amount": draw(maybe(SMALL)),
              "custom_credit_name": draw(MAYBE_TEXT), "unit": unit}
    expected = {k: record[k] for k in ("id", "name", "max_amount", "custom_credit_name")}
    expected["unit_name"] = unit and unit["name"]
    return record, expected, {}


@st.composite
def promotions(draw) -> Sample:
    attributes = draw(JSON_OBJECTS)
    record = {"uuid": draw(UUIDS), "name": draw(TEXT), "description": draw(MAYBE_TEXT),
              "voucher_limit": draw(maybe(SMALL)), "limit_per_contact": draw(maybe(SMALL)),
              "expiration_duration": draw(maybe(SMALL)), "attributes": attributes}
    expected = {k: v for k, v in record.items() if k != "attributes"}
    expected["attributes_json"] = attributes
    return record, expected, {}


STRATEGY = {
    "giftcard_transactions": giftcard_transactions(),
    "prepaid_transactions": prepaid_transactions(),
    "vouchers": vouchers(),
    "rewards": rewards(),
    "giftcards": giftcards(),
    "visits": visits(),
    "referrals": referrals(),
    "loyalty_program": loyalty_programs(),
    "promotions": promotions(),
    "tiers": flat({"uuid": UUIDS, "name": TEXT, "description": MAYBE_TEXT, "position": SMALL,
                   "media": st.none()}, dropped=("media",)),
    "perks": flat({"uuid": UUIDS, "label": TEXT, "name": TEXT, "data_type": TEXT,
                   "options": st.just([])}, dropped=("options",)),
    "units": flat({"name": TEXT, "label": TEXT, "prefix": MAYBE_TEXT,
                   "is_default": st.booleans()}),
    "shops": flat({"id": SMALL, "uuid": UUIDS, "name": TEXT, "type": st.sampled_from(
        ["physical", "online"]), "reference": MAYBE_TEXT}),
    "giftcard_programs": flat({"uuid": UUIDS, "name": TEXT, "active": st.booleans()}),
    "contact_attributes": flat(
        {"name": TEXT, "label": TEXT, "type": TEXT, "field_type": TEXT, "description": MAYBE_TEXT,
         "is_soft_read_only": st.booleans(), "is_hard_read_only": st.booleans(),
         "options": st.just([])}, dropped=("is_soft_read_only", "is_hard_read_only", "options")),
    "subscription_types": flat({"uuid": UUIDS, "name": TEXT, "description": MAYBE_TEXT,
                                "active": st.booleans(), "strategy": st.sampled_from(
                                    ["OPT_IN", "OPT_OUT"])}),
}
