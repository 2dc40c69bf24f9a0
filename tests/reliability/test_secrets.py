"""Scenario 5: the API key and the client secret never leave memory. Runs with both kinds of
credentials, at debug log level, plus failing runs (with and without `--debug`), status, the dbt
build and the exports; then every artefact they leave is searched: output, dlt state and traces,
load packages, the DuckDB file (every table, dlt's compressed state decoded), exports, dbt logs."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from cli_runs import Workspace, assert_one_line_error, run_together
from secret_scan import find_secrets, searched_kinds

API_KEY = "pat-3c9e1f0a7b5d4e2c8f6a1b0d9e7c5a3f"
CLIENT_SECRET = "cs-8e2d4b6f0a1c3e5d7f9b2a4c6e8d0f1a"
WRONG_SECRET = "cs-wrong-6f1d2c3b4a5e6f7d8c9b0a1e"
PROJECT_DBT = Path(__file__).resolve().parents[2] / "dbt_project"


def test_no_secret_in_any_artefact_of_a_run(make_sandbox, tmp_path):
    sandbox = make_sandbox(scale=60, token=API_KEY, client_secret=CLIENT_SECRET)
    debug_logs = {"RUNTIME__LOG_LEVEL": "DEBUG"}
    workspace = Workspace(tmp_path / "work", env=debug_logs)
    refused = [Workspace(tmp_path / f"refused-{n}", env=debug_logs) for n in (1, 2)]
    url = ("--base-url", sandbox.base_url)
    with_key = {"SOURCES__PIGGY__API_KEY": API_KEY}
    with_client = {"SOURCES__PIGGY__CLIENT_ID": sandbox.client_id,
                   "SOURCES__PIGGY__CLIENT_SECRET": CLIENT_SECRET}
    wrong_client = {**with_client, "SOURCES__PIGGY__CLIENT_SECRET": WRONG_SECRET}
    runs = [workspace.run("run", *url, **with_key),
            workspace.run("--debug", "run", *url, **with_client)]
    runs += run_together([(workspace, ("status",), with_key),
                          (refused[0], ("run", *url), wrong_client),
                          (refused[1], ("--debug", "run", *url), wrong_client)])
    runs += [workspace.run("transform", **with_key),
             workspace.run("export", "--allow-stale", **with_key)]
    ok, (status, wrong, wrong_debug), built = runs[:2], runs[2:5], runs[5:]
    assert [r.returncode for r in (*ok, status, *built)] == [0] * 5, [
        [line for line in r.stderr.splitlines() if "error" in line.lower()][-3:]
        for r in (*ok, status, *built)]
    assert_one_line_error(wrong, "SOURCES__PIGGY__CLIENT_SECRET")
    assert wrong_debug.returncode != 0 and "Traceback" in wrong_debug.stderr
    exported = [p for p in (workspace.root / "exports").rglob("*") if p.is_file()]
    assert exported, "no export written: the scan would prove nothing about exports"

    outputs = [text for run in runs for text in (run.stdout, run.stderr)]
    roots = [workspace.root, *(w.root for w in refused), PROJECT_DBT / "logs"]
    kinds = searched_kinds([workspace.root])
    assert {".duckdb", ".json", ".pickle", ".parquet", ".csv"} <= kinds, kinds
    assert find_secrets([API_KEY, CLIENT_SECRET, WRONG_SECRET], roots, outputs) == []


def test_the_scan_finds_a_secret_where_one_is_left(tmp_path):
    """The search itself can fail: a secret planted in a DuckDB table, a parquet file and a gzip
    file is found in each."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT 'Bearer ' || ? AS header", [API_KEY])
    pq.write_table(pa.table({"v": [f"x{CLIENT_SECRET}x"]}), tmp_path / "p.parquet",
                   compression="zstd")
    (tmp_path / "l.gz").write_bytes(gzip.compress(f"token={API_KEY}".encode()))
    hits = find_secrets([API_KEY, CLIENT_SECRET], [tmp_path])
    assert any("w.duckdb:main.t" in hit for hit in hits)
    assert any("p.parquet (parquet rows)" in hit for hit in hits)
    assert any("l.gz (gunzipped)" in hit for hit in hits)
