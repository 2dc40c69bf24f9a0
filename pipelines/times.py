"""Instants as aware UTC datetimes, whatever shape a warehouse or an API hands them over in.

DuckDB returns naive or zoned timestamps, PostgreSQL zoned ones, CSV files and Piggy ISO strings
with any offset, BigQuery dates: exports, payouts and reports compare them all, so they are made
alike here, once, with pendulum.
"""

import datetime as dt
from typing import Any

import pendulum

UTC = pendulum.UTC


def now_utc() -> pendulum.DateTime:
    """This instant, in UTC."""
    return pendulum.now(UTC)


def as_utc(value: Any) -> pendulum.DateTime:
    """An ISO string, a date (its midnight) or a datetime as UTC; a naive one is UTC already."""
    if isinstance(value, str):
        value = pendulum.parse(value, tz=UTC)
    if isinstance(value, dt.datetime):
        return pendulum.instance(value, tz=UTC).in_timezone(UTC)
    if isinstance(value, dt.date):
        return pendulum.datetime(value.year, value.month, value.day, tz=UTC)
    raise TypeError(f"not an instant: {value!r}")


def as_utc_or_none(value: Any) -> pendulum.DateTime | None:
    """`as_utc` for a column that may be NULL."""
    return None if value is None else as_utc(value)
