"""The generated account straight from `generate`: the same file twice, and each life in id order.

The server pages on ids and the marts replay ledgers in id order, so ids must follow created_at,
and a member's running balance and wallet must never dip below zero in that order.
"""

from __future__ import annotations

import sqlite3

import pytest

from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.generate import generate
from piggy_sandbox.invariants import check

LIST_TABLES = ("contacts", "loyalty_tx", "prepaid_tx", "vouchers", "giftcard_tx", "visits",
               "referrals")


@pytest.fixture(scope="module")
def account(tmp_path_factory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("generated") / "base.sqlite"
    generate(str(path), SandboxConfig(scale=3000, seed=11))
    db = sqlite3.connect(path)
    yield db
    db.close()


def _dump(db: sqlite3.Connection) -> list[str]:
    return list(db.iterdump())


def test_same_seed_same_file_other_seed_other_file(account, tmp_path) -> None:
    again = tmp_path / "again.sqlite"
    generate(str(again), SandboxConfig(scale=3000, seed=11))
    with sqlite3.connect(again) as db:
        assert _dump(db) == _dump(account)
    other = tmp_path / "other.sqlite"
    generate(str(other), SandboxConfig(scale=3000, seed=12))
    with sqlite3.connect(other) as db:
        assert db.execute("SELECT sum(credits) FROM loyalty_tx").fetchone() != \
            account.execute("SELECT sum(credits) FROM loyalty_tx").fetchone()


def test_counts_and_invariants(account) -> None:
    assert check(account) == dict.fromkeys(check(account), 0)
    contacts, deleted = account.execute(
        "SELECT count(*), count(deleted_at) FROM contacts").fetchone()
    assert contacts - deleted == 3000 and deleted > 0
    ledger = account.execute("SELECT count(*) FROM loyalty_tx").fetchone()[0]
    assert 5 * 3000 < ledger < 20 * 3000
    kinds = dict(account.execute("SELECT kind, count(*) FROM loyalty_tx GROUP BY kind"))
    assert set(kinds) == {0, 1, 2}
    redeemed = account.execute(
        "SELECT count(*), count(redeemed_at) FROM vouchers WHERE status = 'REDEEMED'").fetchone()
    assert redeemed[0] == redeemed[1] > 0
    assert account.execute(
        "SELECT count(*) FROM vouchers WHERE status != 'REDEEMED' AND redeemed_at IS NOT NULL"
    ).fetchone()[0] == 0


@pytest.mark.parametrize("table", LIST_TABLES)
def test_ids_follow_created_at(account, table: str) -> None:
    out_of_order = account.execute(
        f"SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (ORDER BY id) AS before "
        f"FROM {table}) WHERE created_at < before").fetchone()[0]
    assert out_of_order == 0
    first, last, count = account.execute(
        f"SELECT min(id), max(id), count(*) FROM {table}").fetchone()
    assert (first, last) == (1, count)


def test_no_running_balance_goes_negative_in_id_order(account) -> None:
    negative = account.execute(
        "SELECT count(*) FROM (SELECT sum(credits) OVER (PARTITION BY contact_id ORDER BY id) "
        "AS running FROM loyalty_tx) WHERE running < 0").fetchone()[0]
    assert negative == 0
    wrong_wallet = account.execute(
        "SELECT count(*) FROM (SELECT balance_after, sum(amount) OVER (PARTITION BY contact_id "
        "ORDER BY id) AS running FROM prepaid_tx) WHERE running != balance_after "
        "OR balance_after < 0").fetchone()[0]
    assert wrong_wallet == 0


def test_redemptions_respect_stock_and_claim_limits(account) -> None:
    assert account.execute("SELECT count(*) FROM rewards WHERE stock = 0").fetchone()[0] >= 1
    repeated = account.execute(
        "SELECT count(*) FROM (SELECT contact_id FROM loyalty_tx l JOIN rewards r "
        "ON r.id = l.reward_id WHERE r.claim_limit IS NOT NULL GROUP BY contact_id, reward_id, "
        "claim_limit HAVING count(*) > claim_limit)").fetchone()[0]
    assert repeated == 0
    codes = account.execute(
        "SELECT count(*), count(code), count(DISTINCT code) FROM loyalty_tx WHERE kind = 2"
    ).fetchone()
    assert codes[0] == codes[1] == codes[2] > 0
