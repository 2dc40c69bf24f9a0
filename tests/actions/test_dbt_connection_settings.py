"""dbt gets the warehouse dlt loaded, from dlt's own credentials: the profile's variables, with
nothing typed twice by the user (PostgreSQL's are checked against a real server in tests/postgres).
"""

import dlt

from pipelines.dbt_connection import warehouse_settings


def pipeline_on(tmp_path, destination) -> dlt.Pipeline:
    return dlt.pipeline(
        "settings_check", destination=destination, dataset_name="raw", pipelines_dir=str(tmp_path)
    )


def test_duckdb_gets_the_absolute_path_of_the_loaded_file(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    pipeline = pipeline_on(tmp_path, dlt.destinations.duckdb(str(warehouse)))

    assert warehouse_settings(pipeline, "duckdb") == {
        "PIGGY_DBT_TARGET": "duckdb",
        "PIGGY_RAW_SCHEMA": "raw",
        "PIGGY_DUCKDB_PATH": str(warehouse.resolve()),
    }
