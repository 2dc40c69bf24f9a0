"""dbt gets the warehouse dlt loaded, from dlt's own credentials: the profile's variables, with
nothing typed twice by the user (PostgreSQL's are checked against a real server in tests/postgres).
"""

import dlt

from pipelines.dbt_connection import PROJECT_DIR, project_paths, warehouse_settings


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


def test_artifacts_go_to_the_target_path_then_dbts_own_variable_then_the_project(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    assert project_paths()["target"] == PROJECT_DIR / "target"
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "from-env"))
    assert project_paths()["target"] == tmp_path / "from-env"
    assert project_paths()["logs"] == tmp_path / "from-env" / "logs"
    assert project_paths(tmp_path / "given")["target"] == tmp_path / "given"
