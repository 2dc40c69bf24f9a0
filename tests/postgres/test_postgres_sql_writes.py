"""The payout ledger's plain-SQL writes on PostgreSQL: replace by key and insert in one
transaction, aware timestamps kept as instants, nothing written when the transaction fails."""

import dlt
import pytest

from pipelines.sql_writes import TableWriter
from pipelines.times import as_utc

COLUMNS = {
    "request_id": {"data_type": "text", "nullable": False},
    "status": {"data_type": "text"},
    "settled_at": {"data_type": "timestamp", "nullable": True},
}
pytestmark = pytest.mark.postgres
SETTLED = as_utc("2026-11-27T22:00:00+01:00")


def ledger_on(postgres_server, tmp_path) -> dlt.Pipeline:
    pipeline = dlt.pipeline(
        "ledger_writes_check",
        destination=dlt.destinations.postgres(postgres_server.dlt_credentials),
        dataset_name="ledger_writes_check",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    first = [{"request_id": "r1", "status": "intent", "settled_at": None}]
    pipeline.run(dlt.resource(first, name="ledger", columns=COLUMNS, write_disposition="replace"))
    return pipeline


def ledger_rows(pipeline: dlt.Pipeline) -> list[tuple]:
    with pipeline.sql_client() as client:
        query = "SELECT request_id, status, settled_at, _dlt_load_id FROM ledger ORDER BY 1"
        return [tuple(row) for row in client.execute_sql(query) or []]


def test_replace_and_rollback_on_postgres(postgres_server, tmp_path):
    pipeline = ledger_on(postgres_server, tmp_path)
    paid = {"request_id": "r1", "status": "paid", "settled_at": SETTLED}
    with pipeline.sql_client() as client:
        writer = TableWriter(client, "run-1")
        with writer.transaction():
            writer.replace("ledger", "request_id", [paid])
        with pytest.raises(KeyError), writer.transaction():
            writer.replace("ledger", "request_id", [{**paid, "status": "x"}, {"request_id": "r2"}])

    ((request_id, status, settled_at, load_id),) = ledger_rows(pipeline)
    assert (request_id, status, load_id) == ("r1", "paid", "run-1")
    assert as_utc(settled_at) == SETTLED
