"""`piggy-elt demo` runs the whole job from an empty folder: sandbox, load, dbt, exports, report."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb

from piggy_sandbox.config import DEFAULT_NOW

SEGMENTS = (
    "seg_points_expiring_14d",
    "seg_vip_candidates",
    "seg_lapsed_redeemers",
    "seg_high_value_at_risk",
)


def run_demo(folder: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "demo", "--scale", "80", "--dir", str(folder)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
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
    assert (folder / "report.html").stat().st_size > 0


def test_demo_builds_for_the_sandbox_day_and_ends_with_lines_that_work(tmp_path):
    """The marts are built for the sandbox clock's day, dbt writes into the demo folder, and the
    closing lines are plain: each path exists and each command, pasted in the folder, runs."""
    folder = tmp_path / "demo"
    finished = run_demo(folder, tmp_path)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    day = DEFAULT_NOW.date().isoformat()
    with duckdb.connect(str(folder / "piggy_demo.duckdb"), read_only=True) as con:
        built_for = con.execute(
            "select max(liability_date) from piggy_analytics.mart_points_liability"
        ).fetchone()[0]
    assert built_for.isoformat() == day
    assert (folder / "dbt-target" / "run_results.json").is_file()
    assert (folder / "dbt-target" / "logs" / "dbt.log").is_file()

    summary = finished.stdout[finished.stdout.index("piggy-elt demo: where to look") :]
    assert f"as of {day}" in summary.splitlines()[0]
    assert not set(summary) & set("│╭╮╰╯─"), "no box drawing around the lines to copy"
    labelled = dict(line.split(": ", 1) for line in summary.splitlines()[1:] if ": " in line)
    assert Path(labelled["Report"].strip()) == (folder / "report.html").resolve()
    assert Path(labelled["Warehouse"].strip()) == (folder / "piggy_demo.duckdb").resolve()
    commands = summary.split("Next, in the demo folder:\n", 1)[1].strip().splitlines()
    assert commands[0] == f"cd {folder.resolve()}"
    assert len(commands) == 4
    run_pasted_commands(folder, commands[1:])


def run_pasted_commands(folder: Path, commands: list[str]) -> None:
    """Each command as a user pastes it in the demo folder: no DLT_DATA_DIR, no other help."""
    env = {name: value for name, value in os.environ.items() if name != "DLT_DATA_DIR"}
    for command in commands:
        done = subprocess.run(
            shlex.split(command),
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
        if " status " in command:
            assert "piggy_demo" in done.stdout and "loyalty_transactions" in done.stdout


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
