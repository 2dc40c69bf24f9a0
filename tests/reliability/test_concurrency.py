"""Scenario 6: two `piggy-elt run` at once on the same pipeline. The second refuses in one clear
line while the first is loading; the first finishes as if alone, and its state stays consistent."""

from __future__ import annotations

import subprocess

import pytest
from cli_runs import Workspace, assert_one_line_error, run_together
from typer.testing import CliRunner
from warehouse_checks import (
    Warehouse,
    assert_cursors_match_rows,
    differences,
    duplicate_keys,
    fingerprint,
)

from pipelines.cli import app
from pipelines.commands import erase as erase_command
from pipelines.errors import CliError
from pipelines.loading import run_load, run_lock


def test_a_second_run_refuses_while_the_first_loads(make_sandbox, tmp_path):
    """Both start at once; whichever takes the pipeline first loads (slowly: every response waits
    1.5 s), the other must refuse while it does."""
    sandbox = make_sandbox(scale=100, latency_ms=1500)
    workspace = Workspace(tmp_path / "work", env={"SOURCES__PIGGY__API_KEY": sandbox.token})
    args = ("run", "--base-url", sandbox.base_url)
    results = run_together([(workspace, args, {}), (workspace, args, {})])
    winners = [r for r in results if r.returncode == 0]
    losers = [r for r in results if r.returncode != 0]
    assert len(winners) == 1 and len(losers) == 1, [r.stderr[-300:] for r in results]
    assert_one_line_error(losers[0], "another piggy-elt run", "wait for it to finish")

    sandbox.control.configure(latency_ms=0)
    clean = Warehouse(tmp_path / "clean", sandbox)
    clean.load()
    assert not differences(clean.fingerprint(), fingerprint(workspace.duckdb_path))
    assert duplicate_keys(workspace.duckdb_path) == {}
    assert_cursors_match_rows(workspace)
    Warehouse.of(workspace, sandbox).load()
    assert not differences(clean.fingerprint(), fingerprint(workspace.duckdb_path))


def test_a_run_refuses_before_touching_a_pipeline_another_first_run_is_still_writing(tmp_path):
    """The first run of a pipeline has begun its working folder but not yet written its state: a
    second run must refuse on the lock and leave that folder alone. Opening the pipeline first,
    dlt took the folder for an empty one and wiped it, and the first run then failed with
    CannotRestorePipelineException."""
    pipelines_dir = tmp_path / "dlt"
    begun = pipelines_dir / "piggy" / "schemas" / "piggy.schema.json"
    begun.parent.mkdir(parents=True)
    begun.write_text("{}")
    with run_lock(pipelines_dir, "piggy"), pytest.raises(CliError, match="another piggy-elt run"):
        run_load(
            base_url="http://127.0.0.1:9",
            api_key="not-used",
            pipelines_dir=pipelines_dir,
            duckdb_path=tmp_path / "piggy.duckdb",
        )
    assert begun.exists(), "the second run wiped the first run's working folder"


def test_a_run_refuses_before_reading_the_state_another_run_is_writing(tmp_path):
    """The run command reads which destination the pipeline last loaded from dlt's state. It read
    it before taking the run lock, and in a fresh-clone CI run the second of two first runs failed
    there with a raw CannotRestorePipelineException instead of the lock's refusal. A state file
    that cannot be read stands in for the folder the running load is creating: the second run
    must refuse on the lock without opening it."""
    workspace = Workspace(tmp_path / "work", env={"SOURCES__PIGGY__API_KEY": "not-used"})
    state = workspace.pipeline_dir / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text('{"_state_version": 3, "_local": {"first_run"')
    with run_lock(workspace.dlt_dir / "pipelines", "piggy"):
        result = workspace.run("run", "--base-url", "http://127.0.0.1:9")
    assert_one_line_error(result, "another piggy-elt run", "wait for it to finish")
    assert state.read_text() == '{"_state_version": 3, "_local": {"first_run"'


def test_a_run_keeps_its_lock_through_its_retention_erasure(sandbox, tmp_path, monkeypatch):
    """`piggy-elt run` ends with the retention erasure, which reads and rewrites the warehouse. It
    ran after the load had let go of the run lock, so a second run could start loading while the
    first still worked on the warehouse (a DuckDB file takes one writing process: one of them
    would fail on its lock). Whether another process can take the lock is asked while the
    erasure runs."""
    workspace = Workspace(tmp_path / "work", env={"SOURCES__PIGGY__API_KEY": sandbox.token})
    lock = workspace.dlt_dir / "pipelines" / ".piggy.run.lock"
    others_could_lock: list[bool] = []

    def erase_deleted_members(pipeline_name, rebuild, now=None):
        taken = subprocess.run(["flock", "--nonblock", str(lock), "true"], check=False)
        others_could_lock.append(taken.returncode == 0)
        return []

    monkeypatch.setattr(erase_command, "erase_deleted_members", erase_deleted_members)
    result = CliRunner().invoke(
        app, ["run", "--base-url", sandbox.base_url], env=workspace.environment()
    )
    assert result.exit_code == 0, result.output
    assert others_could_lock == [False], "another run could take the lock during the erasure"
