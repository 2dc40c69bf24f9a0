"""A separate virtualenv holding dbt's BigQuery, Snowflake and Redshift adapters.

The cloud adapters weigh about 800 MB with their drivers and pull newer versions of libraries the
project pins (tenacity, certifi, platformdirs), so they stay out of the project's `.venv`. They are
installed once per machine into a cached directory (about a minute from PyPI) and reused while the
pinned versions do not change. dbt-core is pinned to the project's own version so the compile test
exercises the same dbt that runs the DuckDB and PostgreSQL builds.
"""

import fcntl
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

CLOUD_ADAPTERS = ("bigquery", "snowflake", "redshift")
VENV_OVERRIDE_VARIABLE = "PIGGY_DBT_ADAPTERS_VENV"


def _requirements() -> list[str]:
    dbt_core = version("dbt-core")
    minor = ".".join(dbt_core.split(".")[:2])
    upper = f"{minor.split('.')[0]}.{int(minor.split('.')[1]) + 1}"
    adapters = [f"dbt-{name}>={minor},<{upper}" for name in CLOUD_ADAPTERS]
    return [f"dbt-core=={dbt_core}", *adapters]


def _stamp() -> str:
    """What the venv was built for: a new Python or a new dbt-core means a new venv."""
    python = f"python {sys.version_info.major}.{sys.version_info.minor}"
    return "\n".join([python, *_requirements()])


def adapter_venv_dir() -> Path:
    """Where the adapters live: $PIGGY_DBT_ADAPTERS_VENV, else a fixed folder in the temp dir."""
    override = os.environ.get(VENV_OVERRIDE_VARIABLE)
    return Path(override) if override else Path(tempfile.gettempdir()) / "piggy-elt-dbt-adapters"


def ensure_adapter_venv() -> Path:
    """Return the `dbt` executable of the adapters' venv, building the venv when it is missing.

    A lock file serialises two test runs that would otherwise build the same venv at once.
    """
    venv = adapter_venv_dir()
    dbt_executable = venv / "bin" / "dbt"
    stamp = venv / "piggy-requirements.txt"
    wanted = _stamp()
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if dbt_executable.exists() and stamp.exists() and stamp.read_text() == wanted:
            return dbt_executable
        base_python = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base_python, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", *_requirements()],
            check=True,
            timeout=900,
        )
        stamp.write_text(wanted)
    return dbt_executable
