"""A changing account: advance the clock and create activity in between, in time order.

Counts default to a size proportional to the account and the days advanced; the random choices
are seeded by (seed, clock), so the same sequence of advances always gives the same account.
"""

from __future__ import annotations

import math
import random
import sqlite3

from piggy_sandbox import mutations, people
from piggy_sandbox.catalog import TIERS
from piggy_sandbox.errors import ApiError
from piggy_sandbox.ids import iso
from piggy_sandbox.webhook_events import announce

DAY = 86400
DAILY_RATES = {"signups": 0.002, "earns": 0.02, "redemptions": 0.004, "cashback": 0.004,
               "tier_changes": 0.0005, "deletes": 0.0002}
MAX_EVENTS = 1_000_000


def plan(body: dict, live_contacts: int) -> tuple[float, dict[str, int]]:
    """Days and event counts from a request body; missing counts scale with the account."""
    try:
        days = float(body.get("days", 1))
    except (TypeError, ValueError):
        raise ApiError.invalid("days", "The days must be a number.") from None
    if not 0 < days <= 3650:
        raise ApiError.invalid("days", "The days must be between 0 and 3650.")
    counts = {}
    for kind, rate in DAILY_RATES.items():
        value = body.get(kind)
        if value is None:
            value = min(MAX_EVENTS, math.ceil(live_contacts * rate * days))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EVENTS:
            raise ApiError.invalid(kind, f"The {kind} must be an integer from 0 to {MAX_EVENTS}.")
        counts[kind] = value
    return days, counts


def advance(app, body: dict) -> dict:
    """Play the events at random moments of the advanced span, in one transaction.

    New rows get created_at at or after the old clock and the clock only moves forward, so ids
    stay in created_at order (what paging relies on). Webhooks go out after the commit.
    """
    store = app.store
    with store.write() as db:
        live = db.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]
        days, counts = plan(body, live)
        start = store.now
        end = start + int(days * DAY)
        rng = random.Random(f"{store.seed}:{start}:{sorted(counts.items())}")
        events = [kind for kind, count in counts.items() for _ in range(count)]
        rng.shuffle(events)
        moments = sorted(start + 1 + int((end - start - 1) * rng.random()) for _ in events)
        story = _Story(app, db, rng)
        for kind, moment in zip(events, moments, strict=True):
            store.set_now(db, moment)
            story.play(kind, moment)
        store.set_now(db, end)
    for contact_id in story.deleted:
        store.mark_deleted(contact_id)
    story.notify()
    return {"now": iso(end), "days": days, "requested": counts,
            "created": dict(story.done),
            "deleted_uuids": [app.codec.encode("contact", i) for i in story.deleted],
            "new_contact_uuids": [app.codec.encode("contact", i) for i in story.signed_up]}


class _Story:
    """Plays events against the database; a refused event (no balance, no stock) is skipped."""

    def __init__(self, app, db: sqlite3.Connection, rng: random.Random) -> None:
        self.app, self.db, self.rng = app, db, rng
        self.minor = app.store.minor_units
        self.done: dict[str, int] = {kind: 0 for kind in DAILY_RATES}
        self.deleted: list[int] = []
        self.signed_up: list[int] = []
        self.touched: set[int] = set()
        self.receptions: list[int] = []
        self.wallet_rows: list[int] = []

    def play(self, kind: str, moment: int) -> None:
        try:
            if getattr(self, f"_{kind}")(moment):
                self.done[kind] += 1
        except ApiError:
            return

    def _contact(self) -> int | None:
        top = self.db.execute("SELECT max(id) FROM contacts").fetchone()[0] or 0
        for _ in range(20):
            candidate = self.rng.randrange(1, top + 1)
            if self.db.execute("SELECT 1 FROM contacts WHERE id = ? AND deleted_at IS NULL",
                               (candidate,)).fetchone():
                return candidate
        return None

    def _signups(self, moment: int) -> bool:
        contact_id = (self.db.execute("SELECT max(id) FROM contacts").fetchone()[0] or 0) + 1
        first, last, email, birth = people.person(self.rng, contact_id)
        self.db.execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, 0, 0, NULL, NULL, "
            "0, ?, 1, NULL, ?, NULL)",
            (contact_id, moment, moment, email, first, last, birth,
             int(self.rng.random() < 0.55), people.member_number(contact_id)))
        self.signed_up.append(contact_id)
        return True

    def _earns(self, moment: int) -> bool:
        contact_id = self._contact()
        if contact_id is None:
            return False
        amount = people.purchase_cents(self.rng, self.minor)
        shop = self.rng.randrange(1, 5)
        row = mutations.add_credits(self.db, contact_id, shop,
                                    people.credits_for(amount, self.minor), moment,
                                    unit_value=amount / self.minor,
                                    channel=self.rng.choice(people.CHANNELS))
        self.receptions.append(row)
        self.touched.add(contact_id)
        return True

    def _redemptions(self, moment: int) -> bool:
        contact_id = self._contact()
        if contact_id is None:
            return False
        rewards = self.db.execute(
            "SELECT id FROM rewards WHERE is_active = 1 AND required_credits <= (SELECT "
            "credit_balance FROM contacts WHERE id = ?) AND coalesce(stock, 1) > 0 ORDER BY id",
            (contact_id,)).fetchall()
        if not rewards:
            return False
        reward_id = self.rng.choice(rewards)[0]
        code = f"DRC-{self.rng.getrandbits(40):010X}"
        mutations.redeem_reward(self.db, contact_id, reward_id, self.rng.randrange(1, 5),
                                moment, code)
        self.touched.add(contact_id)
        return True

    def _cashback(self, moment: int) -> bool:
        contact_id = self._contact()
        if contact_id is None:
            return False
        wallet = self.db.execute("SELECT prepaid_balance FROM contacts WHERE id = ?",
                                 (contact_id,)).fetchone()[0]
        if wallet > 0 and self.rng.random() < 0.4:
            amount = -self.rng.randrange(1, wallet + 1)
        else:
            amount = people.cashback_for(people.purchase_cents(self.rng, self.minor)) or 1
        self.wallet_rows.append(mutations.prepaid(self.db, contact_id, self.rng.randrange(1, 5),
                                                  amount, moment))
        self.touched.add(contact_id)
        return True

    def _tier_changes(self, moment: int) -> bool:
        contact_id = self._contact()
        if contact_id is None:
            return False
        received = self.db.execute("SELECT total_received FROM contacts WHERE id = ?",
                                   (contact_id,)).fetchone()[0]
        above = [threshold for _, _, _, threshold in TIERS if threshold > received]
        if not above:
            return False
        self.receptions.append(mutations.add_credits(
            self.db, contact_id, 1, above[0] - received, moment, channel="BUSINESS_DASHBOARD",
            campaign="tier_boost"))
        self.touched.add(contact_id)
        return True

    def _deletes(self, moment: int) -> bool:
        contact_id = self._contact()
        if contact_id is None:
            return False
        mutations.delete_contact(self.db, contact_id, moment)
        self.deleted.append(contact_id)
        self.touched.discard(contact_id)
        return True

    def notify(self) -> None:
        """Webhooks for what changed, sent after the commit."""
        announce(self.app, self.signed_up, sorted(self.touched), self.receptions,
                 self.wallet_rows)
