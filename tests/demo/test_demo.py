"""`piggy-elt demo` runs the whole job from an empty folder: sandbox, load, dbt, exports."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb

SEGMENTS = ("seg_points_expiring_14d", "seg_vip_candidates", "seg_lapsed_redeemers",
            "seg_high_value_at_risk")


def run_demo(folder: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "demo", "--scale", "80", "--dir", str(folder)],
        cwd=cwd, capture_output=True, text=True, timeout=600, check=False,
    )


def test_demo_loads_models_and_exports_into_its_own_folder(tmp_path):
    folder = tmp_path / "demo"
    finished = run_demo(folder, tmp_path)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert "where to look" in finished.stdout
    assert "piggy_demo.duckdb" in finished.stdout

    with duckdb.connect(str(folder / "piggy_demo.duckdb"), read_only=True) as con:
        contacts = con.execute(
            "select count(*) from piggy_raw.contacts where _dlt_valid_to is null"
        ).fetchone()[0]
        members = con.execute("select count(*) from piggy_analytics.dim_contacts").fetchone()[0]
        drift = con.execute(
            "select count(*) from piggy_analytics.mart_balance_reconciliation"
            " where drift_credits <> 0"
        ).fetchone()[0]
    assert contacts > 0 and members >= contacts
    assert drift == 0
    for segment in SEGMENTS:
        manifest = json.loads((folder / "exports" / segment / "manifest.json").read_text())
        assert manifest["segment"] == segment
        assert any((folder / "exports" / segment).glob("*.csv"))
        assert any((folder / "exports" / segment).glob("*.parquet"))
    assert (folder / ".dlt-data").is_dir(), "the demo's dlt state must stay in its folder"


def test_a_second_demo_in_a_new_folder_loads_everything_again(tmp_path):
    """A new folder starts from nothing: no cursor of an earlier demo may leak into it."""
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        finished = run_demo(folder, tmp_path)
        assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    counts = []
    for folder in (first, second):
        with duckdb.connect(str(folder / "piggy_demo.duckdb"), read_only=True) as con:
            counts.append(
                con.execute("select count(*) from piggy_raw.loyalty_transactions").fetchone()[0]
            )
    assert counts[0] == counts[1] > 0
