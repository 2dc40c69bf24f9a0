"""Redemptions that the balance allows, and the ledgers and contacts that follow from them.

A redemption may spend only what the member holds at that moment, which depends on what earlier
redemptions spent: the one sequential part of a life. It is played in passes, one per attempt
number: pass j decides every member's j-th attempt at once from the state after attempt j-1, so
the passes number the longest life's attempts (a few dozen), not the members. Stock is applied
afterwards in time order (first come, first served): a redemption past the stock is dropped,
which only leaves its member more points, so no balance can go negative.
"""

from __future__ import annotations

import duckdb

from piggy_sandbox import people
from piggy_sandbox.catalog import REWARDS, TIERS

DAY = 86400
# (id, required credits, once per member, digital) of the rewards a member can redeem
REDEEMABLE = tuple((rid, cost, limit == 1, kind == "DIGITAL")
                   for rid, (title, kind, cost, _, _, limit, _) in enumerate(REWARDS, 1)
                   if not title.startswith("Retired"))
API_CHANNEL = 2
DIGITAL_EXPIRY_DAYS = 90
COLLECTED_SHARE = 0.7


def _catalog_lists() -> dict[str, str]:
    costs = [0] * (max(rid for rid, *_ in REDEEMABLE) + 1)
    for rid, cost, _, _ in REDEEMABLE:
        costs[rid] = cost
    return {
        "ids": str([rid for rid, *_ in REDEEMABLE]),
        "costs": str(costs[1:]),
        "once": str([rid for rid, _, once, _ in REDEEMABLE if once] or [0]),
        "digital": str([rid for rid, _, _, digital in REDEEMABLE if digital] or [0]),
    }


def build_attempts(duck: duckdb.DuckDBPyConnection) -> int:
    """`attempts`: each try to redeem with what was earned and banked up to it; the most tries
    one member makes (the number of passes)."""
    duck.execute("""CREATE TABLE attempts AS
        SELECT id, row_number() OVER (PARTITION BY id ORDER BY p) AS j, p, redeem_at, shop,
               earned, banked
        FROM (SELECT *, (sum(credits) OVER w)::BIGINT AS earned,
                     (sum(banked) OVER w)::BIGINT AS banked
              FROM purchases WINDOW w AS (PARTITION BY id ORDER BY p ROWS UNBOUNDED PRECEDING))
        WHERE tries ORDER BY j, id""")
    return (duck.execute("SELECT coalesce(max(j), 0) FROM attempts").fetchone() or (0,))[0]


def play(duck: duckdb.DuckDBPyConnection, passes: int) -> None:
    """`redeemed`: every attempt's outcome, pass by pass (attempt 0 is each member's start).

    A member picks uniformly among the rewards its balance covers (a once-only reward once); after
    a redemption a cashback member spends part of its wallet half the time.
    """
    lists = _catalog_lists()
    duck.execute("""CREATE TABLE redeemed AS
        SELECT id, 0::BIGINT AS j, NULL::BIGINT AS p, NULL::BIGINT AS redeem_at,
               NULL::BIGINT AS shop, NULL::BIGINT AS reward, 0::BIGINT AS cost,
               0::BIGINT AS wallet_out, 0::BIGINT AS spent, 0::BIGINT AS wallet_spent,
               []::BIGINT[] AS claimed
        FROM attempts WHERE j = 1""")
    step = f"""INSERT INTO redeemed
        SELECT id, j, p, redeem_at, shop, reward, cost, wallet_out, spent + cost,
               wallet_spent + wallet_out,
               CASE WHEN list_contains({lists['once']}, reward)
                    THEN list_append(claimed, reward) ELSE claimed END
        FROM (
            SELECT *, coalesce({lists['costs']}[reward], 0) AS cost,
                CASE WHEN reward IS NOT NULL AND wallet > 0 AND u(19, id, j) < 0.5
                     THEN 1 + pick(wallet, 20, id, j) ELSE 0 END AS wallet_out
            FROM (
                SELECT *, CASE WHEN len(options) > 0
                               THEN options[1 + pick(len(options), 18, id, j)] END AS reward
                FROM (
                    SELECT a.id, a.j, a.p, a.redeem_at, a.shop, r.spent, r.wallet_spent,
                        r.claimed, a.banked - r.wallet_spent AS wallet,
                        list_filter({lists['ids']}, lambda x: {lists['costs']}[x]
                            <= a.earned - r.spent AND NOT list_contains(r.claimed, x)) AS options
                    FROM attempts a JOIN redeemed r ON r.id = a.id AND r.j = a.j - 1
                    WHERE a.j = $pass AND r.j = $pass - 1)))"""
    for number in range(1, passes + 1):
        duck.execute(step, {"pass": number})


