"""Decide again at the moment of paying: a review is a snapshot, the money moves later.

Just before each credit the request is read again from the requests table (through the
`stg_actions__cashback_requests` view, so a user's own table is read the same way) and compared
with what the review approved; the rules the review applied (the mart records its thresholds on
every row) are applied again to what is true now. Caps count payments by when they were paid (the
ledger's `settled_at`), never by the `requested_at` a file claims, and the wallet balance is
Piggy's own. Whatever fails goes back to review with the reason, unpaid.
"""

import datetime as dt
from typing import Any

import dlt

from pipelines.exports.warehouse import ANALYTICS_DATASET, read_rows_if_present
from pipelines.payouts.ledger import PAID
from pipelines.times import as_utc, now_utc

REQUESTS_VIEW = "stg_actions__cashback_requests"
COMPARED = ("contact_uuid", "amount_cents", "currency", "order_reference", "requested_at")
RULES = ("contact_cap_cents", "contact_window_days", "daily_cap_cents", "max_prepaid_balance_cents")


def current_request(pipeline: dlt.Pipeline, request_id: str) -> dict[str, Any] | None:
    """The request as the requests table holds it now, or None when it is gone."""
    rows = read_rows_if_present(
        pipeline, ANALYTICS_DATASET, REQUESTS_VIEW, "WHERE request_id = %s", (request_id,)
    )
    return rows[0] if rows else None


def changed_since_review(reviewed: dict[str, Any], current: dict[str, Any] | None) -> str | None:
    """What changed in the request since the review approved it, or None."""
    if current is None:
        return "no longer in the requests table"
    for flag, reason in (("is_fraud_flagged", "fraud_flagged"), ("is_returned", "order_returned")):
        if current.get(flag):
            return f"{reason} since review"
    for name in COMPARED:
        before, now = _comparable(reviewed.get(name)), _comparable(current.get(name))
        if before != now:
            return f"{name} changed since review ({before} -> {now})"
    return None


def broken_rule(
    reviewed: dict[str, Any],
    ledger: dict[str, dict[str, Any]],
    balance_cents: int | None,
) -> str | None:
    """Which rule paying this request now would break, counting what the ledger says was paid."""
    if any(reviewed.get(name) is None for name in RULES):
        return "reviewed before the rules were recorded: run `piggy-elt payouts review`"
    amount, now = int(reviewed["amount_cents"]), now_utc()
    window_start = now - dt.timedelta(days=int(reviewed["contact_window_days"]))
    paid = [row for row in ledger.values() if row.get("status") == PAID and row.get("settled_at")]
    contact_paid = sum(
        int(row["amount_cents"])
        for row in paid
        if row["contact_uuid"] == reviewed["contact_uuid"]
        and as_utc(row["settled_at"]) > window_start
    )
    if contact_paid + amount > int(reviewed["contact_cap_cents"]):
        return (
            f"over_contact_cap: {contact_paid} paid in the last {reviewed['contact_window_days']}"
            f" days + {amount} > {reviewed['contact_cap_cents']}"
        )
    day_paid = sum(
        int(row["amount_cents"]) for row in paid if as_utc(row["settled_at"]).date() == now.date()
    )
    if day_paid + amount > int(reviewed["daily_cap_cents"]):
        return f"over_daily_cap: {day_paid} paid today + {amount} > {reviewed['daily_cap_cents']}"
    limit = int(reviewed["max_prepaid_balance_cents"])
    if balance_cents is not None and not 0 <= balance_cents <= limit:
        return f"balance_out_of_range: wallet holds {balance_cents}, allowed 0 to {limit}"
    return None


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    return value
