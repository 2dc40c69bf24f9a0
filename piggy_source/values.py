"""Checking and converting one API value to its raw column's kind.

A value of the wrong type is an error (`BadValue`), never a silent cast: the record goes to
quarantine with the reason, so a changed API shows up instead of loading nulls.
"""

from datetime import UTC, date, datetime
from typing import Any

import orjson


class BadValue(ValueError):
    """The value does not fit its column; the message says what was expected."""


def to_timestamp(value: Any) -> datetime:
    """Both forms the API uses (`+00:00` offsets and `.000000Z`), and any offset, to UTC."""
    if not isinstance(value, str):
        raise BadValue(f"expected an ISO 8601 timestamp, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"unreadable timestamp {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_date(value: Any) -> date:
    if not isinstance(value, str):
        raise BadValue(f"expected an ISO 8601 date, got {type(value).__name__}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadValue(f"unreadable date {value[:40]!r}") from None


BIGINT_RANGE = (-(2**63), 2**63 - 1)
"""What a bigint column holds; JSON decoders hand over larger integers (up to 2**64 - 1)."""


def to_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"expected an integer, got {type(value).__name__} {str(value)[:40]!r}")
    if not BIGINT_RANGE[0] <= value <= BIGINT_RANGE[1]:
        raise BadValue(f"integer {value} does not fit a 64-bit column")
    return value


def to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"expected a number, got {type(value).__name__} {str(value)[:40]!r}")
    return float(value)


def to_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"expected a boolean, got {type(value).__name__} {str(value)[:40]!r}")
    return value


def to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise BadValue(f"expected text, got {type(value).__name__}")


def to_json(value: Any) -> str:
    """Objects and lists kept whole, as JSON text with sorted keys (stable for hashing)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


CONVERTERS = {
    "text": to_text,
    "int": to_int,
    "float": to_float,
    "bool": to_bool,
    "ts": to_timestamp,
    "date": to_date,
    "json": to_json,
}


def convert(kind: str, value: Any) -> Any:
    """None stays None (every column is nullable unless required); anything else is checked."""
    if value is None:
        return None
    return CONVERTERS[kind](value)
