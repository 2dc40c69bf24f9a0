"""The kill soak (`make soak`): twenty `kill -9` trials across extract, normalize and load, on first
loads and on incremental loads after the account moved, each ending equal to a clean run. Prints
one line per trial and a summary."""

from __future__ import annotations

import random

import pytest
from cli_runs import Workspace
from kill_trials import PHASES, KillTrial, kill_during
from warehouse_checks import Warehouse, differences, duplicate_keys, fingerprint

TRIALS = 20
SEED = 20261125


def one_trial(number: int, make_sandbox, root, rng: random.Random) -> tuple[KillTrial, list[str]]:
    phase, incremental = PHASES[number % len(PHASES)], number % 2 == 1
    sandbox = make_sandbox(scale=300)
    reference = Warehouse(root / "clean", sandbox)
    workspace = Workspace(root / "work", env={"SOURCES__PIGGY__API_KEY": sandbox.token})
    if incremental:
        reference.load()
        Warehouse.of(workspace, sandbox).load()
        sandbox.control.advance(days=1, signups=10, earns=40, redemptions=8, cashback=8,
                                tier_changes=4, deletes=2)
    reference.load()
    trial = kill_during(workspace, ["run", "--base-url", sandbox.base_url], phase, rng)
    problems = differences(reference.fingerprint(), fingerprint(workspace.duckdb_path))
    duplicates = duplicate_keys(workspace.duckdb_path)
    problems += [f"{table}: {count} duplicate keys" for table, count in duplicates.items()]
    return trial, problems


@pytest.mark.soak
@pytest.mark.timeout(3600)
def test_twenty_kills_all_end_equal_to_a_clean_run(make_sandbox, tmp_path):
    rng = random.Random(SEED)
    report = []
    for number in range(TRIALS):
        trial, problems = one_trial(number, make_sandbox, tmp_path / f"trial-{number:02d}", rng)
        kind = "incremental" if number % 2 else "first load"
        report.append((trial, problems))
        print(f"trial {number + 1:2d} ({kind:<11}) {trial.line()} "
              f"{'EQUAL' if not problems else 'DIFFERS: ' + '; '.join(problems)}", flush=True)
    landed = sorted({trial.killed_in or "-" for trial, _ in report})
    killed = sum(1 for trial, _ in report if trial.killed)
    equal = sum(1 for trial, problems in report if trial.finished and not problems)
    print(f"soak: {killed}/{TRIALS} runs killed, {equal}/{TRIALS} trials equal to a clean run; "
          f"kills landed in {landed}; reruns {sum(trial.reruns for trial, _ in report)}")
    assert equal == TRIALS
    assert killed == TRIALS, "a kill came after its run had ended: that trial proved nothing"
    assert set(PHASES) <= set(landed)
