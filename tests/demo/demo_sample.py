"""How `examples/cashback_requests.csv` is made from the demo account, so it can be made again.

The sandbox derives a contact's uuid from the seed and its number, but the contact's history
(what it spent, its wallet) comes from the account generator: when the generator changes, the
same uuid may be another kind of customer. So each request's member is one of the kind the
request is there for (high or low value under the payout rules), as a demo warehouse shows it
(the first `make demo`, whose marts are built before anything is paid); `test_demo.py` checks the
shipped file against that. To make it again after the sandbox changed:

    python tests/demo/demo_sample.py demo/piggy_demo.duckdb > examples/cashback_requests.csv
"""

import csv
import sys
from pathlib import Path

import duckdb

HEADER = (
    "request_id,contact_uuid,amount_cents,currency,order_reference,requested_at,"
    "is_returned,is_fraud_flagged"
)
# Members the payout rules approve at their defaults: a high-value customer (LTV decile 8+ or
# 500 EUR spent), not deleted, wallet and points in range with room for the payout.
HIGH_VALUE = """
    not is_deleted and coalesce(credit_balance, 0) >= 0
    and coalesce(prepaid_balance_cents, 0) between 0 and 90000
    and (coalesce(ltv_decile, 0) >= 8 or coalesce(lifetime_purchase_value_cents, 0) >= 50000)
"""
LOW_VALUE = """
    not is_deleted and coalesce(credit_balance, 0) >= 0
    and coalesce(prepaid_balance_cents, 0) between 0 and 90000
    and ltv_decile <= 4 and coalesce(lifetime_purchase_value_cents, 0) < 50000
"""


def members(warehouse: Path, kind: str) -> list[str]:
    """Uuids of the members of one kind ("high" or "low" value), by contact number."""
    rule = HIGH_VALUE if kind == "high" else LOW_VALUE
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"select contact_uuid from piggy_analytics.dim_contacts where {rule}"
            " order by contact_id"
        ).fetchall()
    return [row[0] for row in rows]


def sample_lines(first: str, second: str, third: str, low: str) -> list[str]:
    """Two approvals, a second request over the contact cap, a low-value customer, a returned
    order and a repeated order: what the demo's review shows, in request order. `first`,
    `second` and `third` are high-value members, `low` a low-value one."""
    rows = (
        ("demo-0001", first, 1250, "WEB-10231", "2026-10-28T10:15:00+00:00", "false"),
        ("demo-0002", second, 3000, "WEB-10244", "2026-10-29T16:40:00+00:00", "false"),
        ("demo-0003", second, 2500, "WEB-10262", "2026-10-30T09:05:00+00:00", "false"),
        ("demo-0004", low, 500, "WEB-10270", "2026-10-30T12:30:00+00:00", "false"),
        ("demo-0005", third, 2000, "WEB-10275", "2026-10-31T08:00:00+00:00", "true"),
        ("demo-0006", first, 1250, "WEB-10231", "2026-10-31T11:20:00+00:00", "false"),
    )
    return [HEADER] + [
        f"{request},{contact},{cents},EUR,{order},{at},{returned},false"
        for request, contact, cents, order, at, returned in rows
    ]


def sample_members(lines: list[str]) -> tuple[str, str, str, str]:
    """The (first, second, third, low) members a sample file names, in `sample_lines` order."""
    uuids = [line.split(",")[1] for line in lines[1:]]
    return uuids[0], uuids[1], uuids[4], uuids[3]


def shipped_lines(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return [",".join(row) for row in csv.reader(handle)]


if __name__ == "__main__":
    high = members(Path(sys.argv[1]), "high")
    print("\n".join(sample_lines(*high[:3], members(Path(sys.argv[1]), "low")[0])))
