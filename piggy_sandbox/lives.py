"""Every contact's life at once, in DuckDB: signups, purchases and the draws behind them.

Generation is set-based so that a million contacts (about ten million ledger rows) take minutes,
not ten: each random draw is a hash of (seed, stream, key), so a row's values depend only on the
seed and the row, never on the order rows are computed in, and DuckDB may use every core. The
sequential part of a life (a redemption spends what the balance holds) is in `redemptions.py`.
"""

from __future__ import annotations

import duckdb

from piggy_sandbox import people
from piggy_sandbox.config import SandboxConfig

YEAR = 365 * 86400
DAY = 86400
HISTORY_YEARS = 3
DELETED_SHARE = 0.02
CASHBACK_SHARE = 0.3
PURCHASES_PER_CONTACT = 5.5
MAX_PURCHASES = 200
REDEEM_SHARE = 0.3
BONUS_CREDITS = (10, 25, 50)
CHANNEL_CODES = ("WOOCOMMERCE", "KIOSK", "API", "BUSINESS_DASHBOARD")
CHANNEL_DRAW = [CHANNEL_CODES.index(channel) for channel in people.CHANNELS]
CAMPAIGN_CODES = (None, "double_points", "summer", "app_launch")
CAMPAIGN_DRAW = [CAMPAIGN_CODES.index(campaign) for campaign in people.CAMPAIGNS]
WEBSHOP = 3


def open_engine(config: SandboxConfig, temp_dir: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the seeded draw macros; it spills to `temp_dir` if it must."""
    duck = duckdb.connect(config={"threads": 2, "memory_limit": "2GB",
                                  "temp_directory": temp_dir, "preserve_insertion_order": True})
    seed = int(config.seed)
    duck.execute(f"""CREATE MACRO u(stream, a, b) AS
        (hash({seed}::BIGINT, stream::BIGINT, a::BIGINT, b::BIGINT) >> 11)::DOUBLE
        / 9007199254740992.0""")
    duck.execute(f"CREATE MACRO bits(stream, a, b, width) AS hash({seed}::BIGINT, "
                 "stream::BIGINT, a::BIGINT, b::BIGINT) >> (64 - width)")
    duck.execute("CREATE MACRO pick(n, stream, a, b) AS floor(u(stream, a, b) * n)::BIGINT")
    duck.execute("CREATE MACRO gauss(stream, a, b) AS sqrt(-2 * ln(1 - u(stream, a, b)))"
                 " * cos(2 * pi() * u(stream + 1000, a, b))")
    return duck


def contact_total(scale: int) -> int:
    """Live contacts plus the deleted ones generated on top (2% of all)."""
    return scale + max(0, round(scale * DELETED_SHARE / (1 - DELETED_SHARE)))


def build_people(duck: duckdb.DuckDBPyConnection, config: SandboxConfig, now: int) -> None:
    """`people`: one row per contact id, in signup order, with the parameters of its life.

    Signups spread over three years, denser recently (a growing program); ids follow signups.
    """
    total = contact_total(config.scale)
    start = now - HISTORY_YEARS * YEAR
    span = now - start - DAY
    duck.execute(f"""CREATE TABLE signups AS
        SELECT row_number() OVER (ORDER BY t, k) AS id, t AS created_at FROM (
            SELECT k, {start} + floor({span} * pow(u(1, k, 0), 0.7))::BIGINT AS t
            FROM range({total}) r(k))""")
    duck.execute(f"""CREATE TABLE people AS
        SELECT s.id, s.created_at,
            CASE WHEN d.id IS NOT NULL
                THEN s.created_at + floor(({now} - s.created_at) * u(3, s.id, 0))::BIGINT
            END AS deleted_at,
            least({MAX_PURCHASES}, floor(-ln(1 - u(4, s.id, 0)) * {PURCHASES_PER_CONTACT}
                  * exp(0.9 * gauss(5, s.id, 0))))::BIGINT AS purchases,
            u(6, s.id, 0) < {CASHBACK_SHARE} AS cashback,
            1 + pick(4, 7, s.id, 0) AS first_shop
        FROM signups s LEFT JOIN (
            SELECT id FROM signups ORDER BY hash({int(config.seed)}::BIGINT, 2, id)
            LIMIT {total - config.scale}) d ON d.id = s.id
        ORDER BY s.id""")


def build_purchases(duck: duckdb.DuckDBPyConnection, config: SandboxConfig, now: int) -> None:
    """`purchases`: every purchase (or bonus) in each life's time order, numbered `p` from 0.

    A purchase earns points through the default unit (85%) or is a fixed bonus; a member keeps
    to one shop and switches now and then; cashback members bank 2% in the wallet. After 30% of
    purchases the member tries to redeem, before the next purchase, within a week.
    """
    minor = config.minor_units
    per_unit = minor if minor > 1 else 100
    duck.execute(f"""CREATE TABLE purchases AS
        WITH drawn AS (
            SELECT id, cashback, first_shop, ends, i,
                created_at + floor((ends - created_at) * u(8, id, i))::BIGINT AS t
            FROM (SELECT *, coalesce(deleted_at, {now}) AS ends,
                         unnest(range(purchases)) AS i FROM people)
        ), timed AS (
            SELECT *, row_number() OVER w - 1 AS p, lead(t) OVER w AS next_t FROM drawn
            WINDOW w AS (PARTITION BY id ORDER BY t, i)
        ), shopped AS (
            SELECT *, coalesce(last_value(CASE WHEN u(9, id, p) < 0.3
                                               THEN 1 + pick(4, 10, id, p) END IGNORE NULLS)
                OVER (PARTITION BY id ORDER BY p ROWS UNBOUNDED PRECEDING), first_shop) AS shop,
                u(12, id, p) < 0.85 AS bought,
                greatest({minor}, round(least(2000.0, exp(3.1 + 0.8 * gauss(13, id, p)))
                                        * {minor}))::BIGINT AS basket
            FROM timed
        )
        SELECT id::INTEGER AS id, p::INTEGER AS p, t, shop::UTINYINT AS shop,
            (CASE WHEN shop = {WEBSHOP} THEN 0
                 ELSE {CHANNEL_DRAW}[1 + pick({len(CHANNEL_DRAW)}, 11, id, p)] END)::UTINYINT
                AS channel,
            {CAMPAIGN_DRAW}[1 + pick({len(CAMPAIGN_DRAW)}, 14, id, p)]::UTINYINT AS campaign,
            CASE WHEN bought THEN basket END AS amount,
            (CASE WHEN bought THEN basket // {per_unit}
                 ELSE {list(BONUS_CREDITS)}[1 + pick({len(BONUS_CREDITS)}, 15, id, p)]
            END)::INTEGER AS credits,
            CASE WHEN bought AND cashback THEN basket * {people.CASHBACK_PERCENT} // 100 ELSE 0 END
                AS banked,
            u(16, id, p) < {REDEEM_SHARE} AS tries,
            least(coalesce(next_t, ends), t + 60 + pick(7 * {DAY}, 17, id, p)) AS redeem_at
        FROM shopped ORDER BY id, p""")
