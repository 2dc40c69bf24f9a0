"""A plain, event-by-event FIFO expiry simulation: the reference the dbt model is checked against.

The model computes expiry with running sums and a running maximum; this walks each contact's days
in order with a queue of lots instead, so the two share nothing but the rule: a lot expires
`days` after the day it was earned, at the start of that day; removals consume the oldest points
first. A removal larger than the unexpired points is evidence that written-off points had not
expired: the rest comes back out of the estimated breakage (recorded as `reversed`), and only
what exceeds that too (a negative balance, which Piggy refuses) is a debt the next lots pay first.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class ContactExpiry:
    expired: int = 0
    reversed: int = 0
    upcoming: list[tuple[date, int]] = field(default_factory=list)

    def expiring_within(self, as_of: date, days: int) -> int:
        horizon = as_of + timedelta(days=days)
        return sum(points for day, points in self.upcoming if as_of < day <= horizon)

    def next_expiry(self) -> date | None:
        return min((day for day, points in self.upcoming if points > 0), default=None)


def simulate(movements: list[tuple[str, date, int]], as_of: date, days: int
             ) -> dict[str, ContactExpiry]:
    """movements: (contact, day, credits) in time order. Returns expiry per contact at `as_of`:
    `expired` is the net breakage (expired minus given back), `reversed` what spending gave back."""
    by_contact: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for contact, day, credits in movements:
        if day <= as_of and credits != 0:
            by_contact[contact].append((day, credits))
    return {contact: _walk(events, as_of, days) for contact, events in by_contact.items()}


def _walk(events: list[tuple[date, int]], as_of: date, days: int) -> ContactExpiry:
    lots: deque[list] = deque()
    debt = 0
    result = ContactExpiry()
    for day, credits in events:
        result.expired += _expire(lots, day)
        if credits > 0:
            paid = min(debt, credits)
            debt -= paid
            lots.append([day + timedelta(days=days), credits - paid])
        else:
            shortfall = _consume(lots, -credits)
            given_back = min(shortfall, result.expired)
            result.expired -= given_back
            result.reversed += given_back
            debt += shortfall - given_back
    result.expired += _expire(lots, as_of)
    result.upcoming = [(expiry, left) for expiry, left in lots]
    return result


def _expire(lots: deque, day: date) -> int:
    expired = 0
    while lots and lots[0][0] <= day:
        expired += lots.popleft()[1]
    return expired


def _consume(lots: deque, amount: int) -> int:
    """Take `amount` from the oldest lots; return what could not be taken (the debt)."""
    while amount and lots:
        taken = min(amount, lots[0][1])
        lots[0][1] -= taken
        amount -= taken
        if lots[0][1] == 0:
            lots.popleft()
    return amount
