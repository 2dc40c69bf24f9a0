"""The account's invariants, checked in SQL: what every mutation must keep true."""

from __future__ import annotations

import sqlite3

from piggy_sandbox.catalog import TIERS

CHECKS = {
    "credit_balance_mismatch": """
        SELECT count(*) FROM contacts c LEFT JOIN (SELECT contact_id, sum(credits) AS total
            FROM loyalty_tx GROUP BY contact_id) l ON l.contact_id = c.id
        WHERE c.credit_balance != coalesce(l.total, 0)""",
    "prepaid_balance_mismatch": """
        SELECT count(*) FROM contacts c LEFT JOIN (SELECT contact_id, sum(amount) AS total
            FROM prepaid_tx GROUP BY contact_id) p ON p.contact_id = c.id
        WHERE c.prepaid_balance != coalesce(p.total, 0)""",
    "total_received_mismatch": """
        SELECT count(*) FROM contacts c LEFT JOIN (SELECT contact_id, sum(credits) AS total
            FROM loyalty_tx WHERE credits > 0 AND channel != 'REVERSAL' GROUP BY contact_id) l
            ON l.contact_id = c.id
        WHERE c.total_received != coalesce(l.total, 0)""",
    "negative_credit_balance": "SELECT count(*) FROM contacts WHERE credit_balance < 0",
    "negative_prepaid_balance": "SELECT count(*) FROM prepaid_tx WHERE balance_after < 0",
    "negative_stock": "SELECT count(*) FROM rewards WHERE stock < 0",
}


def _tier_check() -> str:
    cases = " ".join(f"WHEN total_received >= {threshold} THEN {index}"
                     for index, (_, _, _, threshold) in reversed(list(enumerate(TIERS, 1))))
    return (f"SELECT count(*) FROM contacts WHERE coalesce(tier_id, 0) != "
            f"CASE WHEN total_received <= 0 THEN 0 {cases} END")


def check(db: sqlite3.Connection) -> dict[str, int]:
    """Counts of rows breaking each invariant; all zero on a healthy account."""
    results = {name: db.execute(sql).fetchone()[0] for name, sql in CHECKS.items()}
    results["tier_mismatch"] = db.execute(_tier_check()).fetchone()[0]
    return results
