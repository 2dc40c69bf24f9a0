"""A person settles a cashback request the review sent to them: approve or reject, audited.

`mart_payout_review` is rebuilt by dbt on every `payouts review`, so a person's decision lives
apart, in `payout_decisions` (one row per request, the latest decision wins; the audit keeps every
one): who (the OS user), when, why, and the request and figures as the review showed them. The
decisions then read by `payouts review` and `payouts approve` are the mart's with these applied:

- a rejection by hand holds whatever the rules say later, so a request a person turned down is
  never paid because a cap freed up the next day;
- an approval by hand holds only while the rules still send the request to a person (a rule that
  rejects, a fraud flag or a returned order, always wins); it accepts the caps and balance as the
  person saw them (the thresholds are raised to those figures, never lowered), so `approve
  --apply` still checks again just before paying, through the same ledger, recheck and wallet;
- either holds only for the request as it was decided: a request whose amount, contact, currency,
  order or time changed since is back in the queue, to decide again.
"""

from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.common.schema import TColumnSchema

from pipelines.dlt_sql import MissingTable
from pipelines.errors import RefusedError, UsageError
from pipelines.exports.audit import AUDIT_TABLE, RunContext, audit_resource, audit_row
from pipelines.exports.warehouse import (
    ACTIONS_DATASET,
    ANALYTICS_DATASET,
    load,
    query_rows,
    read_rows_if_present,
    sql_client,
)
from pipelines.payouts.ledger import INTENT, PAID, REFUSED, read_ledger
from pipelines.payouts.recheck import COMPARED, changed_since_review
from pipelines.payouts.requests import REQUESTS_TABLE
from pipelines.payouts.review import REVIEW_MART
from pipelines.sql_writes import TableWriter
from pipelines.times import as_utc, now_utc

DECISIONS_TABLE = "payout_decisions"
CHOICES = ("approve", "reject")
ACCEPTED_FIGURES = {
    "contact_cap_cents": "contact_window_cents",
    "daily_cap_cents": "day_running_cents",
    "max_prepaid_balance_cents": "prepaid_balance_cents",
}
"""Each threshold an approval by hand raises, and the figure of the review row it raises it to."""


@dataclass
class Settled:
    """The review's decisions with the hand decisions applied, and those that no longer hold."""

    rows: list[dict[str, Any]]
    outdated: list[str] = field(default_factory=list)


def reviewed_requests(pipeline: dlt.Pipeline) -> list[dict[str, Any]]:
    """Every request the review decided, oldest first (none before the first review)."""
    rows = read_rows_if_present(pipeline, ANALYTICS_DATASET, REVIEW_MART)
    return sorted(rows, key=lambda row: (as_utc(row["requested_at"]), row["request_id"]))


def require_reviewed(pipeline: dlt.Pipeline, settled: Settled) -> None:
    """Refuse to pay from a review older than the requests: approve before review would show
    an empty or partial table and leave the new requests unpaid without a word."""
    try:
        loaded = {row["request_id"] for row in _loaded_ids(pipeline)}
    except MissingTable:
        loaded = set()
    undecided = loaded - {row["request_id"] for row in settled.rows}
    if undecided:
        raise RefusedError(
            f"{len(undecided)} cashback request(s) loaded but not yet reviewed: run "
            "`piggy-elt payouts review` first"
        )
    if not settled.rows:
        raise RefusedError(
            "no cashback requests to approve: run `piggy-elt payouts load-requests FILE`, "
            "then `piggy-elt payouts review`"
        )


def _loaded_ids(pipeline: dlt.Pipeline) -> list[dict[str, Any]]:
    return query_rows(pipeline, ACTIONS_DATASET, "SELECT request_id FROM {0}", REQUESTS_TABLE)[1]


def settled_decisions(pipeline: dlt.Pipeline) -> Settled:
    """The decisions `review` queues and `approve` pays: see the module docstring."""
    by_hand = {
        row["request_id"]: row
        for row in read_rows_if_present(pipeline, ACTIONS_DATASET, DECISIONS_TABLE)
    }
    settled = Settled([])
    for row in reviewed_requests(pipeline):
        decided = by_hand.get(row["request_id"])
        if decided is None or row["decision"] == "reject":
            settled.rows.append(row)
        elif changed_since_review(decided, row) is not None:
            settled.outdated.append(row["request_id"])
            settled.rows.append(row)
        elif decided["decision"] == "reject":
            settled.rows.append({**row, "decision": "reject", "decided_by": decided["decided_by"]})
        elif row["decision"] == "review":
            settled.rows.append(_approved_by_hand(row, decided))
        else:
            settled.rows.append(row)
    return settled


