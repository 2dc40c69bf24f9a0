"""What a payout run did per request, the ledger rows it writes, and the dry run's forecast."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.exports.audit import RunContext
from pipelines.payouts.ledger import INTENT, PAID, REFUSED
from pipelines.payouts.reconcile import WalletMark
from pipelines.payouts.wallet import Answer
from pipelines.times import now_utc


@dataclass
class Outcome:
    """What happened to one approved request in this run, and why when it was not paid."""

    request_id: str
    contact_uuid: str
    amount_cents: int
    result: str
    transaction_uuid: str | None = None
    reason: str | None = None

    @classmethod
    def of(
        cls,
        request: dict[str, Any],
        result: str,
        row: dict[str, Any] | None,
        reason: str | None = None,
    ) -> "Outcome":
        return cls(
            request["request_id"],
            request["contact_uuid"],
            int(request["amount_cents"]),
            result,
            (row or {}).get("transaction_uuid"),
            reason if reason is not None else (row or {}).get("error"),
        )


def plan(
    approved: list[dict[str, Any]],
    ledger: dict[str, dict[str, Any]],
    check: Callable[[dict[str, Any], dict[str, dict[str, Any]]], str | None],
) -> list[Outcome]:
    """What `--apply` would do for each approved request, without touching anything.

    `check(request, ledger)` is the warehouse side of the check made just before a call (changes
    since review, caps by the ledger); each request the forecast pays counts in the caps of the
    next, as it would in the run. Piggy's side (wallet, balance) is looked at only by `--apply`.
    """
    steps = {PAID: "already_paid", REFUSED: "refused", INTENT: "would_reconcile"}
    forecast, outcomes = dict(ledger), []
    for request in approved:
        row = ledger.get(request["request_id"])
        status = (row or {}).get("status")
        if status in steps:
            outcomes.append(Outcome.of(request, steps[status], row))
        elif (why := check(request, forecast)) is not None:
            outcomes.append(Outcome.of(request, "would_go_back_to_review", None, why))
        else:
            outcomes.append(Outcome.of(request, "would_credit", None, ""))
            forecast[request["request_id"]] = {**request, "status": PAID, "settled_at": now_utc()}
    return outcomes


def intent_row(
    request: dict[str, Any], previous: dict[str, Any] | None, context: RunContext, mark: WalletMark
) -> dict[str, Any]:
    """The ledger row written before a call: who, how much, and the wallet as it stood."""
    return {
        "request_id": request["request_id"],
        "contact_uuid": request["contact_uuid"],
        "amount_cents": int(request["amount_cents"]),
        "currency": request.get("currency"),
        "status": INTENT,
        "attempt": int((previous or {}).get("attempt") or 0) + 1,
        "intent_at": now_utc(),
        "settled_at": None,
        "transaction_uuid": None,
        "settled_by": None,
        "error": None,
        **mark.to_columns(),
        "run_id": context.run_id,
        "actor": context.actor,
    }


def settled_row(
    intent: dict[str, Any],
    status: str,
    transaction_uuid: str | None,
    how: str,
    error: str | None = None,
) -> dict[str, Any]:
    """The intent's row once its fate is known (`RETURNED` included: nothing was sent)."""
    return {
        **intent,
        "status": status,
        "settled_at": now_utc(),
        "transaction_uuid": transaction_uuid,
        "settled_by": how,
        "error": error,
    }


def describe(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.booked:
        return "booked"
    return "refused" if answer.refused else "no answer: reconciling"


def error_of(answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    return f"HTTP {answer.status_code} code {body.get('code')}: {str(body.get('message'))[:200]}"
