"""The account's other lists: vouchers, visits, referrals (in DuckDB), giftcards and their ledger.

Written after contacts exist, from their signup times, in created_at order so ids are ordinals.
Giftcards are few (one per twenty contacts) and each card's spending is a short sequence bounded
by its balance, so they stay a plain seeded loop.
"""

from __future__ import annotations

import random
import sqlite3

import duckdb

from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.copy_out import case, copy_table

VOUCHER_STATUSES = ("ACTIVE", "ACTIVE", "REDEEMED", "REDEEMED", "EXPIRED", "DEACTIVATED",
                    "INACTIVE", "LOCKED")
VISIT_SOURCES = ("KIOSK", "WIFI", "APP", "QR")
GIFTCARD_TYPES = ("DIGITAL", "PHYSICAL")
DAY = 86400
REFERRAL_SHARE = 0.05


def write_extras(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection,
                 config: SandboxConfig, contact_count: int, now: int) -> None:
    _vouchers(duck, db, contact_count, now)
    _visits(duck, db, contact_count, now)
    _referrals(duck, db)
    _giftcards(db, random.Random(f"{config.seed}:giftcards"), config, contact_count, now)


def _vouchers(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection, contacts: int,
              now: int) -> None:
    """Half as many vouchers as contacts, a tenth of them not tied to anyone."""
    redeemed = [code for code, status in enumerate(VOUCHER_STATUSES) if status == "REDEEMED"]
    duck.execute(f"""CREATE TABLE vouchers AS
        SELECT row_number() OVER (ORDER BY created_at, k) AS n, * FROM (
            SELECT k, CASE WHEN u(32, k, 0) >= 0.1 THEN v.id END AS contact_id,
                s.created_at + floor(({now} - s.created_at) * u(31, k, 0))::BIGINT AS created_at,
                1 + pick(3, 37, k, 0) AS promotion, pick({len(VOUCHER_STATUSES)}, 33, k, 0)
                    AS status, [14, 30, 60][1 + pick(3, 34, k, 0)] * {DAY} AS days,
                bits(36, k, 0, 48) AS code
            FROM (SELECT k, 1 + pick({contacts}, 30, k, 0) AS id
                  FROM range({contacts // 2 + 5}) r(k)) v
            JOIN signups s ON s.id = v.id)
        ORDER BY n""")
    copy_table(duck, db, "vouchers",
               f"created_at, (promotion | (status << 2)), contact_id, days, code, "
               f"CASE WHEN list_contains({redeemed}, status) "
               f"THEN {DAY} + pick(13 * {DAY}, 35, k, 0) END",
               f"""INSERT INTO vouchers (created_at, promotion_id, contact_id, status, code,
                   activation_date, expiration_date, redeemed_at)
               VALUES (?1, ?2 & 3, ?3, {case('?2 >> 2', VOUCHER_STATUSES)},
                   printf('V-%012X', ?5), ?1, ?1 + ?4, ?1 + ?6)""")


def _visits(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection, contacts: int,
            now: int) -> None:
    """One visit per contact on average, at any time since a random contact's signup."""
    duck.execute(f"""CREATE TABLE visits AS
        SELECT row_number() OVER (ORDER BY least(ends, {now}), id, k) AS n, * FROM (
            SELECT k, id, starts, starts + 300 + pick(4 * 3600 - 300, 42, k, 0) AS ends
            FROM (SELECT k, v.id,
                      s.created_at + floor(({now} - s.created_at) * u(41, k, 0))::BIGINT AS starts
                  FROM (SELECT k, 1 + pick({contacts}, 40, k, 0) AS id
                        FROM range({contacts}) r(k)) v
                  JOIN signups s ON s.id = v.id))
        ORDER BY n""")
    copy_table(duck, db, "visits",
               f"least(ends, {now}), id, bits(43, k, 0, 32), pick(4, 44, k, 0), starts, ends",
               f"""INSERT INTO visits (created_at, contact_id, external_id, source, starts_at,
                   ends_at)
               VALUES (?1, ?2, printf('ext-%08x', ?3), {case('?4', VISIT_SOURCES)}, ?5, ?6)""")


def _referrals(duck: duckdb.DuckDBPyConnection, db: sqlite3.Connection) -> None:
    """One in twenty contacts was referred by someone who signed up before them."""
    duck.execute(f"""CREATE TABLE referrals AS
        SELECT row_number() OVER (ORDER BY id) AS n, created_at,
               1 + pick(id - 1, 51, id, 0) AS referring, id AS referred,
               (u(52, id, 0) < 0.7)::INT AS completed
        FROM signups WHERE id > 1 AND u(50, id, 0) < {REFERRAL_SHARE} ORDER BY n""")
    copy_table(duck, db, "referrals", "created_at, referring, referred, completed",
               "INSERT INTO referrals (created_at, referring_id, referred_id, status) "
               "VALUES (?, ?, ?, CASE WHEN ? THEN 'COMPLETED' ELSE 'PENDING' END)")


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
