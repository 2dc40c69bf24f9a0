"""Plain-SQL writes to a table dlt created: replace by key, insert, all or nothing per transaction,
and dlt's bookkeeping columns filled, on a real DuckDB file."""

import dlt
import duckdb
import pytest

from pipelines.sql_writes import TableWriter

COLUMNS = {
    "request_id": {"data_type": "text", "nullable": False},
    "status": {"data_type": "text"},
    "amount_cents": {"data_type": "bigint"},
}


def created_table(tmp_path) -> dlt.Pipeline:
    pipeline = dlt.pipeline(
        "writes_check",
        destination=dlt.destinations.duckdb(str(tmp_path / "w.duckdb")),
        dataset_name="actions",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    first = [{"request_id": "r1", "status": "intent", "amount_cents": 100}]
    pipeline.run(dlt.resource(first, name="ledger", columns=COLUMNS))
    return pipeline


def rows(tmp_path) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        query = "select request_id, status, amount_cents, _dlt_load_id from actions.ledger"
        return con.execute(query + " order by request_id").fetchall()


def test_rows_replace_by_key_and_carry_the_run_id(tmp_path):
    pipeline = created_table(tmp_path)
    with pipeline.sql_client() as client:
        writer = TableWriter(client, "run-7")
        with writer.transaction():
            writer.replace(
                "ledger",
                "request_id",
                [
                    {"request_id": "r1", "status": "paid", "amount_cents": 100},
                    {"request_id": "r2", "status": "intent", "amount_cents": 250},
                ],
            )

    assert rows(tmp_path) == [("r1", "paid", 100, "run-7"), ("r2", "intent", 250, "run-7")]


def test_a_failure_inside_the_transaction_writes_nothing(tmp_path):
    pipeline = created_table(tmp_path)
    before = rows(tmp_path)
    with pipeline.sql_client() as client:
        writer = TableWriter(client, "run-8")
        with pytest.raises(KeyError), writer.transaction():
            paid = {"request_id": "r1", "status": "paid", "amount_cents": 100}
            writer.replace("ledger", "request_id", [paid, {"request_id": "r2"}])
        assert writer.exists("ledger") and not writer.exists("missing_table")

    assert rows(tmp_path) == before, "the DELETE before the failed INSERT was rolled back"
