"""A separate virtualenv holding Dagster, as a deployment would keep it apart from piggy-elt.

Built once per machine into a cached folder (about 20 s from PyPI) and reused while the pinned
version does not change; a lock file serialises two test runs that would build it at once.
"""

import fcntl
import subprocess
import sys
import tempfile
from pathlib import Path

DAGSTER_REQUIREMENT = "dagster>=1.9,<2"


def ensure_dagster_venv() -> Path:
    """The `dagster` executable of the orchestrator's venv, building the venv when missing."""
    venv = Path(tempfile.gettempdir()) / "piggy-elt-dagster"
    executable = venv / "bin" / "dagster"
    stamp = venv / "piggy-requirements.txt"
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if executable.exists() and stamp.exists() and stamp.read_text() == DAGSTER_REQUIREMENT:
            return executable
        base_python = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base_python, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", DAGSTER_REQUIREMENT]
        subprocess.run(pip, check=True)
        stamp.write_text(DAGSTER_REQUIREMENT)
    return executable
