"""The column-by-column way lands exactly what the record-by-record way lands, or declines.

Pages of contract records, some spoiled (a value of another type, a missing key, junk, a huge
integer, a non-object on a path), are flattened both ways: whenever `columnar_table` answers, the
record-by-record path quarantines nothing on that page and builds the same table, hashes
included; whenever a record would be quarantined, the columnar way declines.
"""

from __future__ import annotations

from contract_entities import STRATEGY
from contract_records import JSON_INTEGERS, PROPERTY, contacts, loyalty_transactions
from hypothesis import given, settings
from hypothesis import strategies as st
from test_record_flattening import JSON_VALUES, SPECS

from piggy_source.columns import columnar_table
from piggy_source.flatten import flatten_records
from piggy_source.schemas import HASHED_CONTACT_COLUMNS

SAMPLES = {"contacts": contacts(), "loyalty_transactions": loyalty_transactions(), **STRATEGY}
RESOURCES = sorted(SAMPLES)
MANY = settings(PROPERTY, max_examples=150)


def spoil(record: dict, data: st.DataObject):
    """One record changed the way an API that drifted from its contract would change it."""
    key = data.draw(st.sampled_from(sorted(record)))
    value = record[key]
    nested = None
    if isinstance(value, dict) and value:
        nested = data.draw(st.sampled_from(sorted(value)))
    replacement = data.draw(JSON_VALUES | st.integers(2**63, JSON_INTEGERS[1]))
    how = data.draw(st.sampled_from(["replace", "drop", "nested", "not_a_record"]))
    if how == "drop":
        return {k: v for k, v in record.items() if k != key}
    if how == "nested" and nested is not None:
        return {**record, key: {**value, nested: replacement}}
    if how == "not_a_record":
        return data.draw(st.sampled_from([None, "text", [record], 7]))
    return {**record, key: replacement}


def both_ways(resource: str, records: list):
    hashed = HASHED_CONTACT_COLUMNS if resource == "contacts" else ()
    spec = SPECS[resource]
    return columnar_table(spec, records, hashed), flatten_records(spec, resource, records, hashed)


@given(data=st.data(), resource=st.sampled_from(RESOURCES))
@MANY
def test_a_well_formed_page_lands_the_same_table_either_way(data, resource):
    records = [r for r, _, _ in data.draw(st.lists(SAMPLES[resource], min_size=1, max_size=8))]
    columnar, exact = both_ways(resource, records)
    assert columnar is not None, "a page of contract records should take the columnar way"
    assert exact.quarantined == []
    assert columnar.equals(exact.table.select(columnar.column_names), check_metadata=True)
    assert columnar.schema == exact.table.select(columnar.column_names).schema


@given(data=st.data(), resource=st.sampled_from(RESOURCES))
@MANY
def test_a_spoiled_page_is_declined_or_lands_as_the_record_path_lands_it(data, resource):
    records = [r for r, _, _ in data.draw(st.lists(SAMPLES[resource], min_size=1, max_size=6))]
    at = data.draw(st.integers(0, len(records) - 1))
    records[at] = spoil(records[at], data)
    columnar, exact = both_ways(resource, records)
    if columnar is None:
        return
    assert exact.quarantined == [], f"the columnar way took a page with {exact.quarantined}"
    assert columnar.equals(exact.table.select(columnar.column_names))
