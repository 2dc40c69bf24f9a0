"""Did Piggy book a credit whose answer we never recorded? Decide from the contact's wallet.

Before a credit is sent, the intent records a mark of the contact's wallet as Piggy shows it: the
creation time of its newest transaction and the uuids created at that same moment. Any later
booking of the same amount that is not already the result of another request settles the intent.
The mark uses Piggy's own timestamps only, so a clock difference between us and Piggy (or a
sandbox whose clock stands still) cannot hide a booking or invent one.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from pipelines.times import as_utc, as_utc_or_none


@dataclass(frozen=True)
class WalletMark:
    """The newest moment in a contact's wallet when the intent was written, and who sat there."""

    newest_at: dt.datetime | None
    uuids_at_newest: frozenset[str]

    @classmethod
    def of(cls, newest_first: list[dict[str, Any]]) -> "WalletMark":
        if not newest_first:
            return cls(None, frozenset())
        newest = max(as_utc(row["created_at"]) for row in newest_first)
        tied = {row["uuid"] for row in newest_first if as_utc(row["created_at"]) == newest}
        return cls(newest, frozenset(tied))

    def to_columns(self) -> dict[str, Any]:
        return {
            "wallet_mark_at": self.newest_at,
            "wallet_mark_uuids": json.dumps(sorted(self.uuids_at_newest)),
        }

    @classmethod
    def from_columns(cls, row: dict[str, Any]) -> "WalletMark":
        uuids = json.loads(row.get("wallet_mark_uuids") or "[]")
        return cls(as_utc_or_none(row.get("wallet_mark_at")), frozenset(uuids))

    def is_after(self, transaction: dict[str, Any]) -> bool:
        """True for a transaction the wallet did not hold when the mark was taken."""
        if self.newest_at is None:
            return True
        created = as_utc(transaction["created_at"])
        if created == self.newest_at:
            return transaction.get("uuid") not in self.uuids_at_newest
        return created > self.newest_at


def find_booking(
    transactions: list[dict[str, Any]],
    amount_cents: int,
    mark: WalletMark,
    claimed: set[str],
) -> dict[str, Any] | None:
    """The oldest new booking of this amount not claimed by another request, or None."""
    matches = [
        transaction
        for transaction in transactions
        if int(transaction.get("amount_in_cents") or 0) == int(amount_cents)
        and transaction.get("uuid") not in claimed
        and mark.is_after(transaction)
    ]
    return min(matches, key=lambda t: (as_utc(t["created_at"]), t["uuid"])) if matches else None


def find_earlier_credit(
    transactions: list[dict[str, Any]], request: dict[str, Any], claimed: set[str]
) -> dict[str, Any] | None:
    """A credit of this request's amount booked at or after the request was made, that no ledger
    row claims: the payment of a request whose ledger row was lost (a replaced warehouse).

    The oldest such credit is taken, and requests are settled oldest first, so two equal requests
    of one contact claim two different credits. A credit of the same amount made for another
    reason would also match: the request is then left unpaid, never paid twice.
    """
    made_at = as_utc(request["requested_at"])
    matches = [
        transaction
        for transaction in transactions
        if int(transaction.get("amount_in_cents") or 0) == int(request["amount_cents"])
        and transaction.get("uuid") not in claimed
        and as_utc(transaction["created_at"]) >= made_at
    ]
    return min(matches, key=lambda t: (as_utc(t["created_at"]), t["uuid"])) if matches else None
