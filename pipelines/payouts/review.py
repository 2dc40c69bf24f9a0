"""The review side of payouts: rebuild the decisions, queue the doubtful ones, tell a person.

Decisions come from the dbt model `mart_payout_review`; it is rebuilt here (with its unit and data
tests) so that requests loaded since the last `piggy-elt transform` are decided too. Requests that
need a person are written to a queue file and announced to a Slack-compatible webhook: counts and
amounts only, no customer data in a chat channel.
"""

from collections import Counter
from pathlib import Path
from typing import Any

import dlt

from pipelines.exports.audit import RunContext, audit_row
from pipelines.exports.files import write_table
from pipelines.exports.push import Receiver, send_batches
from pipelines.exports.warehouse import ANALYTICS_DATASET, read_rows_if_present
from pipelines.payouts.ledger import ledger_writes

REVIEW_MART = "mart_payout_review"
QUEUE_STEM = "review_queue"
QUEUE_COLUMNS = [
    "request_id",
    "contact_uuid",
    "email",
    "amount_cents",
    "currency",
    "order_reference",
    "requested_at",
    "reasons",
]


def read_decisions(pipeline: dlt.Pipeline) -> list[dict[str, Any]]:
    """Every request with its decision, oldest first."""
    return read_rows_if_present(
        pipeline, ANALYTICS_DATASET, REVIEW_MART, "ORDER BY requested_at, request_id"
    )


def write_queue(directory: Path, decisions: list[dict[str, Any]]) -> Path:
    """`review_queue.csv|parquet`: the requests a person must decide, oldest first."""
    queue = [row for row in decisions if row["decision"] == "review"]
    write_table(directory, QUEUE_STEM, QUEUE_COLUMNS, queue)
    return directory / f"{QUEUE_STEM}.csv"


def announcement(decisions: list[dict[str, Any]], queue_file: Path) -> dict[str, Any] | None:
    """A Slack message (`text`) about the queue, or None when nobody needs to look."""
    queue = [row for row in decisions if row["decision"] == "review"]
    if not queue:
        return None
    total = sum(int(row["amount_cents"] or 0) for row in queue) / 100
    reasons = Counter(r for row in queue for r in (row.get("reasons") or "").split(";") if r)
    why = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
    text = (
        f"{len(queue)} cashback request(s) need review, {total:,.2f} in total ({why}). "
        f"Queue: {queue_file}"
    )
    return {"text": text}


def announce(
    pipeline: dlt.Pipeline, webhook_url: str, message: dict[str, Any], context: RunContext
) -> int:
    """Post the message; the audit keeps what was said and the webhook's answer, not its URL."""
    receiver = Receiver("slack", webhook_url, attempts=3)
    sent = send_batches(receiver, [message], context.run_id, lambda _: 0)
    status = sent[0].status_code
    audit = audit_row(context, "review.announce", "review_queue", message, status, None, "posted")
    with ledger_writes(pipeline, context.run_id) as writes:
        writes.record([], [audit])
    return status


def summary(decisions: list[dict[str, Any]]) -> dict[str, int]:
    """How many requests got each decision."""
    counts = Counter(row["decision"] for row in decisions)
    return {decision: counts.get(decision, 0) for decision in ("approve", "review", "reject")}
