"""Load cashback requests from a CSV drop into the warehouse table `cashback_requests` (dlt merge).

Columns: `request_id, contact_uuid, amount_cents, currency, order_reference, requested_at` and the
optional `is_returned, is_fraud_flagged`. The whole file is checked before anything is loaded, and
the first bad line stops it with its line, column and field, so a file is loaded completely or not
at all; reloading a file (or a corrected one) updates the requests by `request_id`.

Amounts are money: plain ASCII digits only (Python's `int` would also take `1_500`, `+1500` and
other scripts' digits), between 1 cent and `payouts.max_amount_cents`. A `requested_at` ahead of
this machine's clock by more than `payouts.max_clock_skew_seconds` is refused: caps and the
wallet check read it, and a date in the future would shift both.
"""

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from dlt.common.schema.typing import TTableSchemaColumns

from pipelines.exports.warehouse import load
from pipelines.payouts.csv_lines import text_lines
from pipelines.payouts.errors import PayoutError

REQUESTS_TABLE = "cashback_requests"
REQUIRED = (
    "request_id",
    "contact_uuid",
    "amount_cents",
    "currency",
    "order_reference",
    "requested_at",
)
FLAGS = ("is_returned", "is_fraud_flagged")
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}
ASCII_DIGITS = re.compile(r"[0-9]+")

COLUMNS: TTableSchemaColumns = {
    "request_id": {"data_type": "text", "nullable": False},
    "contact_uuid": {"data_type": "text", "nullable": False},
    "amount_cents": {"data_type": "bigint", "nullable": False},
    "currency": {"data_type": "text", "nullable": False},
    "order_reference": {"data_type": "text"},
    "requested_at": {"data_type": "timestamp", "nullable": False},
    "is_returned": {"data_type": "bool"},
    "is_fraud_flagged": {"data_type": "bool"},
}


@dataclass(frozen=True)
class RequestLimits:
    """Bounds a request file must respect (`[payouts]` settings of the same names)."""

    max_amount_cents: int = 1_000_000
    max_line_bytes: int = 65_536
    max_clock_skew_seconds: int = 300


class _Row:
    """One CSV record and where it sits, so every complaint names its line, column and field."""

    def __init__(self, values: list[str], header: list[str], where: str) -> None:
        self.values = {name: value.strip() for name, value in zip(header, values, strict=False)}
        self.columns = {name: index + 1 for index, name in enumerate(header)}
        self.where = where

    def fail(self, name: str, problem: str) -> PayoutError:
        return PayoutError(f"{self.where} column {self.columns[name]} ({name}): {problem}")


def read_requests(path: Path, limits: RequestLimits | None = None) -> list[dict[str, Any]]:
    """Every request in the file, typed; a `PayoutError` names the first bad line and field."""
    limits = limits or RequestLimits()
    if not path.is_file():
        raise PayoutError(f"no such file: {path}")
    now = dt.datetime.now(dt.UTC)
    with path.open("rb") as handle:
        reader = csv.reader(text_lines(handle, path.name, limits.max_line_bytes))
        header = [name.strip() for name in _next(reader, path.name) or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise PayoutError(f"{path.name}: missing column(s) {', '.join(missing)}")
        requests, seen = [], set()
        while (line := reader.line_num + 1) and (values := _next(reader, path.name)) is not None:
            where = f"{path.name} line {line}"
            if len(values) != len(header):
                raise PayoutError(
                    f"{where}: {len(values)} fields where the header has {len(header)}"
                )
            request = _typed(_Row(values, header, where), limits, now)
            if request["request_id"] in seen:
                raise PayoutError(f"{where}: request_id repeated")
            seen.add(request["request_id"])
            requests.append(request)
    return requests


def load_requests(pipeline: dlt.Pipeline, requests: list[dict[str, Any]]) -> None:
    """Merge the requests into the warehouse by `request_id`."""
    resource = dlt.resource(
        requests,
        name=REQUESTS_TABLE,
        primary_key="request_id",
        write_disposition="merge",
        columns=COLUMNS,
    )
    load(pipeline, [resource])


def _next(reader: Any, name: str) -> list[str] | None:
    """The next record, None at the end; the csv module's own complaints get their line."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise PayoutError(f"{name} line {reader.line_num}: {exc}") from None


def _typed(row: _Row, limits: RequestLimits, now: dt.datetime) -> dict[str, Any]:
    values = row.values
    for name in ("request_id", "contact_uuid", "currency", "requested_at"):
        if not values.get(name):
            raise row.fail(name, "empty")
    currency = values["currency"].upper()
    if len(currency) != 3 or not (currency.isascii() and currency.isalpha()):
        raise row.fail("currency", f"{values['currency']!r} is not an ISO 4217 code")
    return {
        "request_id": values["request_id"],
        "contact_uuid": values["contact_uuid"],
        "amount_cents": _cents(row, limits),
        "currency": currency,
        "order_reference": values.get("order_reference") or None,
        "requested_at": _timestamp(row, now, limits.max_clock_skew_seconds),
        **{flag: _flag(row, flag) for flag in FLAGS if flag in values},
        **{flag: False for flag in FLAGS if flag not in values},
    }


def _cents(row: _Row, limits: RequestLimits) -> int:
    text = row.values["amount_cents"]
    if not ASCII_DIGITS.fullmatch(text):
        raise row.fail(
            "amount_cents",
            f"{text!r} is not a whole number of cents written in ASCII digits "
            "(e.g. 1250 for 12.50)",
        )
    if len(text) > len(str(limits.max_amount_cents)) + 1:
        raise row.fail(
            "amount_cents",
            f"{text[:24]}... is above the maximum of {limits.max_amount_cents} cents "
            "(payouts.max_amount_cents)",
        )
    cents = int(text)
    if cents < 1:
        raise row.fail("amount_cents", f"{cents} is below the minimum of 1 cent")
    if cents > limits.max_amount_cents:
        raise row.fail(
            "amount_cents",
            f"{cents} is above the maximum of {limits.max_amount_cents} cents "
            "(payouts.max_amount_cents)",
        )
    return cents


def _timestamp(row: _Row, now: dt.datetime, skew_seconds: int) -> dt.datetime:
    text = row.values["requested_at"]
    try:
        if not text.isascii():
            raise ValueError(text)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise row.fail(
            "requested_at", f"{text!r} is not ISO 8601 (e.g. 2026-01-31T14:05:00+00:00)"
        ) from None
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if value > now + dt.timedelta(seconds=skew_seconds):
        raise row.fail(
            "requested_at",
            f"{text!r} is in the future (more than {skew_seconds} s ahead of this machine's "
            "clock, payouts.max_clock_skew_seconds): fix the date in the source system",
        )
    return value


def _flag(row: _Row, name: str) -> bool:
    lowered = row.values[name].lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise row.fail(name, f"{row.values[name]!r} is not true/false")