def decide(
    pipeline: dlt.Pipeline, request_id: str, decision: str, reason: str, context: RunContext
) -> dict[str, Any]:
    """Record one hand decision and its audit row in one load; returns the decision row."""
    if decision not in CHOICES:
        raise UsageError(f"decision {decision!r}: choose approve or reject")
    if not reason.strip():
        raise UsageError("--reason is empty: say why, it goes to the audit trail")
    row = _awaiting_review(pipeline, request_id)
    decided = {
        "request_id": request_id,
        "decision": decision,
        "reason": reason.strip(),
        "decided_by": context.actor,
        "decided_at": now_utc(),
        "run_id": context.run_id,
        **{name: row.get(name) for name in (*COMPARED, *ACCEPTED_FIGURES.values())},
    }
    audit = audit_row(
        context,
        "payout.decide",
        request_id,
        sent=decided,
        outcome=f"{'approved' if decision == 'approve' else 'rejected'} by hand: {reason.strip()}",
    )
    _record(pipeline, decided, audit, context.run_id)
    return decided


def _record(
    pipeline: dlt.Pipeline, decided: dict[str, Any], audit: dict[str, Any], run_id: str
) -> None:
    """The decision and its audit row together, as the ledger writes (`ledger_writes`): one
    transaction on one connection, or the one dlt load that first creates a table."""
    with sql_client(pipeline, ACTIONS_DATASET) as client:
        writer = TableWriter(client, run_id)
        if writer.exists(DECISIONS_TABLE) and writer.exists(AUDIT_TABLE):
            with writer.transaction():
                writer.replace(DECISIONS_TABLE, "request_id", [decided])
                writer.insert(AUDIT_TABLE, [audit])
            return
    resource = dlt.resource(
        [decided],
        name=DECISIONS_TABLE,
        primary_key="request_id",
        write_disposition="merge",
        columns=_DECISION_COLUMNS,
    )
    load(pipeline, [resource, audit_resource([audit])])


def _awaiting_review(pipeline: dlt.Pipeline, request_id: str) -> dict[str, Any]:
    """The request's review row, if a person may decide it now; else one line saying why not."""
    rows = {row["request_id"]: row for row in settled_decisions(pipeline).rows}
    if request_id not in rows:
        raise UsageError(
            f"no cashback request {request_id!r} in mart_payout_review: see the review queue "
            "(`piggy-elt payouts review` writes it) for the ids awaiting a decision"
        )
    ledger = read_ledger(pipeline).get(request_id) or {}
    status = ledger.get("status")
    if status in (PAID, INTENT, REFUSED):
        what = {
            PAID: f"already paid (transaction {ledger.get('transaction_uuid')})",
            INTENT: "being paid: run `piggy-elt payouts approve --apply` to settle it first",
            REFUSED: "already settled: Piggy refused the credit",
        }[status]
        raise RefusedError(f"request {request_id!r} is {what}; nothing to decide")
    row = rows[request_id]
    if row["decision"] != "review" and not row.get("decided_by"):
        raise RefusedError(
            f"request {request_id!r} is not awaiting review: the rules decided "
            f"{row['decision']!r} ({row.get('reasons') or 'no rule broken'}); only requests the "
            "review sends to a person are decided by hand"
        )
    return row


def _approved_by_hand(row: dict[str, Any], decided: dict[str, Any]) -> dict[str, Any]:
    raised = {
        threshold: max(int(row[threshold]), int(decided.get(figure) or 0))
        for threshold, figure in ACCEPTED_FIGURES.items()
        if row.get(threshold) is not None
    }
    return {**row, **raised, "decision": "approve", "decided_by": decided["decided_by"]}


_DECISION_COLUMNS: dict[str, TColumnSchema] = {
    "request_id": {"data_type": "text", "nullable": False},
    "decision": {"data_type": "text"},
    "reason": {"data_type": "text"},
    "decided_by": {"data_type": "text"},
    "decided_at": {"data_type": "timestamp"},
    "run_id": {"data_type": "text"},
    "contact_uuid": {"data_type": "text"},
    "amount_cents": {"data_type": "bigint"},
    "currency": {"data_type": "text"},
    "order_reference": {"data_type": "text", "nullable": True},
    "requested_at": {"data_type": "timestamp"},
    "contact_window_cents": {"data_type": "bigint", "nullable": True},
    "day_running_cents": {"data_type": "bigint", "nullable": True},
    "prepaid_balance_cents": {"data_type": "bigint", "nullable": True},
}
