"""Flattening offline: nested objects to flat keys, both timestamp forms, quarantine, extras."""

import json
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piggy_source.entity_schemas import ENTITY_TABLES
from piggy_source.flatten import flatten_page, flatten_record
from piggy_source.schemas import (
    CONTACTS,
    GIFTCARD_TRANSACTIONS,
    HASHED_CONTACT_COLUMNS,
    LOYALTY_TRANSACTIONS,
)
from piggy_source.values import BadValue, to_timestamp


def credit_reception(**changes):
    record = {
        "uuid": "lt-1", "type": "credit_reception", "credits": 12, "unit_value": 12.5,
        "unit": {"name": "purchase_amount", "label": "Purchase amount", "prefix": "€",
                 "is_default": True},
        "channel": "API", "contact": {"uuid": "c-1", "email": "a@b.c",
                                      "credit_balance": {"balance": 40}},
        "shop": {"id": 3, "uuid": "s-1", "type": "physical", "name": "Main"},
        "contact_identifier": None, "created_at": "2023-11-12T19:27:49+00:00",
        "custom_campaign": "spring",
    }
    record.update(changes)
    return record


def contact(**changes):
    record = {
        "id": 7, "uuid": "c-1", "email": "a@b.c",
        "tier": {"uuid": "t-1", "name": "Gold", "description": "", "position": 2, "media": None},
        "subscriptions": [], "credit_balance": {"id": 7, "balance": 40},
        "prepaid_balance": {"balance_in_cents": 250},
        "current_values": {"created_at": "2023-01-02T03:04:05+00:00", "firstname": "Ann",
                           "birthdate": "1990-05-06", "loyalty_total_credits_received": 90,
                           "favourite_colour": "green"},
        "current_display_values": {"firstname": "Ann"},
    }
    record.update(changes)
    return record


@pytest.mark.parametrize("text", ["2023-11-06T14:39:24.000000Z", "2023-11-06T14:39:24+00:00",
                                  "2023-11-06T16:39:24+02:00", "2023-11-06T09:39:24-05:00"])
def test_both_timestamp_forms_and_any_offset_read_as_the_same_utc_moment(text):
    assert to_timestamp(text) == datetime(2023, 11, 6, 14, 39, 24, tzinfo=UTC)


@pytest.mark.parametrize("value", [1700000000, "yesterday", True, None])
def test_unreadable_timestamps_are_refused(value):
    with pytest.raises(BadValue):
        to_timestamp(value)


def test_credit_reception_flattens_to_flat_keys():
    row = flatten_record(LOYALTY_TRANSACTIONS, credit_reception())
    assert row["contact_uuid"] == "c-1" and row["shop_uuid"] == "s-1"
    assert row["unit_name"] == "purchase_amount" and row["unit_value"] == 12.5
    assert row["created_at"] == datetime(2023, 11, 12, 19, 27, 49, tzinfo=UTC)
    assert row["reward_uuid"] is None


def test_reward_reception_keeps_negative_credits_and_reward_key():
    record = credit_reception(type="digital_reward_reception", credits=-50, unit_value=None,
                              unit=None, reward={"uuid": "r-1", "title": "Mug"},
                              digital_reward_code={"code": "XYZ"})
    row = flatten_record(LOYALTY_TRANSACTIONS, record)
    assert (row["credits"], row["reward_uuid"], row["digital_reward_code"]) == (-50, "r-1", "XYZ")


def test_contact_splits_current_values_and_keeps_custom_attributes():
    row = flatten_record(CONTACTS, contact())
    assert (row["tier_name"], row["credit_balance"], row["prepaid_balance_cents"]) == (
        "Gold", 40, 250)
    assert row["birthdate"].isoformat() == "1990-05-06"
    assert json.loads(row["custom_attributes_json"]) == {"favourite_colour": "green"}


def test_contact_without_tier_has_null_tier_columns():
    row = flatten_record(CONTACTS, contact(tier=None))
    assert row["tier_uuid"] is None and row["tier_position"] is None


