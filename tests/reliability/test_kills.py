"""Scenario 2: `kill -9` of `piggy-elt run` during extract, normalize or load, then reruns until
one finishes: the warehouse equals a clean run's, with no duplicate and no lost row, and the saved
cursors match what landed. A few trials here; `make soak` runs twenty and prints a report.

Three kills are placed rather than timed: in the load of an incremental run followed by new
activity (the rerun must read it, not only finish the old package), in the instant between a
committed copy and dlt's record of it, and half way through normalize deleting the package it has
just converted (timed kills hit each of the last two about once in twenty)."""

from __future__ import annotations

import random

import pytest
from cli_runs import Workspace
from kill_trials import (
    PHASES,
    kill_after_commit,
    kill_during,
    kill_in_phase,
    kill_mid_cleanup,
)
from warehouse_checks import (
    Warehouse,
    assert_cursors_match_rows,
    differences,
    duplicate_keys,
    fingerprint,
)


@pytest.mark.parametrize("phase", PHASES)
def test_a_run_killed_in_any_phase_ends_equal_to_a_clean_run(
    phase, sandbox, clean_reference, workspace
):
    workspace.env["SOURCES__PIGGY__API_KEY"] = sandbox.token
    trial = kill_during(workspace, ["run", "--base-url", sandbox.base_url], phase,
                        random.Random(f"kill-{phase}"))
    print(trial.line())
    # The kill lands a seeded moment after the target phase starts; a phase shorter than that
    # moment (normalize at this scale, on a busy machine) hands the kill to the next phase.
    assert trial.killed and trial.killed_in in PHASES[PHASES.index(phase):], trial.line()
    assert trial.finished, trial.line()
    expected, actual = clean_reference.fingerprint(), fingerprint(workspace.duckdb_path)
    assert not differences(expected, actual), differences(expected, actual)
    assert duplicate_keys(workspace.duckdb_path) == {}
    assert_cursors_match_rows(workspace)


def test_the_run_after_a_killed_load_also_reads_what_is_new(make_sandbox, tmp_path):
    """The next run first finishes the package the killed one left, and then still reads the
    account as it is now: a scheduled run after a crash must not report success on stale data."""
    sandbox = make_sandbox(scale=300)
    workspace = Workspace(tmp_path / "work", env={"SOURCES__PIGGY__API_KEY": sandbox.token})
    args = ["run", "--base-url", sandbox.base_url]
    clean = Warehouse(tmp_path / "clean", sandbox)
    clean.load()
    trial = kill_in_phase(workspace, args, "load", random.Random("stale"))
    assert trial.killed and trial.killed_in == "load", trial.line()
    sandbox.control.advance(days=1, signups=10, earns=40, redemptions=8, cashback=8,
                            tier_changes=4, deletes=2)
    rerun = workspace.run(*args)
    assert rerun.returncode == 0, rerun.stderr
    clean.load()
    expected, actual = clean.fingerprint(), fingerprint(workspace.duckdb_path)
    assert not differences(expected, actual), differences(expected, actual)


def test_a_load_killed_between_a_commit_and_its_record_ends_equal_to_a_clean_run(
    make_sandbox, tmp_path
):
    """The contacts rows reach the warehouse's staging table, then the process dies before dlt
    notes it: the resumed load copies them again, and the scd2 merge must not version them twice."""
    sandbox = make_sandbox(scale=300)
    workspace = Workspace(tmp_path / "work", env={"SOURCES__PIGGY__API_KEY": sandbox.token})
    clean = Warehouse(tmp_path / "clean", sandbox)
    for warehouse in (clean, Warehouse.of(workspace, sandbox)):
        warehouse.load()
    sandbox.control.advance(days=1, signups=10, earns=40, redemptions=8, cashback=8,
                            tier_changes=4, deletes=2)
    clean.load()
    args = ["run", "--base-url", sandbox.base_url]
    killed = kill_after_commit(workspace, "contacts", args)
    assert killed.returncode == -9, killed.stderr[-2000:]
    rerun = workspace.run(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert duplicate_keys(workspace.duckdb_path) == {}
    expected, actual = clean.fingerprint(), fingerprint(workspace.duckdb_path)
    assert not differences(expected, actual), differences(expected, actual)


def test_a_run_killed_while_normalize_cleans_up_does_not_block_every_later_run(
    sandbox, clean_reference, workspace
):
    """Normalize writes the load package, then deletes the extracted one; a kill half way through
    that delete leaves a torn copy behind, which the next run must not trip over forever."""
    workspace.env["SOURCES__PIGGY__API_KEY"] = sandbox.token
    args = ["run", "--base-url", sandbox.base_url]
    killed = kill_mid_cleanup(workspace, args)
    assert killed.returncode == -9, killed.stderr[-2000:]
    rerun = workspace.run(*args)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    expected, actual = clean_reference.fingerprint(), fingerprint(workspace.duckdb_path)
    assert not differences(expected, actual), differences(expected, actual)
