"""Changes to the account that keep its invariants: every balance moves with its ledger row.

Used by the write endpoints and by clock advances alike, always inside one `store.write()`
transaction, so a failed check (1017, 1018, 1019 ...) leaves nothing half-written.
"""

from __future__ import annotations

import sqlite3

from piggy_sandbox.catalog import tier_for
from piggy_sandbox.errors import ApiError

INSUFFICIENT_CREDITS = 1017
OUT_OF_STOCK = 1018
CLAIM_LIMIT = 1019
REWARD_NOT_FOUND = 6003
EXPIRY_DAYS = 90


def _touch_contact(db: sqlite3.Connection, contact_id: int, credits: int, counts: bool,
                   at: int) -> None:
    row = db.execute("SELECT credit_balance, total_received, first_tx FROM contacts "
                     "WHERE id = ?", (contact_id,)).fetchone()
    balance = row["credit_balance"] + credits
    if balance < 0:
        raise ApiError(422, INSUFFICIENT_CREDITS,
                       "Onvoldoende punten | The contact has insufficient credits.")
    received = row["total_received"] + (credits if counts and credits > 0 else 0)
    db.execute("UPDATE contacts SET credit_balance = ?, total_received = ?, tier_id = ?, "
               "first_tx = coalesce(first_tx, ?), last_tx = ?, updated_at = ? WHERE id = ?",
               (balance, received, tier_for(received), at, at, at, contact_id))


def add_credits(db: sqlite3.Connection, contact_id: int, shop_id: int, credits: int, at: int,
                unit_value: float | None = None, channel: str = "API",
                reversed_id: int | None = None, campaign: str | None = None) -> int:
    """A credit reception (positive: earn; negative: removal or reversal)."""
    _touch_contact(db, contact_id, credits, channel != "REVERSAL", at)
    cursor = db.execute(
        "INSERT INTO loyalty_tx (created_at, contact_id, shop_id, kind, credits, unit_value, "
        "channel, campaign, reversed_id) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)",
        (at, contact_id, shop_id, credits, unit_value, channel, campaign, reversed_id))
    return int(cursor.lastrowid)


def redeem_reward(db: sqlite3.Connection, contact_id: int, reward_id: int, shop_id: int,
                  at: int, code: str) -> int:
    """A reward reception: checks stock, the claim limit and the balance, then spends."""
    reward = db.execute("SELECT * FROM rewards WHERE id = ? AND is_active = 1",
                        (reward_id,)).fetchone()
    if reward is None:
        raise ApiError.not_found(REWARD_NOT_FOUND, "Reward")
    if reward["stock"] is not None and reward["stock"] <= 0:
        raise ApiError(422, OUT_OF_STOCK, "Uitverkocht | The reward is out of stock.")
    if reward["claim_limit"] is not None:
        claimed = db.execute("SELECT count(*) FROM loyalty_tx WHERE contact_id = ? AND "
                             "reward_id = ?", (contact_id, reward_id)).fetchone()[0]
        if claimed >= reward["claim_limit"]:
            raise ApiError(422, CLAIM_LIMIT, "The contact reached this reward's claim limit.")
    _touch_contact(db, contact_id, -reward["required_credits"], False, at)
    if reward["stock"] is not None:
        db.execute("UPDATE rewards SET stock = stock - 1 WHERE id = ?", (reward_id,))
    digital = reward["reward_type"] == "DIGITAL"
    cursor = db.execute(
        "INSERT INTO loyalty_tx (created_at, contact_id, shop_id, kind, credits, channel, "
        "reward_id, title, expires_at, collected, code) VALUES (?, ?, ?, ?, ?, 'API', ?, ?, ?, "
        "0, ?)",
        (at, contact_id, shop_id, 2 if digital else 1, -reward["required_credits"], reward_id,
         reward["title"], at + EXPIRY_DAYS * 86400, code if digital else None))
    return int(cursor.lastrowid)


def prepaid(db: sqlite3.Connection, contact_id: int, shop_id: int, amount: int, at: int) -> int:
    """A prepaid (cashback wallet) transaction; the wallet never goes below zero."""
    balance = db.execute("SELECT prepaid_balance FROM contacts WHERE id = ?",
                         (contact_id,)).fetchone()[0] + amount
    if balance < 0:
        raise ApiError(422, INSUFFICIENT_CREDITS,
                       "The prepaid balance is too low for this debit.",
                       {"amount_in_cents": ["The prepaid balance is too low."]})
    db.execute("UPDATE contacts SET prepaid_balance = ?, updated_at = ? WHERE id = ?",
               (balance, at, contact_id))
    cursor = db.execute("INSERT INTO prepaid_tx (created_at, contact_id, shop_id, amount, "
                        "balance_after) VALUES (?, ?, ?, ?, ?)",
                        (at, contact_id, shop_id, amount, balance))
    return int(cursor.lastrowid)


def delete_contact(db: sqlite3.Connection, contact_id: int, at: int) -> None:
    db.execute("UPDATE contacts SET deleted_at = ?, updated_at = ? WHERE id = ?",
               (at, at, contact_id))


def redeem_voucher(db: sqlite3.Connection, voucher_id: int, contact_id: int | None,
                   at: int) -> None:
    db.execute("UPDATE vouchers SET status = 'REDEEMED', redeemed_at = ?, "
               "contact_id = coalesce(contact_id, ?) WHERE id = ?", (at, contact_id, voucher_id))
