"""Properties of record flattening, for every resource, over records shaped by the contract.

Each resource's records come from `contract_records` / `contract_entities` together with the raw
row docs/raw-tables.md says they become; the properties check the source lands exactly that, puts
anything unreadable in quarantine with a reason, and never lets one record break a page.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import orjson
import pytest
from contract_entities import STRATEGY
from contract_records import (
    JSON_INTEGERS,
    PER_RESOURCE,
    PROPERTY,
    contacts,
    loyalty_transactions,
)
from hypothesis import given
from hypothesis import strategies as st

from piggy_source.entity_schemas import ENTITY_TABLES
from piggy_source.flatten import flatten_page, flatten_record
from piggy_source.schemas import (
    CONTACTS,
    GIFTCARD_TRANSACTIONS,
    HASHED_CONTACT_COLUMNS,
    LOYALTY_TRANSACTIONS,
    PREPAID_TRANSACTIONS,
)

SPECS = {spec.name: spec for spec in (CONTACTS, LOYALTY_TRANSACTIONS, GIFTCARD_TRANSACTIONS,
                                      PREPAID_TRANSACTIONS, *ENTITY_TABLES.values())}
SAMPLES = {"contacts": contacts(), "loyalty_transactions": loyalty_transactions(), **STRATEGY}
KEY_FIELDS = {"giftcard_transactions": ("uuid", "id"), "units": ("name",),
              "contact_attributes": ("name",), "loyalty_program": ("id",)}
CURSOR_FIELDS = ("loyalty_transactions", "giftcard_transactions", "prepaid_transactions")
DERIVED_FROM = {("giftcard_transactions", "uuid"): ("transaction_key",),
                ("giftcard_transactions", "id"): ("transaction_key",)}
FLOAT_KEYS = {"unit_value"}
"""A float in the contract (major units), so a JSON integer there is a number, not a bigint."""
NOT_TYPED = {"current_display_values", "is_soft_read_only", "is_hard_read_only", "media",
             "options", "subscriptions", "attributes"}


def test_every_resource_has_a_contract_strategy():
    assert set(SAMPLES) == set(SPECS)


def comparable(column: str, value, landed: bool = True):
    """JSON text columns compare as the objects they hold; every moment compares as an instant,
    and a moment the source produced must be in UTC."""
    if column.endswith("_json") and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, datetime):
        if landed:
            assert value.utcoffset() == timedelta(0), f"{column} is not in UTC: {value}"
        return value.timestamp(), value.microsecond
    if isinstance(value, date):
        return value.isoformat()
    return value


def expected_view(expected: dict) -> dict:
    return {column: comparable(column, value, landed=False) for column, value in expected.items()}


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_a_contract_record_becomes_exactly_its_documented_row(resource, data):
    record, expected, _ = data.draw(SAMPLES[resource])
    row = flatten_record(SPECS[resource], record)
    assert set(row) == set(expected), "raw columns differ from docs/raw-tables.md"
    assert {c: comparable(c, v) for c, v in row.items()} == expected_view(expected)


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_a_page_lands_every_record_once_in_order_with_its_extra_keys(resource, data):
    samples = data.draw(st.lists(SAMPLES[resource], min_size=1, max_size=6))
    page = flatten_page(SPECS[resource], resource, [record for record, _, _ in samples])
    assert page.quarantined == []
    rows = page.table.to_pylist()
    assert len(rows) == len(samples)
    for row, (_, expected, extras) in zip(rows, samples, strict=True):
        assert {c: comparable(c, row[c]) for c in expected} == expected_view(expected)
        for key, value in extras.items():
            if value is not None:
                assert row[key] in (value, str(value)), f"extra key {key} lost"


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_a_record_without_its_key_or_cursor_is_quarantined_and_the_rest_loads(resource, data):
    samples = data.draw(st.lists(SAMPLES[resource], min_size=2, max_size=5))
    records = [record for record, _, _ in samples]
    broken_at = data.draw(st.integers(0, len(records) - 1))
    fields = KEY_FIELDS.get(resource, ("uuid",))
    if resource in CURSOR_FIELDS and data.draw(st.booleans()):
        fields = ("created_at",)
    broken = {k: v for k, v in records[broken_at].items() if k not in fields}
    records[broken_at] = broken
    page = flatten_page(SPECS[resource], resource, records)
    assert page.row_count == len(records) - 1
    (quarantined,) = page.quarantined
    assert quarantined["resource"] == resource
    assert any(field in quarantined["reason"] for field in fields) or (
        "transaction_key" in quarantined["reason"]), quarantined["reason"]
    assert orjson.loads(quarantined["raw_payload"]) == orjson.loads(orjson.dumps(broken))


def wrong_type(value):
    """A value of another JSON type than the contract's, for the same key."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return f"{value} points"
    if isinstance(value, str):
        return 7
    return "not an object"


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_a_value_of_the_wrong_type_is_quarantined_with_its_name(resource, data):
    samples = data.draw(st.lists(SAMPLES[resource], min_size=2, max_size=4))
    records = [record for record, _, _ in samples]
    at = data.draw(st.integers(0, len(records) - 1))
    candidates = sorted(k for k, v in records[at].items()
                        if v is not None and not isinstance(v, list) and k not in NOT_TYPED
                        and not k.startswith("custom_"))
    key = data.draw(st.sampled_from(candidates))
    records[at] = {**records[at], key: wrong_type(records[at][key])}
    page = flatten_page(SPECS[resource], resource, records)
    assert page.row_count == len(records) - 1, f"{key}={records[at][key]!r} was not refused"
    (quarantined,) = page.quarantined
    names = {key, *DERIVED_FROM.get((resource, key), ())}
    assert any(name in quarantined["reason"] for name in names), quarantined["reason"]


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_an_integer_beyond_a_bigint_is_quarantined_not_a_page_failure(resource, data):
    """JSON decoders hand over unsigned 64-bit integers; a bigint column cannot hold them, so the
    record is quarantined. An unknown key has no declared type: its value is kept, as text."""
    samples = data.draw(st.lists(SAMPLES[resource], min_size=2, max_size=4))
    records = [record for record, _, _ in samples]
    at = data.draw(st.integers(0, len(records) - 1))
    ints = sorted(k for k, v in records[at].items() if type(v) is int and k not in FLOAT_KEYS)
    if not ints:
        return
    key = data.draw(st.sampled_from(ints))
    huge = data.draw(st.integers(2**63, JSON_INTEGERS[1]))
    records[at] = {**records[at], key: huge}
    page = flatten_page(SPECS[resource], resource, records)
    if key.startswith("custom_"):
        assert page.quarantined == []
        assert page.table[key][at].as_py() in (huge, str(huge))
        return
    assert page.row_count == len(records) - 1
    assert len(page.quarantined) == 1 and key in page.quarantined[0]["reason"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(*JSON_INTEGERS)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6,
)


