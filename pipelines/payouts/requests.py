"""Load cashback requests from a CSV drop into the warehouse table `cashback_requests` (dlt merge).

Columns: `request_id, contact_uuid, amount_cents, currency, order_reference, requested_at` and the
optional `is_returned, is_fraud_flagged`. The whole file is checked before anything is loaded, and
the first bad line stops it with its line number, so a file is loaded completely or not at all;
reloading a file (or a corrected one) updates the requests by `request_id`.
"""

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import dlt

from pipelines.exports.warehouse import load
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

COLUMNS = {
    "request_id": {"data_type": "text", "nullable": False},
    "contact_uuid": {"data_type": "text", "nullable": False},
    "amount_cents": {"data_type": "bigint", "nullable": False},
    "currency": {"data_type": "text", "nullable": False},
    "order_reference": {"data_type": "text"},
    "requested_at": {"data_type": "timestamp", "nullable": False},
    "is_returned": {"data_type": "bool"},
    "is_fraud_flagged": {"data_type": "bool"},
}


def read_requests(path: Path) -> list[dict[str, Any]]:
    """Every request in the file, typed; a `PayoutError` names the first bad line and field."""
    if not path.is_file():
        raise PayoutError(f"no such file: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise PayoutError(f"{path.name}: missing column(s) {', '.join(missing)}")
        requests, seen = [], set()
        for line, raw in enumerate(reader, start=2):
            request = _typed(raw, f"{path.name} line {line}")
            if request["request_id"] in seen:
                raise PayoutError(f"{path.name} line {line}: request_id repeated")
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


def _typed(raw: dict[str, str | None], where: str) -> dict[str, Any]:
    values = {key: (value or "").strip() for key, value in raw.items() if key}
    for name in ("request_id", "contact_uuid", "currency", "requested_at"):
        if not values.get(name):
            raise PayoutError(f"{where}: {name} is empty")
    currency = values["currency"].upper()
    if len(currency) != 3 or not currency.isalpha():
        raise PayoutError(f"{where}: currency {values['currency']!r} is not an ISO 4217 code")
    return {
        "request_id": values["request_id"],
        "contact_uuid": values["contact_uuid"],
        "amount_cents": _cents(values["amount_cents"], where),
        "currency": currency,
        "order_reference": values.get("order_reference") or None,
        "requested_at": _timestamp(values["requested_at"], where),
        **{flag: _flag(values.get(flag, ""), flag, where) for flag in FLAGS},
    }


def _cents(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PayoutError(
            f"{where}: amount_cents {text!r} is not a whole number of cents (e.g. 1250 for 12.50)"
        ) from None


def _timestamp(text: str, where: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PayoutError(
            f"{where}: requested_at {text!r} is not ISO 8601 (e.g. 2026-01-31T14:05:00+00:00)"
        ) from None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _flag(text: str, name: str, where: str) -> bool:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise PayoutError(f"{where}: {name} {text!r} is not true/false")
