"""`kill -9` of a `piggy-elt run` at a seeded moment inside a chosen phase, then reruns to the end.

The phase is read from dlt's pipeline folder, which moves each load package through a folder per
step: a package being written under `normalize/<temp>/` (extract), waiting in `normalize/extracted`
or being built in `load/new` (normalize), and sitting in `load/normalized` (load).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from cli_runs import Workspace, error_lines, kill_hard

PHASES = ("extract", "normalize", "load")
TYPICAL_SECONDS = {"extract": 1.0, "normalize": 0.25, "load": 0.6}
"""How long each phase lasts at the test scale; the kill lands at a seeded fraction of it."""
POLL_SECONDS = 0.005
MAX_RERUNS = 4


def _has_package(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def current_phase(pipeline_dir: Path) -> str | None:
    """Which step the run is in now, judged from where its load package is."""
    if _has_package(pipeline_dir / "load" / "normalized"):
        return "load"
    if _has_package(pipeline_dir / "normalize" / "extracted") or _has_package(
        pipeline_dir / "load" / "new"
    ):
        return "normalize"
    normalize = pipeline_dir / "normalize"
    if normalize.is_dir() and any(
        _has_package(child) for child in normalize.iterdir() if child.name != "extracted"
    ):
        return "extract"
    return None


@dataclass
class KillTrial:
    """What happened in one trial: where the kill landed and what it took to finish."""

    target: str
    delay: float
    killed_in: str | None = None
    killed: bool = False
    reruns: int = 0
    rerun_errors: list[str] = field(default_factory=list)
    finished: bool = False

    def line(self) -> str:
        where = self.killed_in or "after the run ended"
        return (f"target {self.target:<9} kill after {self.delay:.2f}s in {where:<9} "
                f"reruns {self.reruns} finished {self.finished} "
                f"errors {'; '.join(self.rerun_errors) or '-'}")


def kill_in_phase(workspace: Workspace, args: list[str], target: str, rng: random.Random,
                  timeout: float = 180) -> KillTrial:
    """Start a run, wait for `target`, and `kill -9` it a seeded moment later."""
    trial = KillTrial(target, rng.uniform(0.0, 0.9) * TYPICAL_SECONDS[target])
    process = workspace.start(*args)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if current_phase(workspace.pipeline_dir) == target:
            time.sleep(trial.delay)
            trial.killed_in = current_phase(workspace.pipeline_dir)
            break
        time.sleep(POLL_SECONDS)
    trial.killed = process.poll() is None
    kill_hard(process)
    if not trial.killed:
        trial.killed_in = None
    return trial


def rerun_until_finished(workspace: Workspace, args: list[str], trial: KillTrial) -> KillTrial:
    """Run again, as a scheduler would, until a run exits 0 (at most `MAX_RERUNS` times)."""
    for _ in range(MAX_RERUNS):
        trial.reruns += 1
        result = workspace.run(*args)
        if result.returncode == 0:
            trial.finished = True
            break
        trial.rerun_errors.append((error_lines(result) or ["(no output)"])[-1][:200])
    return trial


def kill_during(workspace: Workspace, args: list[str], target: str,
                rng: random.Random) -> KillTrial:
    """One trial: kill in `target`, then rerun until a run finishes."""
    return rerun_until_finished(workspace, args, kill_in_phase(workspace, args, target, rng))


KILL_MID_CLEANUP = """
import os, shutil, signal, sys
from dlt.common.storages.load_package import PackageStorage

def die_half_way(self, load_id, not_exists_ok=False):
    path = self.storage.make_full_path(self.get_package_path(load_id))
    if os.path.basename(os.path.dirname(path)) == "extracted":
        shutil.rmtree(os.path.join(path, "new_jobs"))
        os.kill(os.getpid(), signal.SIGKILL)
    return delete(self, load_id, not_exists_ok)

delete = PackageStorage.delete_package
PackageStorage.delete_package = die_half_way
sys.argv = ["piggy-elt", *sys.argv[1:]]
from pipelines.cli import main
main()
"""
"""`piggy-elt ARGS`, killed half way through deleting the extracted package normalize has just
turned into a load package: the one moment two copies of a package exist."""

KILL_AFTER_COMMIT = """
import os, signal, sys
from dlt.common.storages.load_package import PackageStorage

record = PackageStorage.save_pending_transition
table = sys.argv[1]

def die_before_recording(self, load_id, file_name, *args, **kwargs):
    if file_name.startswith(table + ".") and file_name.endswith(".parquet"):
        os.kill(os.getpid(), signal.SIGKILL)
    return record(self, load_id, file_name, *args, **kwargs)

PackageStorage.save_pending_transition = die_before_recording
sys.argv = ["piggy-elt", *sys.argv[2:]]
from pipelines.cli import main
main()
"""
"""`piggy-elt ARGS`, killed the moment the copy of TABLE's rows into the warehouse has committed
and before dlt has written down that it did: the narrowest crash window a load has."""


def kill_mid_cleanup(workspace: Workspace, args: list[str]) -> subprocess.CompletedProcess:
    """Run `piggy-elt ARGS` and `kill -9` it while normalize deletes its extracted package."""
    return subprocess.run([sys.executable, "-c", KILL_MID_CLEANUP, *args], cwd=workspace.root,
                          env=workspace.environment(), capture_output=True, text=True,
                          timeout=300)


def kill_after_commit(
    workspace: Workspace, table: str, args: list[str]
) -> subprocess.CompletedProcess:
    """Run `piggy-elt ARGS` and `kill -9` it between the commit of `table`'s copy and its record
    (its exit status is then -9)."""
    return subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, table, *args],
                          cwd=workspace.root, env=workspace.environment(),
                          capture_output=True, text=True, timeout=300)
