"""The payout ledger, a warehouse table keyed by `request_id`, written on one SQL connection.

`payout_ledger` holds one row per request that was ever acted on (merge on `request_id`): `intent`
(written before the call, so a call is never made that the ledger does not know about), then `paid`
or `refused`, or `returned_to_review` when the check just before the call found the request
changed or over a rule (nothing was sent; a later approval may pay it). Every step also lands in
the audit table (`pipelines.exports.audit`), in the same transaction as the ledger change it
explains: a run of N requests makes no dlt load once the tables exist (`pipelines.sql_writes`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dlt
from dlt.common.schema.typing import TTableSchemaColumns

from pipelines.dlt_sql import MissingTable
from pipelines.exports.audit import AUDIT_TABLE, audit_resource
from pipelines.exports.warehouse import (
    ACTIONS_DATASET,
    load,
    read_rows,
    read_rows_if_present,
    sql_client,
)
from pipelines.sql_writes import TableWriter

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


@contextmanager
def ledger_writes(pipeline: dlt.Pipeline, run_id: str) -> Iterator["LedgerWrites"]:
    """One warehouse connection for every ledger and audit write of a command."""
    with sql_client(pipeline, ACTIONS_DATASET) as client:
        yield LedgerWrites(pipeline, TableWriter(client, run_id))


class LedgerWrites:
    """Ledger changes and the audit rows that explain them, always written together."""

    def __init__(self, pipeline: dlt.Pipeline, writer: TableWriter) -> None:
        self.pipeline = pipeline
        self.writer = writer

    def record(self, ledger_rows: list[dict[str, Any]], audit_rows: list[dict[str, Any]]) -> None:
        """In one transaction; the first time a table is written, in the one dlt load that
        creates it (dlt's schema then knows its columns and types on every warehouse)."""
        tables = ((LEDGER_TABLE, ledger_rows), (AUDIT_TABLE, audit_rows))
        if any(rows and not self.writer.exists(table) for table, rows in tables):
            load(self.pipeline, _resources(ledger_rows, audit_rows))
            return
        with self.writer.transaction():
            self.writer.replace(LEDGER_TABLE, "request_id", ledger_rows)
            self.writer.insert(AUDIT_TABLE, audit_rows)


def _resources(ledger_rows: list[dict[str, Any]], audit_rows: list[dict[str, Any]]) -> list[Any]:
    resources = [audit_resource(audit_rows)] if audit_rows else []
    if ledger_rows:
        ledger = dlt.resource(
            ledger_rows,
            name=LEDGER_TABLE,
            primary_key="request_id",
            write_disposition="merge",
            columns=_LEDGER_COLUMNS,
        )
        resources.append(ledger)
    return resources


_LEDGER_COLUMNS: TTableSchemaColumns = {
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
