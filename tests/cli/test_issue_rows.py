"""The rest of what a new user tried (issue 18's table) and what each now gives: one line that says
what to do, and the documented exit code. The other rows live beside this file: error lines
(test_error_lines), transform options (test_transform_usage), the warehouse path
(test_warehouse_path), interrupts and locks (test_exit_codes), payouts (tests/actions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from piggy_process import BIN, environment, piggy_elt
from test_error_lines import only_error


@pytest.fixture(scope="module")
def loaded(sandbox, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("issue-rows")
    api = {"SOURCES__PIGGY__BASE_URL": sandbox.base_url, "SOURCES__PIGGY__API_KEY": sandbox.token}
    done = piggy_elt(root, "run", "--resources", "tiers", **api)
    assert done.returncode == 0, done.stderr[-2000:]
    return root, api


def in_folder(
    folder: Path, data_dir: Path, *args: str, **extra: str
) -> subprocess.CompletedProcess:
    """`piggy-elt ARGS` run from `folder` with dlt's data dir elsewhere, as a user's ~/.dlt is,
    and no warehouse file named: dlt decides where the DuckDB file is."""
    env = environment(folder, DLT_DATA_DIR=str(data_dir), **extra)
    env.pop("DESTINATION__DUCKDB__CREDENTIALS")
    return subprocess.run(
        [str(BIN), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def test_an_unknown_segment_lists_the_segments_and_is_a_usage_error(tmp_path):
    done = piggy_elt(tmp_path, "export", "-s", "seg_vip")
    assert done.returncode == 2, done.stderr
    line = only_error(done)
    assert line.startswith("error: 'seg_vip' is not a segment: ")
    assert line.endswith(
        "seg_high_value_at_risk, seg_lapsed_redeemers, seg_points_expiring_14d, seg_vip_candidates"
    )


def test_a_failed_cloud_destination_is_said_once_in_one_line_on_the_next_run(loaded, tmp_path):
    _, api = loaded
    failed = piggy_elt(tmp_path, "run", "--resources", "tiers", "--destination", "bigquery", **api)
    assert failed.returncode == 1
    later = piggy_elt(tmp_path, "run", "--resources", "tiers", **api)
    assert later.returncode == 0, later.stderr[-2000:]
    assert later.stderr.strip() == (
        "warning: pipeline 'piggy' was last run with --destination bigquery; this run loads into "
        "duckdb"
    ), "dlt's raw log line is not shown"
    again = piggy_elt(tmp_path, "run", "--resources", "tiers", **api)
    assert again.returncode == 0 and again.stderr.strip() == ""


def test_run_from_another_folder_names_the_warehouse_it_loaded(loaded, tmp_path):
    _, api = loaded
    first, second, data_dir = tmp_path / "first", tmp_path / "second", tmp_path / "dlt"
    first.mkdir(), second.mkdir()
    assert in_folder(first, data_dir, "run", "--resources", "tiers", **api).returncode == 0
    again = in_folder(second, data_dir, "run", "--resources", "tiers", **api)
    assert again.returncode == 0, again.stderr[-2000:]
    named = Path(again.stdout.strip().splitlines()[-1].removeprefix("warehouse: "))
    with duckdb.connect(str(named), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM piggy_raw.tiers").fetchone()[0] > 0
    status = in_folder(second, data_dir, "status")
    assert status.stdout.strip().splitlines()[-1] == f"warehouse: {named}"


def test_payouts_review_from_another_folder_asks_for_no_base_url(loaded, tmp_path):
    root, _ = loaded
    done = in_folder(
        tmp_path,
        root / "dlt",
        "payouts",
        "review",
        "--target-path",
        str(tmp_path / "target"),
        DESTINATION__DUCKDB__CREDENTIALS=str(root / "piggy.duckdb"),
    )
    assert done.returncode == 1
    line = only_error(done)
    assert "base_url" not in line
    assert "run `piggy-elt transform` first" in line


def hold(warehouse: Path) -> subprocess.Popen:
    """Another program (a BI tool) with the DuckDB file open for writing."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    return holder


@pytest.mark.parametrize("command", [("status",), ("transform", "--select", "stg_piggy__tiers")])
def test_status_and_transform_on_a_held_warehouse_are_refused_with_4(loaded, command):
    root, _ = loaded
    holder = hold(root / "piggy.duckdb")
    try:
        done = piggy_elt(root, *command)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 4, done.stderr[-2000:]
    assert only_error(done).startswith(f"error: {root / 'piggy.duckdb'} is open in another program")


def test_a_failing_data_test_exits_3_and_names_it(loaded, tmp_path):
    root, _ = loaded
    with duckdb.connect(str(root / "piggy.duckdb")) as con:
        con.execute("CREATE TABLE piggy_raw.tiers_backup AS SELECT * FROM piggy_raw.tiers")
        con.execute("INSERT INTO piggy_raw.tiers SELECT * FROM piggy_raw.tiers LIMIT 1")
    try:
        done = piggy_elt(
            root, "transform", "--select", "stg_piggy__tiers", "--target-path", str(tmp_path)
        )
    finally:
        with duckdb.connect(str(root / "piggy.duckdb")) as con:
            con.execute("DELETE FROM piggy_raw.tiers")
            con.execute("INSERT INTO piggy_raw.tiers SELECT * FROM piggy_raw.tiers_backup")
            con.execute("DROP TABLE piggy_raw.tiers_backup")
    assert done.returncode == 3, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: dbt build failed: test unique_stg_piggy__tiers_tier_uuid")
