"""A cashback request file whose expected decisions follow from the account's own contacts."""

import csv
import datetime as dt
from pathlib import Path

HIGH_VALUE = """
    select contact_uuid from piggy_analytics.dim_contacts
    where not is_deleted and (ltv_decile >= 8 or lifetime_purchase_value_cents >= 50000)
      and coalesce(prepaid_balance_cents, 0) between 0 and 100000
      and coalesce(credit_balance, 0) >= 0
    order by contact_uuid limit 3
"""
LOW_VALUE = """
    select contact_uuid from piggy_analytics.dim_contacts
    where not is_deleted and coalesce(ltv_decile, 0) < 8
      and coalesce(lifetime_purchase_value_cents, 0) < 50000
    order by contact_uuid limit 1
"""
FIELDS = [
    "request_id",
    "contact_uuid",
    "amount_cents",
    "currency",
    "order_reference",
    "requested_at",
    "is_returned",
    "is_fraud_flagged",
]


def write_requests(workspace, path: Path) -> dict[str, dict]:
    """Seven requests; returns them by id with the decision the default rules must reach."""
    a, b, c = (row[0] for row in workspace.query(HIGH_VALUE))
    (d,) = workspace.query(LOW_VALUE)[0]
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    plan = [
        ("r1", a, 1500, "", "", "approve"),
        ("r2", b, 1200, "", "", "approve"),
        ("r3", c, 900, "", "", "approve"),
        ("r4", a, 1500, "", "", "approve"),
        ("r5", d, 800, "", "", "review"),
        ("r6", b, 700, "true", "", "reject"),
        ("r7", c, 600, "", "yes", "reject"),
    ]
    requests = {}
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for minute, (rid, contact, cents, returned, fraud, decision) in enumerate(plan):
            row = {
                "request_id": rid,
                "contact_uuid": contact,
                "amount_cents": cents,
                "currency": "EUR",
                "order_reference": f"order-{rid}",
                "requested_at": (start + dt.timedelta(minutes=minute)).isoformat(),
                "is_returned": returned,
                "is_fraud_flagged": fraud,
            }
            writer.writerow(row)
            requests[rid] = {**row, "decision": decision}
    return requests
