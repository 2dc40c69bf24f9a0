"""The dlt behaviours `pipelines.dlt_workarounds` relies on, pinned so an upgrade that changes
one fails here, and the scd2 de-duplication shown safe to repeat after a kill at any step."""

from __future__ import annotations

from pathlib import Path

import dlt
import pyarrow as pa
import pytest

from pipelines.dlt_workarounds import (
    EXTRACTED_FOLDER,
    KEPT_SUFFIX,
    drop_replayed_versions,
    restore_kept_versions,
)

pytestmark = pytest.mark.integration

SCD2 = {"disposition": "merge", "strategy": "scd2", "row_version_column_name": "row_hash"}


@pytest.fixture
def pipeline(tmp_path):
    return dlt.pipeline(
        pipeline_name="pinned",
        destination=dlt.destinations.duckdb(credentials=str(tmp_path / "pinned.duckdb")),
        dataset_name="raw",
        pipelines_dir=str(tmp_path / "dlt"),
    )


def versions(rows: list[tuple[str, str]], dlt_id: str = "") -> pa.Table:
    """Contacts-like versions; a fixed `_dlt_id` makes two equal rows identical, as a replay's."""
    table = pa.table({"uuid": [u for u, _ in rows], "row_hash": [h for _, h in rows]})
    if dlt_id:
        table = table.append_column("_dlt_id", pa.array([f"{dlt_id}{u}" for u, _ in rows]))
    return table


def contacts(table: pa.Table):
    return dlt.resource(table, name="contacts", primary_key="uuid", write_disposition=SCD2)


def query(pipeline, sql: str) -> list[tuple]:
    with pipeline.sql_client() as client:
        return client.execute_sql(sql)


def test_run_with_pending_packages_loads_them_and_extracts_nothing(pipeline):
    pipeline.run(dlt.resource([{"id": 0}], name="items"))
    pipeline.extract(dlt.resource([{"id": 1}], name="items"))
    pipeline.normalize()
    pipeline.run(dlt.resource([{"id": 2}], name="items"))
    assert query(pipeline, "SELECT id FROM raw.items ORDER BY id") == [(0,), (1,)]


def test_an_extracted_package_is_a_folder_under_normalize_extracted(pipeline):
    pipeline.extract(dlt.resource([{"id": 1}], name="items"))
    (load_id,) = pipeline.list_extracted_load_packages()
    assert (Path(pipeline.working_dir) / EXTRACTED_FOLDER / load_id).is_dir()


def test_scd2_merge_keeps_identical_rows_of_one_load_twice(pipeline):
    pipeline.run(contacts(versions([("a", "h1"), ("a", "h1")], dlt_id="x")))
    assert query(pipeline, "SELECT count(*) FROM raw.contacts") == [(2,)]


def test_replayed_versions_are_dropped_and_a_kill_at_any_step_recovers(pipeline):
    pipeline.run(contacts(versions([("a", "h1"), ("b", "h1")])))
    load_id = pipeline.run(contacts(versions([("a", "h2"), ("b", "h1")]))).loads_ids[0]
    expected = query(pipeline, "SELECT * FROM raw.contacts ORDER BY uuid, _dlt_valid_from")
    of_load = f"FROM raw.contacts WHERE _dlt_load_id = '{load_id}'"
    kept = f"raw.contacts{KEPT_SUFFIX}"
    query(pipeline, f"INSERT INTO raw.contacts SELECT * {of_load}")
    drop_replayed_versions(pipeline, load_id)
    assert query(pipeline, "SELECT * FROM raw.contacts ORDER BY uuid, _dlt_valid_from") == expected

    killed_after = (
        [f"CREATE TABLE {kept} AS SELECT DISTINCT * {of_load}"],
        [f"CREATE TABLE {kept} AS SELECT DISTINCT * {of_load}", f"DELETE {of_load}"],
        [
            f"CREATE TABLE {kept} AS SELECT DISTINCT * {of_load}",
            f"DELETE {of_load}",
            f"INSERT INTO raw.contacts SELECT * FROM {kept}",
        ],
    )
    for statements in killed_after:
        for statement in statements:
            query(pipeline, statement)
        restore_kept_versions(pipeline)
        rows = query(pipeline, "SELECT * FROM raw.contacts ORDER BY uuid, _dlt_valid_from")
        assert rows == expected, statements
    with pytest.raises(Exception, match="contacts__resumed"):
        query(pipeline, f"SELECT * FROM {kept}")


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake"])
def test_the_recovery_statements_are_single_statements_the_cloud_warehouses_parse(
    pipeline, monkeypatch, dialect
):
    """The statements a real recovery sends, parsed as BigQuery and Snowflake SQL: each one
    stands alone (no BEGIN/COMMIT, which BigQuery refuses around DDL)."""
    import sqlglot
    from dlt.destinations.impl.duckdb.sql_client import DuckDbSqlClient

    sent: list[str] = []
    execute = DuckDbSqlClient.execute_sql

    def recorded(self, sql, *args, **kwargs):
        sent.append(sql.replace("%s", "'1'"))
        return execute(self, sql, *args, **kwargs)

    pipeline.run(contacts(versions([("a", "h1"), ("b", "h1")])))
    load_id = pipeline.run(contacts(versions([("a", "h2"), ("b", "h1")]))).loads_ids[0]
    replay = f"INSERT INTO raw.contacts SELECT * FROM raw.contacts WHERE _dlt_load_id = '{load_id}'"
    query(pipeline, replay)
    monkeypatch.setattr(DuckDbSqlClient, "execute_sql", recorded)
    drop_replayed_versions(pipeline, load_id)

    kinds = [type(sqlglot.parse_one(sql, read=dialect)).__name__ for sql in sent]
    assert {"Create", "Delete", "Insert", "Drop"} <= set(kinds), sent
    assert not any(kind in {"Transaction", "Commit", "Rollback"} for kind in kinds), kinds
