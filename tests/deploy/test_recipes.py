"""The scheduling recipes under deploy/ are valid for the tool that reads them, and they run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml
from orchestrator_venv import ensure_dagster_venv

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
BIN = Path(sys.executable).parent / "piggy-elt"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def schedule_lines(crontab: str) -> list[str]:
    lines = [line for line in crontab.splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("#") and "=" not in line.split()[0]]


def test_the_crontab_runs_sync_hourly_from_the_project_folder():
    entries = schedule_lines((DEPLOY / "cron" / "piggy-elt.crontab").read_text())
    assert len(entries) == 1
    fields = entries[0].split(None, 5)
    assert all(CRON_FIELD.match(field) for field in fields[:5]), fields
    command = fields[5]
    assert "piggy-elt sync" in command and command.startswith('cd "$PIGGY_ELT_HOME" &&')
    syntax = subprocess.run(["bash", "-n", "-c", command], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


def test_the_systemd_units_verify_and_the_timer_fires_hourly(tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    for name in ("piggy-elt-sync.service", "piggy-elt-sync.timer"):
        text = (DEPLOY / "systemd" / name).read_text()
        text = text.replace("/srv/piggy-elt/.venv/bin/piggy-elt", str(BIN))
        text = text.replace("/srv/piggy-elt", str(tmp_path)).replace("User=piggy-elt", "User=root")
        (units / name).write_text(text)
    verify = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units.iterdir())], capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stderr
    timer = (units / "piggy-elt-sync.timer").read_text()
    calendar = re.search(r"^OnCalendar=(.+)$", timer, re.M).group(1)
    normalized = subprocess.run(
        ["systemd-analyze", "calendar", calendar], capture_output=True, text=True, check=True
    ).stdout
    assert "*-*-* *:17:00" in normalized


def test_the_github_workflow_matches_the_workflow_schema_and_keeps_secrets_out():
    workflow = DEPLOY / "github-actions" / "piggy-elt-sync.yml"
    check = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    job = yaml.safe_load(workflow.read_text())["jobs"]["sync"]
    assert any("piggy-elt sync" in step.get("run", "") for step in job["steps"])
    secret_like = {k: v for k, v in job["env"].items() if "KEY" in k or "CREDENTIALS" in k}
    assert secret_like and all(v.startswith("${{ secrets.") for v in secret_like.values())


def test_dagster_loads_the_definitions_and_its_job_runs_a_sync(sandbox, tmp_path):
    dagster = ensure_dagster_venv()
    definitions = tmp_path / "definitions.py"
    shutil.copy(DEPLOY / "dagster" / "definitions.py", definitions)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DLT_"))},
        "PIGGY_ELT_BIN": str(BIN),
        "PIGGY_ELT_HOME": str(tmp_path),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "DESTINATION__DUCKDB__CREDENTIALS": str(tmp_path / "piggy.duckdb"),
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
        "EXPORTS__OUTPUT_DIR": str(tmp_path / "exports"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DAGSTER_HOME": str(tmp_path / "dagster-home"),
    }
    (tmp_path / "dagster-home").mkdir()

    def dagster_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(dagster), *args, "-f", str(definitions)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )

    validated = dagster_cli("definitions", "validate")
    assert validated.returncode == 0, (validated.stdout + validated.stderr)[-3000:]
    executed = dagster_cli("job", "execute", "-j", "piggy_elt_sync_job")
    assert executed.returncode == 0, (executed.stdout + executed.stderr)[-3000:]
    with duckdb.connect(str(tmp_path / "piggy.duckdb"), read_only=True) as con:
        members = con.execute("SELECT count(*) FROM piggy_analytics.dim_contacts").fetchone()[0]
    assert members > 0
