"""Pay approved cashback requests at most once, even when the process dies at any point.

The protocol, per request: write the intent to the ledger (one load for the batch), then call
`POST /prepaid-transactions`, then write the result. An intent found without a result on a later run
may or may not have been booked, so it is first reconciled against the contact's wallet
transactions; only when nothing matches is it credited again, under a fresh intent.
"""

from dataclasses import dataclass
from typing import Any

import dlt

from pipelines.exports.audit import RunContext, audit_row, now_utc
from pipelines.payouts import failpoints
from pipelines.payouts.errors import PayoutError
from pipelines.payouts.ledger import INTENT, PAID, REFUSED, read_ledger, record
from pipelines.payouts.reconcile import WalletMark, find_booking
from pipelines.payouts.wallet import Answer, Wallet


@dataclass
class Outcome:
    """What happened to one approved request in this run."""

    request_id: str
    contact_uuid: str
    amount_cents: int
    result: str
    transaction_uuid: str | None = None


def plan(approved: list[dict[str, Any]], ledger: dict[str, dict[str, Any]]) -> list[Outcome]:
    """What `--apply` would do for each approved request, without touching anything."""
    steps = {
        None: "would_credit",
        INTENT: "would_reconcile",
        PAID: "already_paid",
        REFUSED: "refused",
    }
    return [
        Outcome(
            request["request_id"],
            request["contact_uuid"],
            int(request["amount_cents"]),
            steps[(ledger.get(request["request_id"]) or {}).get("status")],
            (ledger.get(request["request_id"]) or {}).get("transaction_uuid"),
        )
        for request in approved
    ]


class PayoutRun:
    """One `payouts approve --apply`: reconciles open intents, then credits the rest."""

    def __init__(
        self,
        pipeline: dlt.Pipeline,
        wallet: Wallet,
        shop_uuid: str,
        context: RunContext,
    ) -> None:
        self.pipeline = pipeline
        self.wallet = wallet
        self.shop_uuid = shop_uuid
        self.context = context
        self.ledger = read_ledger(pipeline)
        self.claimed = {
            r["transaction_uuid"] for r in self.ledger.values() if r.get("transaction_uuid")
        }

    def apply(self, approved: list[dict[str, Any]]) -> list[Outcome]:
        """Settle every approved request this run can settle; see the module docstring."""
        outcomes, to_credit = [], []
        for request in approved:
            row = self.ledger.get(request["request_id"])
            status = (row or {}).get("status")
            if status in (PAID, REFUSED):
                outcomes.append(
                    _outcome(request, "already_paid" if status == PAID else "refused", row)
                )
            elif status == INTENT and (booked := self._reconcile(row)) is not None:
                outcomes.append(booked)
            else:
                mark = self.wallet.mark(request["contact_uuid"])
                to_credit.append(_intent(request, row, self.context, mark))
        if to_credit:
            audits = [
                self._audit("intent", i, sent=self._payload(i), outcome="recorded")
                for i in to_credit
            ]
            record(self.pipeline, to_credit, audits)
        failpoints.reach("after_intent")
        for intent in to_credit:
            outcomes.append(self._credit(intent))
            failpoints.reach("after_result")
        return outcomes

    def _payload(self, intent: dict[str, Any]) -> dict[str, Any]:
        return {
            "contact_uuid": intent["contact_uuid"],
            "amount_in_cents": int(intent["amount_cents"]),
            "shop_uuid": self.shop_uuid,
        }

    def _credit(self, intent: dict[str, Any]) -> Outcome:
        answer = self.wallet.credit(
            intent["contact_uuid"], int(intent["amount_cents"]), self.shop_uuid
        )
        failpoints.reach("after_call")
        audit = self._audit("credit", intent, self._payload(intent), answer)
        if answer.booked:
            booking = (answer.body or {}).get("data") or {}
            return self._settle(intent, PAID, booking.get("uuid"), "credited", [audit])
        if answer.blocks_every_payout:
            record(self.pipeline, [], [audit])
            raise PayoutError(
                f"Piggy refused POST /prepaid-transactions ({_error(answer)}): fix the API key "
                "or payouts.shop_uuid and rerun; open intents are reconciled first"
            )
        if answer.refused:
            return self._settle(intent, REFUSED, None, "refused", [audit], _error(answer))
        return self._reconcile(intent, [audit]) or self._leave_open(intent)

    def _reconcile(
        self, intent: dict[str, Any], audits: list[dict[str, Any]] | None = None
    ) -> Outcome | None:
        """Settle an intent from the wallet if Piggy booked it; None when it did not."""
        mark = WalletMark.from_columns(intent)
        transactions = self.wallet.transactions_after(intent["contact_uuid"], mark)
        booking = find_booking(transactions, int(intent["amount_cents"]), mark, self.claimed)
        newer = [t.get("uuid") for t in transactions]
        outcome = "booking found" if booking else "no booking found"
        audit = self._audit("reconcile", intent, mark.to_columns(), Answer(200, newer), outcome)
        if booking is None:
            record(self.pipeline, [], [*(audits or []), audit])
            return None
        return self._settle(intent, PAID, booking["uuid"], "reconciled", [*(audits or []), audit])

    def _settle(
        self,
        intent: dict[str, Any],
        status: str,
        transaction_uuid: str | None,
        how: str,
        audits: list[dict[str, Any]],
        error: str | None = None,
    ) -> Outcome:
        settled = {
            **intent,
            "status": status,
            "settled_at": now_utc(),
            "transaction_uuid": transaction_uuid,
            "settled_by": how,
            "error": error,
        }
        record(self.pipeline, [settled], audits)
        if transaction_uuid:
            self.claimed.add(transaction_uuid)
        self.ledger[intent["request_id"]] = settled
        return Outcome(
            intent["request_id"],
            intent["contact_uuid"],
            int(intent["amount_cents"]),
            how if status == PAID else "refused",
            transaction_uuid,
        )

    def _leave_open(self, intent: dict[str, Any]) -> Outcome:
        """No answer and no booking: the intent stays open and the next run reconciles it."""
        return Outcome(
            intent["request_id"], intent["contact_uuid"], int(intent["amount_cents"]), "open"
        )

    def _audit(
        self,
        action: str,
        intent: dict[str, Any],
        sent: Any = None,
        answer: Answer | None = None,
        outcome: str | None = None,
    ) -> dict[str, Any]:
        return audit_row(
            self.context,
            f"payout.{action}",
            intent["request_id"],
            sent=sent,
            status_code=answer.status_code if answer else None,
            answer=(answer.body if answer.body is not None else answer.error) if answer else None,
            outcome=outcome or _describe(answer),
        )


def _intent(
    request: dict[str, Any], previous: dict[str, Any] | None, context: RunContext, mark: WalletMark
) -> dict:
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


def _outcome(request: dict[str, Any], result: str, row: dict[str, Any] | None) -> Outcome:
    return Outcome(
        request["request_id"],
        request["contact_uuid"],
        int(request["amount_cents"]),
        result,
        (row or {}).get("transaction_uuid"),
    )


def _describe(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.booked:
        return "booked"
    return "refused" if answer.refused else "no answer: reconciling"


def _error(answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    return f"HTTP {answer.status_code} code {body.get('code')}: {str(body.get('message'))[:200]}"