def apply_stock(duck: duckdb.DuckDBPyConnection, stock: dict[int, int | None]) -> dict[int, int]:
    """`redemptions`: the redemptions that found stock, first come first served; the stock left."""
    limits = ", ".join(f"({rid}, {left})" for rid, left in stock.items() if left is not None)
    duck.execute(f"CREATE TABLE stock (reward BIGINT, stock BIGINT); "
                 f"INSERT INTO stock VALUES {limits or '(0, 0)'}")
    duck.execute("""CREATE TABLE redemptions AS
        SELECT r.* FROM (
            SELECT *, row_number() OVER (PARTITION BY reward ORDER BY redeem_at, id, j) AS nth
            FROM redeemed WHERE reward IS NOT NULL) r
        LEFT JOIN stock s USING (reward) WHERE s.stock IS NULL OR r.nth <= s.stock""")
    used = dict(duck.execute("SELECT reward, count(*) FROM redemptions GROUP BY reward").fetchall())
    return {rid: left - used.get(rid, 0) for rid, left in stock.items() if left is not None}


def build_ledgers(duck: duckdb.DuckDBPyConnection, seed: int) -> None:
    """`ledger` and `wallet`, numbered `n` in (created_at, contact, life order): the final ids.

    An earn and its cashback come before the redemption that follows them (seq 2p, then 2p+1),
    which comes no later than the next purchase, so id order is each life's order.
    """
    lists = _catalog_lists()
    duck.execute(f"""CREATE TABLE ledger AS
        SELECT row_number() OVER (ORDER BY created_at, contact_id, seq) AS n, * FROM (
            SELECT t AS created_at, id AS contact_id, 2 * p AS seq, shop, 0 AS kind, credits,
                   amount, channel, campaign, 0 AS reward, 0 AS collected, NULL::UBIGINT AS code
            FROM purchases
            UNION ALL
            SELECT redeem_at, id, 2 * p + 1, shop,
                   CASE WHEN list_contains({lists['digital']}, reward) THEN 2 ELSE 1 END,
                   -cost, NULL, {API_CHANNEL}, 0, reward, (u(22, id, j) < {COLLECTED_SHARE})::INT,
                   CASE WHEN list_contains({lists['digital']}, reward)
                        THEN hash({seed}::BIGINT, 21, id, j) >> 24 END
            FROM redemptions)
        ORDER BY n""")
    duck.execute("""CREATE TABLE wallet AS
        SELECT row_number() OVER (ORDER BY created_at, contact_id, seq) AS n, created_at,
               contact_id, shop, amount,
               sum(amount) OVER (PARTITION BY contact_id ORDER BY seq ROWS UNBOUNDED PRECEDING)
                   AS balance_after
        FROM (SELECT t AS created_at, id AS contact_id, 2 * p AS seq, shop, banked AS amount
              FROM purchases WHERE banked > 0
              UNION ALL
              SELECT redeem_at, id, 2 * p + 1, shop, -wallet_out FROM redeemed
              WHERE wallet_out > 0)
        ORDER BY n""")


def _tier_case(received: str) -> str:
    """The tier of lifetime credits (`catalog.tier_for`) as a code, 0 before any credit."""
    arms = " ".join(f"WHEN {received} >= {threshold} THEN {index}"
                    for index, (_, _, _, threshold) in reversed(list(enumerate(TIERS, 1))))
    return f"CASE WHEN {received} <= 0 THEN 0 {arms} END"


def build_contacts(duck: duckdb.DuckDBPyConnection) -> None:
    """`contacts`: balances, lifetime credits, tier and wallet summed from the ledgers, so they
    agree by construction; the person's own fields are draws keyed by the id."""
    firsts, lasts = len(people.FIRST_NAMES), len(people.LAST_NAMES)
    duck.execute(f"""CREATE TABLE contacts AS
        SELECT p.id AS n, p.id, p.created_at, coalesce(l.last_tx, p.created_at) AS updated_at,
            pick({firsts}, 60, p.id, 0) AS first, pick({lasts}, 61, p.id, 0) AS last,
            (1950 + pick(57, 62, p.id, 0)) * 10000 + (1 + pick(12, 63, p.id, 0)) * 100
                + 1 + pick(28, 64, p.id, 0) AS birth,
            pick({len(people.STATUSES)}, 65, p.id, 0) AS status,
            {_tier_case('coalesce(l.received, 0)')} AS tier,
            coalesce(l.balance, 0) AS balance, coalesce(l.received, 0) AS received,
            l.first_tx, l.last_tx, coalesce(w.wallet, 0) AS wallet,
            (u(66, p.id, 0) < 0.55)::INT AS marketing, (u(67, p.id, 0) < 0.9)::INT AS service,
            pick(3, 68, p.id, 0) AS favorite, p.deleted_at
        FROM people p
        LEFT JOIN (SELECT contact_id, sum(credits) AS balance,
                          sum(credits) FILTER (WHERE credits > 0) AS received,
                          min(created_at) AS first_tx, max(created_at) AS last_tx
                   FROM ledger GROUP BY contact_id) l ON l.contact_id = p.id
        LEFT JOIN (SELECT contact_id, sum(amount) AS wallet FROM wallet GROUP BY contact_id) w
            ON w.contact_id = p.id
        ORDER BY p.id""")