def test_giftcard_transaction_without_uuid_is_keyed_by_id():
    record = {"id": 81, "uuid": None, "amount_in_cents": -500, "type": "redeem",
              "settled": True, "card": {"id": 5, "uuid": "g-5"}, "shop": None,
              "created_at": "2023-11-06T14:39:24.000000Z"}
    assert flatten_record(GIFTCARD_TRANSACTIONS, record)["transaction_key"] == "id:81"


@pytest.mark.parametrize(
    ("change", "reason_start"),
    [
        ({"credits": "ten"}, "credits:"),
        ({"created_at": None}, "created_at:"),
        ({"shop": "Main"}, "shop: expected an object"),
        ({"uuid": 5}, "uuid:"),
    ],
)
def test_a_malformed_record_is_quarantined_and_the_rest_of_the_page_loads(change, reason_start):
    records = [credit_reception(uuid="good-1"), credit_reception(uuid="bad"),
               credit_reception(uuid="good-2")]
    records[1].update(change)
    page = flatten_page(LOYALTY_TRANSACTIONS, "loyalty_transactions", records)
    assert page.table["uuid"].to_pylist() == ["good-1", "good-2"]
    (quarantined,) = page.quarantined
    assert quarantined["reason"].startswith(reason_start)
    assert json.loads(quarantined["raw_payload"])["channel"] == "API"


def test_a_missing_key_is_quarantined_even_when_its_column_is_nullable():
    record = contact()
    del record["email"]
    page = flatten_page(CONTACTS, "contacts", [record, contact(uuid="c-2")])
    assert page.row_count == 1
    assert page.quarantined[0]["reason"] == "email: key is missing"
    assert page.quarantined[0]["record_key"] == "c-1"


def test_a_record_that_is_not_an_object_is_quarantined():
    page = flatten_page(LOYALTY_TRANSACTIONS, "loyalty_transactions", ["oops"])
    assert page.table is None and page.quarantined[0]["record_key"] is None


def test_unknown_fields_become_extra_columns():
    records = [credit_reception(x_new={"a": 1}), credit_reception(uuid="lt-2")]
    table = flatten_page(LOYALTY_TRANSACTIONS, "loyalty_transactions", records).table
    assert table["custom_campaign"].to_pylist() == ["spring", "spring"]
    assert table["x_new"].to_pylist() == ['{"a":1}', None]
    assert "unit" not in table.column_names and "contact" not in table.column_names


def test_page_schema_is_exactly_the_declared_one_for_declared_columns():
    table = flatten_page(LOYALTY_TRANSACTIONS, "loyalty_transactions", [credit_reception()]).table
    declared = LOYALTY_TRANSACTIONS.arrow_schema()
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.select(declared.names).schema == declared


def test_row_hash_changes_with_balance_and_only_then():
    def hashed(record):
        page = flatten_page(CONTACTS, "contacts", [record], HASHED_CONTACT_COLUMNS)
        return page.table["row_hash"][0].as_py()

    assert hashed(contact()) == hashed(contact())
    assert hashed(contact()) != hashed(contact(credit_balance={"id": 7, "balance": 41}))
    assert hashed(contact()) != hashed(contact(tier=None))


def test_every_entity_table_reads_a_minimal_record():
    for name, spec in ENTITY_TABLES.items():
        record = {k: None for k in ("code", "status", "title", "required_credits", "name",
                                    "hash", "amount_in_cents", "created_at")}
        key = spec.columns[0]
        record[key.source] = 1 if key.kind == "int" else "k-1"
        page = flatten_page(spec, name, [record])
        assert page.row_count == 1, (name, page.quarantined)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3),
                                                                       children, max_size=2),
    max_leaves=4,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["uuid", "credits", "created_at", "contact", "shop",
                                        "unit_value", "type", "x_extra"]), json_values))
def test_any_record_either_loads_or_is_quarantined(record):
    page = flatten_page(LOYALTY_TRANSACTIONS, "loyalty_transactions", [record])
    assert page.row_count + len(page.quarantined) == 1