@pytest.mark.parametrize("resource", sorted(SAMPLES))
@PER_RESOURCE
@given(data=st.data())
def test_any_json_record_either_loads_or_is_quarantined(resource, data):
    """Whatever the API sends, a record ends in the table or in quarantine, never in a crash."""
    record, _, _ = data.draw(SAMPLES[resource])
    keys = st.sampled_from(sorted(record)) | st.text(max_size=6)
    junk = data.draw(st.dictionaries(keys, JSON_VALUES, max_size=4))
    mutated = data.draw(st.sampled_from([{**record, **junk}, junk, [junk], "text", None]))
    page = flatten_page(SPECS[resource], resource, [mutated, record])
    assert page.row_count + len(page.quarantined) == 2
    assert page.row_count >= 1


@PROPERTY
@given(sample=contacts(), zone=st.sampled_from([timezone(timedelta(hours=5, minutes=30)),
                                                timezone(timedelta(hours=-8)), UTC]))
def test_a_contact_gets_a_new_version_only_when_its_data_changes(sample, zone):
    """The same moment written at another offset, keys in another order or other display values
    are no change; a new balance is."""
    record, expected, _ = sample
    values = {**record["current_values"],
              "created_at": expected["created_at"].astimezone(zone).isoformat()}
    same = {**dict(reversed(record.items())), "current_values": values,
            "current_display_values": {"firstname": "shown differently"}}
    richer = {**record, "credit_balance": {"id": 1,
                                           "balance": record["credit_balance"]["balance"] + 1}}

    def version(rec):
        page = flatten_page(CONTACTS, "contacts", [rec], HASHED_CONTACT_COLUMNS)
        return page.table["row_hash"][0].as_py()

    assert version(same) == version(record)
    assert version(richer) != version(record)
