"""Pins the two dlt SQL-client behaviours `pipelines/dlt_sql.py` relies on (dlt 1.31)."""

from __future__ import annotations

import dlt
import pytest

from pipelines.dlt_sql import MissingTable, on_dataset


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    """Two pipelines writing one DuckDB file: `first` holds 1 row, `second` holds 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(tmp_path / "pin.duckdb"))
    for dataset, rows in (("first", [{"id": 1}]), ("second", [{"id": 2}, {"id": 3}])):
        dlt.pipeline(
            pipeline_name=f"pin_{dataset}",
            destination="duckdb",
            dataset_name=dataset,
        ).run(rows, table_name="rows")
    return dlt.attach(pipeline_name="pin_first")


def test_a_query_on_a_table_the_warehouse_lacks_raises_missing_table(loaded):
    with loaded.sql_client() as client:
        name = client.make_qualified_table_name("not_there")
        with pytest.raises(MissingTable):
            client.execute_sql(f"SELECT * FROM {name}")


def test_on_dataset_resolves_names_in_the_other_dataset_for_the_block(loaded):
    count = "SELECT count(*) FROM {}"
    with loaded.sql_client() as client:
        with on_dataset(client, "second"):
            second = client.execute_sql(count.format(client.make_qualified_table_name("rows")))
        first = client.execute_sql(count.format(client.make_qualified_table_name("rows")))
    assert (second[0][0], first[0][0]) == (2, 1)
