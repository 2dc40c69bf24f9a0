"""The dlt settings every DuckDB load gets in code: one load job at a time and a capped DuckDB.

A million-contact first load failed with DuckDB's "Out of Memory" when dlt's parallel load jobs
shared the 128 MB cap (the ledger's merge beside the small tables' copies); one job at a time
gives each the whole cap. A user's own setting still wins.
"""

import dlt

from pipelines.dlt_settings import DUCKDB_MEMORY_LIMIT, configure_dlt, load_jobs_one_at_a_time


def strategy() -> str | None:
    """What dlt's loader resolves `parallelism_strategy` to: environment, secrets, then config."""
    return dlt.config.get("load.parallelism_strategy")


def test_duckdb_loads_run_one_job_at_a_time_under_the_cap(monkeypatch):
    monkeypatch.delenv("LOAD__PARALLELISM_STRATEGY", raising=False)
    monkeypatch.delenv("DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG", raising=False)
    configure_dlt("duckdb")
    assert strategy() == "sequential"
    settings = dlt.secrets["destination.duckdb.credentials.global_config"]
    assert settings["memory_limit"] == DUCKDB_MEMORY_LIMIT
    assert settings["preserve_insertion_order"] is False


def test_a_users_own_strategy_wins(monkeypatch):
    monkeypatch.setenv("LOAD__PARALLELISM_STRATEGY", "parallel")
    load_jobs_one_at_a_time()
    assert strategy() == "parallel"
