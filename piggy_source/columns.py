"""A page of well-formed records to an arrow table column by column, without a row in between.

Record by record, every value costs a few Python calls (walk its path, check it, convert it, put
it in a row dict) before pyarrow sees it. Here each column is one list comprehension over the
page, and pyarrow checks its values all at once: it refuses a list that mixes types and infers
exactly the types a column accepts (`ACCEPTED`), so a value of the wrong type shows as a refused
or unexpected type. Timestamps, dates and JSON go through the same converters as the record path.

Anything unusual (a record that is not an object, a missing key, a non-object on a path, a value
of the wrong type, a null in a required column) makes `columnar_table` answer None, and the page
is flattened record by record, which quarantines the culprit with its reason. So a page loads
the same either way; only well-formed pages take the fast way, and nearly all pages are.
"""

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import pyarrow as pa

from piggy_source.schemas import ARROW_TYPES, PRESENT_KEYS, Column, TableSpec
from piggy_source.values import BadValue, to_date, to_json, to_timestamp

ACCEPTED: dict[str, tuple[pa.DataType, ...]] = {
    "text": (pa.string(),),
    "int": (pa.int64(),),
    "float": (pa.int64(), pa.float64()),
    "bool": (pa.bool_(),),
}
"""Types pyarrow may infer for a column of each checked kind (besides all-null)."""

CONVERTED: dict[str, Callable[[Any], Any]] = {
    "ts": to_timestamp,
    "date": to_date,
    "json": to_json,
}


OBJECT_OR_NULL = frozenset({dict, type(None)})
ROW_HASH_FIELD = pa.field("row_hash", pa.string(), nullable=False)


class Irregular(Exception):
    """The page needs the record-by-record path."""


def columnar_table(
    spec: TableSpec, records: Sequence[Any], hash_columns: Sequence[str] = ()
) -> pa.Table | None:
    """The page's table (with `row_hash` when `hash_columns` are given), or None when some record
    needs the record-by-record path."""
    present = frozenset(PRESENT_KEYS.get(spec.name, ()))
    if not set(map(type, records)) <= {dict}:
        return None
    if present and not all(present <= record.keys() for record in records):
        return None
    parents: dict[str, list[Any]] = {}
    arrays, python = [], {}
    try:
        for column in spec.columns:
            python[column.name], array = _checked(column, _values(column, records, parents))
            arrays.append(array)
    except (Irregular, BadValue):
        return None
    table = pa.Table.from_arrays(arrays, schema=spec.arrow_schema())
    if hash_columns:
        hashes = [
            content_hash(row) for row in zip(*(python[name] for name in hash_columns), strict=True)
        ]
        table = table.append_column(ROW_HASH_FIELD, pa.array(hashes, pa.string()))
    return table


def content_hash(values: Sequence[Any]) -> str:
    """What scd2 compares: a new version opens only when this changes."""
    return hashlib.sha256(orjson.dumps(values, default=str)).hexdigest()[:32]


def _values(column: Column, records: Sequence[dict], parents: dict[str, list[Any]]) -> list[Any]:
    source = column.source
    if callable(source):
        values = [source(record) for record in records]
    elif "." not in source:
        values = [record.get(source) for record in records]
    else:
        parent, _, key = source.rpartition(".")
        values = [None if p is None else p.get(key) for p in _objects(parent, records, parents)]
    if column.required and None in values:
        raise Irregular(column.name)
    return values


def _objects(path: str, records: Sequence[dict], parents: dict[str, list[Any]]) -> list[Any]:
    """The objects at `path` (None where a null is on the way), shared by the columns under it."""
    if path not in parents:
        head, _, key = path.rpartition(".")
        above = records if not head else _objects(head, records, parents)
        found = [None if item is None else item.get(key) for item in above]
        if not set(map(type, found)) <= OBJECT_OR_NULL:
            raise Irregular(path)
        parents[path] = found
    return parents[path]


def _checked(column: Column, values: list[Any]) -> tuple[list[Any], pa.Array]:
    """The column's values as the record path converts them, and their array; `Irregular` if
    one does not fit the column."""
    target = ARROW_TYPES[column.kind]
    if column.kind in CONVERTED:
        convert = CONVERTED[column.kind]
        converted = [None if v is None else convert(v) for v in values]
        return converted, pa.array(converted, target)
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        raise Irregular(column.name) from None
    if array.type == target:
        return values, array
    if pa.types.is_null(array.type):
        return values, array.cast(target)
    if array.type not in ACCEPTED[column.kind]:
        raise Irregular(column.name)
    return [None if v is None else float(v) for v in values], array.cast(target, safe=False)
