"""Pay approved cashback requests at most once, even when the process dies at any point.

The protocol, per request: look in the contact's wallet on Piggy for a credit that already pays
it (a lost or replaced warehouse forgets payments Piggy remembers), write the intent to the ledger
(one load for the batch), decide again just before the call (`recheck`), call
`POST /prepaid-transactions`, then write the result. An intent found without a result on a later
run may or may not have been booked, so it is first reconciled against the contact's wallet
transactions; only when nothing matches is it credited again, under a fresh intent.
"""

from typing import Any

import dlt

from pipelines.errors import RefusedError
from pipelines.exports.audit import RunContext, audit_row
from pipelines.payouts import failpoints
from pipelines.payouts.errors import PayoutError
from pipelines.payouts.ledger import (
    INTENT,
    PAID,
    REFUSED,
    RETURNED,
    LedgerWrites,
    ledger_exists,
    ledger_writes,
    read_ledger,
)
from pipelines.payouts.outcomes import Outcome, describe, error_of, intent_row, settled_row
from pipelines.payouts.recheck import broken_rule, changed_since_review, current_request
from pipelines.payouts.reconcile import WalletMark, find_booking, find_earlier_credit
from pipelines.payouts.wallet import Answer, Wallet


class PayoutRun:
    """One `payouts approve --apply`: reconciles open intents, then credits the rest."""

    writes: LedgerWrites
    """Every ledger and audit write of the run, on one warehouse connection."""

    def __init__(
        self,
        pipeline: dlt.Pipeline,
        wallet: Wallet,
        context: RunContext,
        acknowledge_lost_ledger: bool = False,
    ) -> None:
        self.pipeline = pipeline
        self.wallet = wallet
        self.context = context
        self.acknowledge_lost_ledger = acknowledge_lost_ledger
        self.ledger = read_ledger(pipeline)
        self.ledger_present = ledger_exists(pipeline)
        self.claimed = {
            r["transaction_uuid"] for r in self.ledger.values() if r.get("transaction_uuid")
        }
        self.balances: dict[str, int | None] = {}

    def apply(self, approved: list[dict[str, Any]]) -> list[Outcome]:
        """Settle every approved request this run can settle; see the module docstring."""
        with ledger_writes(self.pipeline, self.context.run_id) as self.writes:
            return self._apply(approved)

    def _apply(self, approved: list[dict[str, Any]]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        to_credit: list[tuple[dict[str, Any], dict[str, Any]]] = []
        found: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for request in approved:
            row = self.ledger.get(request["request_id"])
            status = (row or {}).get("status")
            if status in (PAID, REFUSED):
                result = "already_paid" if status == PAID else "refused"
                outcomes.append(Outcome.of(request, result, row))
            elif row and status == INTENT and (booked := self._reconcile(row)) is not None:
                outcomes.append(booked)
            else:
                transactions = self.wallet.transactions(request["contact_uuid"])
                mark = WalletMark.of(transactions)
                intent = intent_row(request, row, self.context, mark)
                booking = find_earlier_credit(transactions, request, self.claimed)
                if booking is None:
                    to_credit.append((request, intent))
                else:
                    self.claimed.add(booking["uuid"])
                    found.append((intent, booking))
        outcomes += self._settle_found(found)
        if to_credit:
            audits = [
                self._audit("intent", i, sent=self._payload(i), outcome="recorded")
                for _, i in to_credit
            ]
            self.writes.record([i for _, i in to_credit], audits)
        failpoints.reach("after_intent")
        for request, intent in to_credit:
            outcomes.append(self._checked_credit(request, intent))
            failpoints.reach("after_result")
        return outcomes

    def _settle_found(self, found: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Outcome]:
        """Record credits Piggy already holds as payments, in one load; a missing ledger first
        needs the operator's word, since the warehouse that paid them is gone."""
        if not found:
            return []
        ids = [intent["request_id"] for intent, _ in found]
        if not self.ledger_present and not self.acknowledge_lost_ledger:
            shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
            raise RefusedError(
                f"payout_ledger is missing from the warehouse, yet Piggy holds {len(ids)} "
                f"credit(s) on the payouts shop matching approved requests ({shown}): restore "
                "the warehouse from a backup, or rerun `piggy-elt payouts approve --apply "
                "--acknowledge-lost-ledger` to record them as paid without paying again"
            )
        rows, audits = [], []
        if not self.ledger_present:
            audits.append(
                audit_row(
                    self.context,
                    "payout.acknowledge_lost_ledger",
                    "payout_ledger",
                    sent=ids,
                    outcome="acknowledged: settled from Piggy's wallets",
                )
            )
        for intent, booking in found:
            settled = settled_row(intent, PAID, booking["uuid"], "found_in_piggy")
            self.ledger[intent["request_id"]] = settled
            rows.append(settled)
            audits.append(
                self._audit(
                    "wallet_check",
                    intent,
                    None,
                    Answer(200, booking),
                    "earlier credit found: recorded as paid",
                )
            )
        self.writes.record(rows, audits)
        return [Outcome.of(row, "found_in_piggy", row) for row in rows]

    def _checked_credit(self, request: dict[str, Any], intent: dict[str, Any]) -> Outcome:
        """Credit the intent unless the request changed since review or now breaks a rule."""
        contact = intent["contact_uuid"]
        current = current_request(self.pipeline, intent["request_id"])
        why = changed_since_review(request, current)
        if why is None:
            if contact not in self.balances:
                self.balances[contact] = self.wallet.balance(contact)
            why = broken_rule(request, self.ledger, self.balances[contact])
        if why is not None:
            audit = self._audit("recheck", intent, outcome=f"returned to review: {why}")
            settled = settled_row(intent, RETURNED, None, "recheck", why)
            self.writes.record([settled], [audit])
            self.ledger[intent["request_id"]] = settled
            return Outcome.of(intent, "back_to_review", None, why)
        outcome = self._credit(intent)
        balance = self.balances.get(contact)
        if outcome.result == "credited" and balance is not None:
            self.balances[contact] = balance + int(intent["amount_cents"])
        return outcome

    def _payload(self, intent: dict[str, Any]) -> dict[str, Any]:
        return self.wallet.payload(intent["contact_uuid"], intent["amount_cents"])

    def _credit(self, intent: dict[str, Any]) -> Outcome:
        answer = self.wallet.credit(intent["contact_uuid"], int(intent["amount_cents"]))
        failpoints.reach("after_call")
        audit = self._audit("credit", intent, self._payload(intent), answer)
        if answer.booked:
            booking = (answer.body or {}).get("data") or {}
            return self._settle(intent, PAID, booking.get("uuid"), "credited", [audit])
        if answer.blocks_every_payout:
            self.writes.record([], [audit])
            raise PayoutError(
                f"Piggy refused POST /prepaid-transactions ({error_of(answer)}): fix the API key "
                "or payouts.shop_uuid and rerun; open intents are reconciled first"
            )
        if answer.refused:
            return self._settle(intent, REFUSED, None, "refused", [audit], error_of(answer))
        return self._reconcile(intent, [audit]) or Outcome.of(intent, "open", None)

    def _reconcile(
        self, intent: dict[str, Any], audits: list[dict[str, Any]] | None = None
    ) -> Outcome | None:
        """Settle an intent from the wallet if Piggy booked it; None when it did not."""
        mark = WalletMark.from_columns(intent)
        transactions = [
            t for t in self.wallet.transactions(intent["contact_uuid"]) if mark.is_after(t)
        ]
        booking = find_booking(transactions, int(intent["amount_cents"]), mark, self.claimed)
        newer = [t.get("uuid") for t in transactions]
        outcome = "booking found" if booking else "no booking found"
        audit = self._audit("reconcile", intent, mark.to_columns(), Answer(200, newer), outcome)
        if booking is None:
            self.writes.record([], [*(audits or []), audit])
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
        settled = settled_row(intent, status, transaction_uuid, how, error)
        self.writes.record([settled], audits)
        if transaction_uuid:
            self.claimed.add(transaction_uuid)
        self.ledger[intent["request_id"]] = settled
        return Outcome.of(settled, how if status == PAID else "refused", settled, error)

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
            outcome=outcome or describe(answer),
        )
