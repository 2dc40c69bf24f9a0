"""Exports, payouts and reports read the dbt models where the profile builds them: a schema set
for dbt (`PIGGY_ANALYTICS_SCHEMA`) is the schema they read, not a hard-coded `piggy_analytics`."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from pipelines.dbt_connection import (
    ANALYTICS_SCHEMA_VARIABLE,
    DEFAULT_ANALYTICS_SCHEMA,
    PROJECT_DIR,
    TARGETS,
)

REPO = Path(__file__).resolve().parents[2]


def test_every_profile_target_builds_in_the_schema_the_readers_resolve():
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    outputs = profile["piggy_elt"]["outputs"]
    expected = f"{{{{ env_var('{ANALYTICS_SCHEMA_VARIABLE}', '{DEFAULT_ANALYTICS_SCHEMA}') }}}}"

    assert set(outputs) == set(TARGETS)
    for name, output in outputs.items():
        assert output.get("schema", output.get("dataset")) == expected, name


def test_the_readers_follow_a_schema_set_for_dbt():
    read = "from pipelines.exports.warehouse import ANALYTICS_DATASET; print(ANALYTICS_DATASET)"
    env = {**os.environ, ANALYTICS_SCHEMA_VARIABLE: "loyalty_marts", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", read], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "loyalty_marts"
