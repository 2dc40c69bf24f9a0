"""Records as the contract shapes them (piggy-api.md sections 2-5, contract-assumptions.md), each
paired with the raw row docs/raw-tables.md says it becomes.

Written from the documents, not from `piggy_source.schemas`, so a property that holds for these
shows the source and the documents agree, not that the source agrees with itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PER_RESOURCE = settings(PROPERTY, max_examples=10)
"""Each of the 18 resources gets its own run, so fewer examples each keep the suite quick."""
JSON_INTEGERS = (-(2**63), 2**64 - 1)
"""The integers a JSON decoder (orjson) hands over; anything wider arrives as a float or fails."""

BIGINTS = st.integers(-(2**63), 2**63 - 1)
SMALL = st.integers(-(10**9), 10**9)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
MAYBE_TEXT = st.none() | TEXT
UUIDS = st.uuids().map(str)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
INSTANTS = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31),
                        timezones=st.just(UTC))
CUSTOM_KEYS = st.from_regex(r"\Acustom_[a-z]{1,8}\Z")
CUSTOM_VALUES = st.none() | st.booleans() | SMALL | st.text(max_size=6)

Sample = tuple[dict, dict, dict]
"""(API record, its raw row's declared columns, the keys that must land as extra columns)."""


@st.composite
def timestamps(draw, with_micros: bool = True) -> tuple[str, datetime]:
    """A moment written as the API writes it: `+hh:mm` offsets (any offset) or `.000000Z`."""
    instant = draw(INSTANTS)
    if not with_micros or draw(st.booleans()):
        instant = instant.replace(microsecond=0)
    if draw(st.booleans()):
        return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), instant
    return instant.astimezone(draw(OFFSETS)).isoformat(), instant


def maybe(strategy):
    return st.none() | strategy


@st.composite
def optional_timestamp(draw) -> tuple[str | None, datetime | None]:
    return draw(st.just((None, None)) | timestamps())


@st.composite
def nested_contact(draw, ledger: bool = False) -> dict:
    contact = {"uuid": draw(UUIDS), "email": draw(MAYBE_TEXT)}
    if ledger:
        contact["credit_balance"] = {"balance": draw(SMALL)}
    return contact


@st.composite
def nested_shop(draw) -> dict:
    return {"id": draw(SMALL), "uuid": draw(UUIDS), "type": draw(st.sampled_from(
        ["physical", "online"])), "name": draw(TEXT)}


@st.composite
def custom_keys(draw) -> dict[str, Any]:
    return draw(st.dictionaries(CUSTOM_KEYS, CUSTOM_VALUES, max_size=3))


@st.composite
def contacts(draw) -> Sample:
    created, created_at = draw(timestamps())
    updated, updated_at = draw(timestamps())
    first, first_at = draw(optional_timestamp())
    last, last_at = draw(optional_timestamp())
    birthdate = draw(maybe(st.dates(date(1900, 1, 1), date(2030, 1, 1))))
    custom = draw(custom_keys())
    tier = draw(maybe(st.fixed_dictionaries({"uuid": UUIDS, "name": TEXT, "description": TEXT,
                                             "position": SMALL, "media": st.none()})))
    values = {"created_at": created, "updated_at": updated, "firstname": draw(MAYBE_TEXT),
              "lastname": draw(MAYBE_TEXT), "status": draw(st.sampled_from(["active", "blocked"])),
              "birthdate": birthdate.isoformat() if birthdate else None,
              "loyalty_total_credits_received": draw(SMALL),
              "loyalty_first_transaction_date": first, "loyalty_last_transaction_date": last,
              **custom}
    record = {"id": draw(SMALL), "uuid": draw(UUIDS), "email": draw(MAYBE_TEXT), "tier": tier,
              "subscriptions": [], "credit_balance": {"id": 1, "balance": draw(SMALL)},
              "prepaid_balance": {"balance_in_cents": draw(SMALL)}, "current_values": values,
              "current_display_values": {k: str(v) for k, v in values.items()}}
    expected = {
        "uuid": record["uuid"], "id": record["id"], "email": record["email"],
        "tier_uuid": tier and tier["uuid"], "tier_name": tier and tier["name"],
        "tier_position": tier and tier["position"],
        "credit_balance": record["credit_balance"]["balance"],
        "prepaid_balance_cents": record["prepaid_balance"]["balance_in_cents"],
        "firstname": values["firstname"], "lastname": values["lastname"],
        "status": values["status"], "birthdate": birthdate, "created_at": created_at,
        "updated_at": updated_at,
        "loyalty_total_credits_received": values["loyalty_total_credits_received"],
        "loyalty_first_transaction_at": first_at, "loyalty_last_transaction_at": last_at,
        "custom_attributes_json": custom,
    }
    return record, expected, {}


@st.composite
def loyalty_transactions(draw) -> Sample:
    """Any of the three ledger item types, with custom keys flattened in (contract section 2)."""
    kind = draw(st.sampled_from(["credit_reception", "reward_reception",
                                 "digital_reward_reception"]))
    created, created_at = draw(timestamps())
    contact, shop = draw(nested_contact(ledger=True)), draw(maybe(nested_shop()))
    custom = draw(custom_keys())
    record = {"uuid": draw(UUIDS), "type": kind, "contact": contact, "shop": shop,
              "created_at": created, **custom}
    expected = dict.fromkeys(("unit_value", "unit_name", "channel", "contact_identifier_value",
                              "reward_uuid", "reward_title", "title", "expires_at",
                              "has_been_collected", "digital_reward_code", "reversed_uuid"))
    if kind == "credit_reception":
        unit = draw(maybe(st.fixed_dictionaries({"name": TEXT, "label": TEXT, "prefix": TEXT,
                                                 "is_default": st.booleans()})))
        identifier = draw(maybe(st.fixed_dictionaries({"value": TEXT, "name": MAYBE_TEXT,
                                                       "active": st.booleans()})))
        unit_value = draw(maybe(st.floats(0, 1e6, allow_nan=False) | st.integers(0, 10**6)))
        record.update(credits=draw(SMALL), unit_value=unit_value, unit=unit,
                      channel=draw(st.sampled_from(["API", "KIOSK", "REVERSAL"])),
                      contact_identifier=identifier)
        if record["channel"] == "REVERSAL":
            record["reversed_uuid"] = draw(UUIDS)
        expected.update(unit_value=None if unit_value is None else float(unit_value),
                        unit_name=unit and unit["name"], channel=record["channel"],
                        contact_identifier_value=identifier and identifier["value"],
                        reversed_uuid=record.get("reversed_uuid"))
    else:
        expires, expires_at = draw(optional_timestamp())
        reward = {"uuid": draw(UUIDS), "title": draw(TEXT), "reward_type": "DIGITAL",
                  "required_credits": draw(st.integers(0, 10**6))}
        record.update(title=draw(TEXT), credits=draw(st.integers(-(10**6), -1)), reward=reward,
                      expires_at=expires, has_been_collected=draw(st.booleans()))
        if kind == "digital_reward_reception":
            record["digital_reward_code"] = {"code": draw(TEXT)}
        expected.update(reward_uuid=reward["uuid"], reward_title=reward["title"],
                        title=record["title"], expires_at=expires_at,
                        has_been_collected=record["has_been_collected"],
                        digital_reward_code=record.get("digital_reward_code", {}).get("code"))
    expected.update(uuid=record["uuid"], type=kind, credits=record["credits"],
                    contact_uuid=contact["uuid"], contact_email=contact["email"],
                    shop_uuid=shop and shop["uuid"], shop_name=shop and shop["name"],
                    created_at=created_at)
    return record, expected, custom
