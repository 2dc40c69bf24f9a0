"""Why the dated resources tell dlt's incremental where a read reached instead of letting it filter:
its filter refuses the quarantine rows a resource yields beside its pages, and once told, it passes
them through, saves the newest `created_at`, and saves nothing for a backfill window."""

from __future__ import annotations

from datetime import UTC, datetime

import dlt
import pyarrow as pa
import pytest
from dlt.extract.incremental.exceptions import (
    IncrementalCursorPathMissing,
    IncrementalPrimaryKeyMissing,
)
from dlt.pipeline.exceptions import PipelineStepFailed

from piggy_source.created_at import CreatedAt, Reach, declare
from piggy_source.flatten import FlatPage
from piggy_source.quarantine import QUARANTINE_TABLE, quarantine_row, quarantine_table
from piggy_source.readers import variant

pytestmark = pytest.mark.integration

JAN, FEB, MAR, APR = (datetime(2026, month, 1, tzinfo=UTC) for month in (1, 2, 3, 4))


def page(*moments: datetime) -> pa.Table:
    created = pa.array(moments, pa.timestamp("us", tz="UTC"))
    return pa.table({"uuid": [f"t{i}" for i in range(len(moments))], "created_at": created})


def bad_record() -> object:
    table = quarantine_table([quarantine_row("ledger", {"uuid": "x"}, "unreadable created_at")])
    return variant(table, QUARANTINE_TABLE, "append")


def ledger(since: CreatedAt, told: bool, moments: tuple[datetime, ...] = (JAN, FEB)):
    @dlt.source(name="piggy", section="piggy")
    def piggy():
        @dlt.resource(name="ledger", primary_key="uuid", write_disposition="merge")
        def rows(created_at: CreatedAt = since):
            reach = Reach(created_at) if told else None
            table = page(*moments)
            if reach is not None:
                reach.take(FlatPage(table=table))
            yield table
            yield bad_record()

        return rows

    return piggy()


@pytest.fixture
def pipeline(tmp_path):
    return dlt.pipeline(
        pipeline_name="reach",
        destination=dlt.destinations.duckdb(credentials=str(tmp_path / "reach.duckdb")),
        dataset_name="raw",
        pipelines_dir=str(tmp_path / "dlt"),
    )


def saved(pipeline) -> datetime | None:
    source = pipeline.state["sources"]["piggy"]["resources"]["ledger"]
    return source.get("incremental", {}).get("created_at", {}).get("last_value")


def test_the_incremental_filter_refuses_rows_without_created_at(pipeline):
    with pytest.raises(PipelineStepFailed) as failed:
        pipeline.extract(ledger(declare(None, 300, None), told=False))
    refusals = (IncrementalPrimaryKeyMissing, IncrementalCursorPathMissing)
    assert isinstance(failed.value.__cause__, refusals)


def test_told_where_the_read_reached_it_passes_every_row_and_saves_the_newest(pipeline):
    pipeline.run(ledger(declare(None, 300, None), told=True))
    with pipeline.sql_client() as client:
        assert client.execute_sql(f"SELECT count(*) FROM raw.{QUARANTINE_TABLE}") == [(1,)]
        assert client.execute_sql("SELECT count(*) FROM raw.ledger") == [(2,)]
    assert saved(pipeline) == FEB

    pipeline.run(ledger(declare((MAR, APR), 300, None), told=True, moments=(MAR,)))
    assert saved(pipeline) == FEB
