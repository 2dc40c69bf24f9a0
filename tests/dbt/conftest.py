"""One warehouse for the directory: the session sandbox loaded by `piggy-elt run` into a temporary
DuckDB file, then modelled by `piggy-elt transform`. Tests read it; none writes to it (a test
that needs to change raw data works on a copy)."""

from __future__ import annotations

import os

import duckdb
import pytest
from dbt_warehouse import DocsSite, Warehouse, run_cli


@pytest.fixture(scope="session")
def warehouse(sandbox, tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("dbt-warehouse")
    duckdb_path = workdir / "piggy.duckdb"
    env = {
        **os.environ,
        "DLT_DATA_DIR": str(workdir / "dlt"),
        "DESTINATION__DUCKDB__CREDENTIALS": str(duckdb_path),
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
    }
    load = run_cli(["run"], env, workdir)
    assert load.returncode == 0, load.stderr[-2000:]
    as_of = sandbox.config.now.date().isoformat()
    transform = run_cli(
        ["transform", "--as-of", as_of, "--target-path", str(workdir / "target")], env, workdir
    )
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        raw_schema = con.execute(
            "select table_schema from information_schema.tables where table_name = 'contacts'"
            " and table_schema not like '%staging'"
        ).fetchone()[0]
    return Warehouse(workdir, duckdb_path, env, as_of, raw_schema, transform)


@pytest.fixture(scope="session")
def docs_site(warehouse: Warehouse) -> DocsSite:
    """`piggy-elt docs` run once on the warehouse: the site, and dbt's manifest and catalog
    (what the yml declares, what the warehouse holds) beside it."""
    target = warehouse.workdir / "docs-target"
    built = run_cli(["docs", "--out", str(warehouse.workdir / "site"), "--target-path",
                     str(target)], warehouse.env, warehouse.workdir)
    return DocsSite(built, target)
