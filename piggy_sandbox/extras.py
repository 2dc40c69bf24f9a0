"""The account's other lists: vouchers, giftcards and their ledger, visits and referrals.

Written after contacts exist, from their signup times, in created_at order so ids are ordinals.
"""

from __future__ import annotations

import random
import sqlite3

from piggy_sandbox.config import SandboxConfig

VOUCHER_STATUSES = ("ACTIVE", "ACTIVE", "REDEEMED", "REDEEMED", "EXPIRED", "DEACTIVATED",
                    "INACTIVE", "LOCKED")
VISIT_SOURCES = ("KIOSK", "WIFI", "APP", "QR")
GIFTCARD_TYPES = ("DIGITAL", "PHYSICAL")
DAY = 86400


def write_extras(db: sqlite3.Connection, rng: random.Random, config: SandboxConfig,
                 contact_count: int, now: int) -> None:
    signups = [row[0] for row in db.execute("SELECT created_at FROM contacts ORDER BY id")]
    _vouchers(db, rng, signups, now)
    _giftcards(db, rng, config, contact_count, now)
    _visits(db, rng, signups, now)
    _referrals(db, rng, signups, now)


def _pick(rng: random.Random, signups: list[int], now: int) -> tuple[int, int]:
    contact_id = rng.randrange(1, len(signups) + 1)
    start = signups[contact_id - 1]
    return contact_id, start + int((now - start) * rng.random())


def _vouchers(db: sqlite3.Connection, rng: random.Random, signups: list[int], now: int) -> None:
    rows = []
    for _ in range(len(signups) // 2 + 5):
        contact_id, created = _pick(rng, signups, now)
        if rng.random() < 0.1:
            contact_id = None
        status = rng.choice(VOUCHER_STATUSES)
        expiration = created + rng.choice((14, 30, 60)) * DAY
        redeemed = created + rng.randrange(DAY, 14 * DAY) if status == "REDEEMED" else None
        code = f"V-{rng.getrandbits(48):012X}"
        rows.append((created, rng.randrange(1, 4), contact_id, status, code, created, expiration,
                     redeemed))
    rows.sort(key=lambda row: row[0])
    db.executemany("INSERT INTO vouchers (created_at, promotion_id, contact_id, status, code, "
                   "activation_date, expiration_date, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   rows)


def _giftcards(db: sqlite3.Connection, rng: random.Random, config: SandboxConfig,
               contact_count: int, now: int) -> None:
    start = now - 3 * 365 * DAY
    cards = sorted(start + int((now - DAY - start) * rng.random() ** 0.8)
                   for _ in range(contact_count // 20 + 3))
    ledger = []
    card_rows = []
    for card_id, created in enumerate(cards, 1):
        value = rng.choice((10, 25, 50, 100)) * config.minor_units
        balance = value
        ledger.append((created, card_id, rng.randrange(1, 5), value, "CREDIT", 1))
        moment = created
        for _ in range(rng.randrange(0, 4)):
            moment += rng.randrange(DAY, 60 * DAY)
            if moment >= now or balance == 0:
                break
            spend = rng.randrange(1, balance + 1)
            balance -= spend
            ledger.append((moment, card_id, rng.randrange(1, 5), -spend, "DEBIT",
                           int(rng.random() < 0.95)))
        card_rows.append((card_id, created, rng.randrange(1, 4), rng.choice(GIFTCARD_TYPES),
                          f"{rng.getrandbits(64):016x}", created + 2 * 365 * DAY,
                          int(rng.random() < 0.9), balance))
    db.executemany("INSERT INTO giftcards VALUES (?, ?, ?, ?, ?, ?, ?, ?)", card_rows)
    ledger.sort(key=lambda row: (row[0], row[1]))
    db.executemany("INSERT INTO giftcard_tx (created_at, giftcard_id, shop_id, amount, type, "
                   "settled, has_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(*row, int(rng.random() >= 0.1)) for row in ledger])


def _visits(db: sqlite3.Connection, rng: random.Random, signups: list[int], now: int) -> None:
    rows = []
    for _ in range(len(signups)):
        contact_id, created = _pick(rng, signups, now)
        ends = created + rng.randrange(300, 4 * 3600)
        rows.append((min(ends, now), contact_id, f"ext-{rng.getrandbits(32):08x}",
                     rng.choice(VISIT_SOURCES), created, ends))
    rows.sort(key=lambda row: (row[0], row[1]))
    db.executemany("INSERT INTO visits (created_at, contact_id, external_id, source, starts_at, "
                   "ends_at) VALUES (?, ?, ?, ?, ?, ?)", rows)


def _referrals(db: sqlite3.Connection, rng: random.Random, signups: list[int], now: int) -> None:
    rows = []
    for referred in range(2, len(signups) + 1):
        if rng.random() >= 0.05:
            continue
        referring = rng.randrange(1, referred)
        status = "COMPLETED" if rng.random() < 0.7 else "PENDING"
        rows.append((signups[referred - 1], referring, referred, status))
    db.executemany("INSERT INTO referrals (created_at, referring_id, referred_id, status) "
                   "VALUES (?, ?, ?, ?)", rows)
