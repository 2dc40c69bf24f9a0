"""Build one account's history in SQLite, deterministically from (seed, scale, clock, currency).

Each contact's life is simulated in time order (purchases, redemptions only when the balance allows,
cashback in and out of the prepaid wallet), so balances, tiers and stock agree with the ledgers by
construction. Event rows are staged unordered, then copied in (created_at, contact) order so that
ids become the list ordinals the server pages on.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass

from piggy_sandbox import people
from piggy_sandbox.catalog import REWARDS, tier_for, write_catalog
from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.extras import write_extras
from piggy_sandbox.schema import DDL, INDEXES

YEAR = 365 * 86400
HISTORY_YEARS = 3
CHUNK = 20_000
DELETED_SHARE = 0.02
CASHBACK_SHARE = 0.3
PURCHASES_PER_CONTACT = 5.5
BONUS_CREDITS = (10, 25, 50)
# (id, title, type, required credits, claim limit) of the rewards a contact can redeem
REDEEMABLE = tuple((rid, title, kind, cost, limit)
                   for rid, (title, kind, cost, _, _, limit, _) in enumerate(REWARDS, 1)
                   if not title.startswith("Retired"))

STAGES = {
    "loyalty_tx": "created_at, contact_id, shop_id, kind, credits, unit_value, channel, identifier,"
                  " campaign, reward_id, title, expires_at, collected, code, reversed_id",
    "prepaid_tx": "created_at, contact_id, shop_id, amount, balance_after",
}


@dataclass
class RewardState:
    """Remaining stock while simulating, so generation never redeems what is not there."""

    stock: dict[int, int | None]


def generate(path: str, config: SandboxConfig) -> None:
    """Write a complete account database at `path` (which must not exist yet)."""
    rng = random.Random(config.seed)
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192; "
                     "PRAGMA cache_size=-131072;")
    db.executescript(DDL)
    for table, columns in STAGES.items():
        db.execute(f"CREATE TEMP TABLE stage_{table} ({columns})")
    write_catalog(db, rng, config.scale, config.minor_units)
    stock = {row[0]: row[1] for row in db.execute("SELECT id, stock FROM rewards")}
    rewards = RewardState(stock=stock)
    now = int(config.now.timestamp())
    signups = _signup_times(rng, config.scale, now)
    deleted = set(rng.sample(range(1, len(signups) + 1), len(signups) - config.scale))
    for start in range(0, len(signups), CHUNK):
        batch = signups[start:start + CHUNK]
        _simulate_contacts(db, rng, config, rewards, start + 1, batch, now, deleted)
    db.executemany("UPDATE rewards SET stock = ? WHERE id = ?",
                   [(left, rid) for rid, left in rewards.stock.items()])
    for table, columns in STAGES.items():
        db.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM stage_{table} "
                   "ORDER BY created_at, contact_id, rowid")
        db.execute(f"DROP TABLE stage_{table}")
    write_extras(db, rng, config, len(signups), now)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("now", str(now)), ("seed", str(config.seed)), ("scale", str(config.scale)),
        ("currency", config.currency.upper()), ("minor_units", str(config.minor_units)),
    ])
    db.executescript(INDEXES)
    db.commit()
    db.execute("ANALYZE")
    db.close()


def _signup_times(rng: random.Random, scale: int, now: int) -> list[int]:
    """Signups over three years, denser recently (a growing program); deleted ones on top."""
    total = scale + max(0, round(scale * DELETED_SHARE / (1 - DELETED_SHARE)))
    start = now - HISTORY_YEARS * YEAR
    span = now - start - 86400
    return sorted(start + int(span * rng.random() ** 0.7) for _ in range(total))


def _simulate_contacts(db: sqlite3.Connection, rng: random.Random, config: SandboxConfig,
                       rewards: RewardState, first_id: int, signups: list[int], now: int,
                       deleted: set[int]) -> None:
    contacts, ledger, prepaid = [], [], []
    for offset, signup in enumerate(signups):
        contact_id = first_id + offset
        deleted_at = None
        if contact_id in deleted:
            deleted_at = signup + int((now - signup) * rng.random())
        end = deleted_at or now
        life = _Life(contact_id, rng, config.minor_units, rewards, end)
        life.run(signup)
        first, last, email, birth = people.person(rng, contact_id)
        tier = tier_for(life.received)
        contacts.append((
            contact_id, signup, life.last_tx or signup, email, first, last, birth,
            rng.choice(people.STATUSES), tier, life.balance, life.received, life.first_tx,
            life.last_tx, life.wallet, int(rng.random() < 0.55), int(rng.random() < 0.9),
            rng.choice(("Amsterdam Centrum", "Webshop", None)), people.member_number(contact_id),
            deleted_at,
        ))
        ledger.extend(life.ledger)
        prepaid.extend(life.prepaid)
    db.executemany(f"INSERT INTO contacts VALUES ({', '.join('?' * 19)})", contacts)
    db.executemany(f"INSERT INTO stage_loyalty_tx VALUES ({', '.join('?' * 15)})", ledger)
    db.executemany("INSERT INTO stage_prepaid_tx VALUES (?, ?, ?, ?, ?)", prepaid)


class _Life:
    """One contact's purchases and redemptions in time order, keeping its balances honest.

    The hot loop of generation (ten million rows at full scale): draws use `random()` directly
    and events arrive in time order, so first and last transaction times need no comparisons.
    """

    def __init__(self, contact_id: int, rng: random.Random, minor: int, rewards: RewardState,
                 end: int) -> None:
        self.contact_id, self.rng, self.minor, self.rewards, self.end = (
            contact_id, rng, minor, rewards, end)
        self.balance = self.received = self.wallet = 0
        self.first_tx: int | None = None
        self.last_tx: int | None = None
        self.ledger: list[tuple] = []
        self.prepaid: list[tuple] = []
        self.cashback = rng.random() < CASHBACK_SHARE
        self.claims: dict[int, int] = {}

    def run(self, signup: int) -> None:
        draw = self.rng.random
        activity = self.rng.lognormvariate(0.0, 0.9)
        purchases = min(200, int(self.rng.expovariate(1.0) * PURCHASES_PER_CONTACT * activity))
        span = self.end - signup
        times = sorted(signup + int(span * draw()) for _ in range(purchases))
        shop = 1 + int(draw() * 4)
        for index, moment in enumerate(times):
            if draw() < 0.3:
                shop = 1 + int(draw() * 4)
            self._earn(moment, shop, draw)
            if draw() < 0.3:
                following = times[index + 1] if index + 1 < purchases else self.end
                self._redeem(min(following, moment + 60 + int(draw() * 7 * 86400)), shop, draw)

    def _record(self, moment: int, row: tuple, credits: int) -> None:
        self.ledger.append(row)
        self.balance += credits
        if credits > 0:
            self.received += credits
        if self.first_tx is None:
            self.first_tx = moment
        self.last_tx = moment

    def _earn(self, moment: int, shop: int, draw) -> None:
        channels, campaigns = people.CHANNELS, people.CAMPAIGNS
        channel = "WOOCOMMERCE" if shop == 3 else channels[int(draw() * len(channels))]
        campaign = campaigns[int(draw() * len(campaigns))]
        identifier = people.member_number(self.contact_id) if channel == "KIOSK" else None
        if draw() < 0.85:
            amount = people.purchase_cents(self.rng, self.minor)
            credits = people.credits_for(amount, self.minor)
            unit_value = amount / self.minor
            if self.cashback:
                self._wallet(moment, shop, people.cashback_for(amount))
        else:
            credits, unit_value = BONUS_CREDITS[int(draw() * len(BONUS_CREDITS))], None
        self._record(moment, (moment, self.contact_id, shop, 0, credits, unit_value, channel,
                              identifier, campaign, None, None, None, None, None, None), credits)

    def _redeem(self, moment: int, shop: int, draw) -> None:
        stock, balance, claims = self.rewards.stock, self.balance, self.claims
        choices = [item for item in REDEEMABLE if item[3] <= balance and stock[item[0]] != 0
                   and (item[4] is None or claims.get(item[0], 0) < item[4])]
        if not choices:
            return
        rid, title, kind, cost, _ = choices[int(draw() * len(choices))]
        if stock[rid] is not None:
            stock[rid] -= 1
        claims[rid] = claims.get(rid, 0) + 1
        digital = kind == "DIGITAL"
        code = f"DRC-{self.rng.getrandbits(40):010X}" if digital else None
        row = (moment, self.contact_id, shop, 2 if digital else 1, -cost, None, "API", None, None,
               rid, title, moment + 90 * 86400, int(draw() < 0.7), code, None)
        self._record(moment, row, -cost)
        if self.cashback and self.wallet > 0 and draw() < 0.5:
            self._wallet(moment, shop, -(1 + int(draw() * self.wallet)))

    def _wallet(self, moment: int, shop: int, amount: int) -> None:
        if amount == 0:
            return
        self.wallet += amount
        self.prepaid.append((moment, self.contact_id, shop, amount, self.wallet))
