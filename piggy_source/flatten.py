"""API records to raw rows: nested objects to flat foreign keys, values checked, pages to arrow.

A record that cannot be read (a missing key, a value of the wrong type) is set aside for
quarantine with the reason; the rest of its page still loads. Top-level keys the table does not
know become extra columns, typed from their values, so the schema evolves instead of losing data.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa

from piggy_source.columns import ROW_HASH_FIELD, columnar_table, content_hash
from piggy_source.quarantine import quarantine_row
from piggy_source.schemas import PRESENT_KEYS, Column, TableSpec
from piggy_source.values import BadValue, convert


@dataclass
class FlatPage:
    """One page after flattening: the arrow table of good rows and the quarantined records."""

    table: pa.Table | None
    quarantined: list[dict[str, Any]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return 0 if self.table is None else self.table.num_rows


def read_path(record: dict, path: str) -> Any:
    """Follow a dotted path; a null on the way means null, a non-object on the way is an error."""
    value: Any = record
    walked: list[str] = []
    for part in path.split("."):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise BadValue(f"{'.'.join(walked)}: expected an object, got {type(value).__name__}")
        value = value.get(part)
        walked.append(part)
    return value


def _column_value(column: Column, record: dict) -> Any:
    raw = column.source(record) if callable(column.source) else read_path(record, column.source)
    if raw is None and column.required:
        raise BadValue(f"{column.name}: required key is missing or null")
    try:
        return convert(column.kind, raw)
    except BadValue as exc:
        raise BadValue(f"{column.name}: {exc}") from None


def flatten_record(spec: TableSpec, record: Any) -> dict[str, Any]:
    """The raw row of one record; raises `BadValue` naming the column at fault."""
    if not isinstance(record, dict):
        raise BadValue(f"record: expected an object, got {type(record).__name__}")
    for key in PRESENT_KEYS.get(spec.name, ()):
        if key not in record:
            raise BadValue(f"{key}: key is missing")
    return {column.name: _column_value(column, record) for column in spec.columns}


def row_hash(row: dict[str, Any], columns: Sequence[str]) -> str:
    """A content hash of the tracked columns: scd2 opens a new version only when it changes."""
    return content_hash([row.get(name) for name in columns])


def flatten_page(
    spec: TableSpec,
    resource: str,
    records: Sequence[Any],
    hash_columns: Sequence[str] = (),
) -> FlatPage:
    """Flatten every record of a page; quarantine the unreadable ones with their reason.

    A well-formed page is turned into columns directly (`piggy_source.columns`); a page with
    anything unusual goes record by record, which lands the same rows and finds the culprits.
    """
    table = columnar_table(spec, records, hash_columns) if records else None
    if table is not None:
        return FlatPage(_with_extras(table, spec, list(records)))
    return flatten_records(spec, resource, records, hash_columns)


def flatten_records(
    spec: TableSpec,
    resource: str,
    records: Sequence[Any],
    hash_columns: Sequence[str] = (),
) -> FlatPage:
    """The record-by-record way: each record checked alone, the unreadable ones quarantined."""
    rows: list[dict[str, Any]] = []
    sources: list[dict] = []
    quarantined: list[dict[str, Any]] = []
    for record in records:
        try:
            rows.append(flatten_record(spec, record))
            sources.append(record)
        except BadValue as exc:
            quarantined.append(quarantine_row(resource, record, str(exc)))
    if not rows:
        return FlatPage(None, quarantined)
    table = pa.Table.from_pylist(rows, schema=spec.arrow_schema())
    if hash_columns:
        hashes = [row_hash(row, hash_columns) for row in rows]
        table = table.append_column(ROW_HASH_FIELD, pa.array(hashes, pa.string()))
    return FlatPage(_with_extras(table, spec, sources), quarantined)


def _with_extras(table: pa.Table, spec: TableSpec, records: list[dict]) -> pa.Table:
    known = spec.consumed() | set(table.column_names)
    extra_names = sorted({key for record in records for key in record if key not in known})
    for name in extra_names:
        array = _typed_array([_extra_value(record.get(name)) for record in records])
        if not pa.types.is_null(array.type):
            table = table.append_column(name, array)
    return table


def _extra_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return value


def _typed_array(values: list[Any]) -> pa.Array:
    """Let pyarrow type an unknown column; mixed types fall back to text rather than fail.

    An all-null column is left out of the page: it carries no type, and dlt fills it with nulls.
    """
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    return array
