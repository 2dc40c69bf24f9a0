"""The payout ledger, a warehouse table loaded through dlt (merge on `request_id`).

`payout_ledger` holds one row per request that was ever acted on (merge on `request_id`): `intent`
(written before the call, so a call is never made that the ledger does not know about), then `paid`
or `refused`, or `returned_to_review` when the check just before the call found the request
changed or over a rule (nothing was sent; a later approval may pay it). Every step also lands in
the audit table (`pipelines.exports.audit`), in the same load as the ledger change it explains.
"""

from typing import Any

import dlt

from pipelines.dlt_sql import MissingTable
from pipelines.exports.audit import audit_resource
from pipelines.exports.warehouse import ACTIONS_DATASET, load, read_rows, read_rows_if_present

LEDGER_TABLE = "payout_ledger"
INTENT, PAID, REFUSED, RETURNED = "intent", "paid", "refused", "returned_to_review"


def read_ledger(pipeline: dlt.Pipeline) -> dict[str, dict[str, Any]]:
    """Every request acted on so far, by request id."""
    rows = read_rows_if_present(pipeline, ACTIONS_DATASET, LEDGER_TABLE)
    return {row["request_id"]: row for row in rows}


def ledger_exists(pipeline: dlt.Pipeline) -> bool:
    """Whether the warehouse holds a ledger table at all (a lost or replaced one does not)."""
    try:
        read_rows(pipeline, ACTIONS_DATASET, LEDGER_TABLE, "LIMIT 0")
    except MissingTable:
        return False
    return True


def record(
    pipeline: dlt.Pipeline, ledger_rows: list[dict[str, Any]], audit_rows: list[dict[str, Any]]
) -> None:
    """Write ledger changes and their audit rows in one dlt load."""
    resources = []
    if ledger_rows:
        resources.append(
            dlt.resource(
                ledger_rows,
                name=LEDGER_TABLE,
                primary_key="request_id",
                write_disposition="merge",
                columns=_LEDGER_COLUMNS,
            )
        )
    if audit_rows:
        resources.append(audit_resource(audit_rows))
    if resources:
        load(pipeline, resources)


_LEDGER_COLUMNS = {
    "request_id": {"data_type": "text", "nullable": False},
    "contact_uuid": {"data_type": "text"},
    "amount_cents": {"data_type": "bigint"},
    "currency": {"data_type": "text"},
    "status": {"data_type": "text"},
    "attempt": {"data_type": "bigint"},
    "intent_at": {"data_type": "timestamp"},
    "settled_at": {"data_type": "timestamp", "nullable": True},
    "transaction_uuid": {"data_type": "text", "nullable": True},
    "settled_by": {"data_type": "text", "nullable": True},
    "error": {"data_type": "text", "nullable": True},
    "wallet_mark_at": {"data_type": "timestamp", "nullable": True},
    "wallet_mark_uuids": {"data_type": "text", "nullable": True},
    "run_id": {"data_type": "text"},
    "actor": {"data_type": "text"},
}
