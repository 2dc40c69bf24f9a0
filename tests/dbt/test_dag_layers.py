"""The dbt DAG reads in one direction: staging -> intermediate -> facts/dims -> marts -> segments.

A model reads only models of a lower layer; intermediate models may build on one another (shared
logic), nothing else reads its own layer. Staging reads sources only, never a seed. Checked on the
manifest `dbt parse` writes, so a new `ref` that doubles back fails here before it ships.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
LAYERS = {"stg_": 0, "int_": 1, "fct_": 2, "dim_": 2, "mart_": 3, "seg_": 4}
INTERMEDIATE = 1


def layer(name: str) -> int:
    for prefix, rank in LAYERS.items():
        if name.startswith(prefix):
            return rank
    raise AssertionError(f"model {name} has no layer prefix ({', '.join(LAYERS)})")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("dbt-parse")
    env = {**os.environ, "PIGGY_DUCKDB_PATH": str(target / "unused.duckdb")}
    parsed = subprocess.run(
        [DBT, "parse", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
         "--target-path", str(target), "--log-path", str(target)],
        env=env, capture_output=True, text=True, timeout=300)
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    return json.loads((target / "manifest.json").read_text())


def model_reads(manifest: dict) -> list[tuple[str, str, str]]:
    """(model, what it reads, resource type of that) for every model's dependency."""
    nodes = manifest["nodes"]
    reads = []
    for node in nodes.values():
        if node["resource_type"] != "model":
            continue
        for upstream in node["depends_on"]["nodes"]:
            kind = upstream.split(".")[0]
            name = nodes[upstream]["name"] if upstream in nodes else upstream.split(".")[-1]
            reads.append((node["name"], name, kind))
    return reads


def backward_reads(reads: list[tuple[str, str, str]]) -> list[str]:
    found = []
    for model, upstream, kind in reads:
        if kind == "source":
            continue
        if kind == "seed":
            if layer(model) == 0:
                found.append(f"{model} (staging) joins seed {upstream}")
            continue
        if layer(upstream) >= layer(model) and not layer(model) == layer(upstream) == INTERMEDIATE:
            found.append(f"{model} reads {upstream}")
    return found


def test_no_model_reads_its_own_layer_or_above(manifest):
    reads = model_reads(manifest)
    assert {model for model, _, _ in reads} >= {"dim_contacts", "int_segment_base"}
    assert backward_reads(reads) == []


def test_the_check_catches_a_dag_that_doubles_back():
    doubled = [("dim_contacts", "mart_customer_ltv", "model"),
               ("int_segment_base", "dim_contacts", "model"),
               ("stg_piggy__loyalty_transactions", "iso_4217_currencies", "seed"),
               ("mart_customer_ltv", "mart_cohort_retention", "model"),
               ("int_points_fifo", "int_points_movements", "model")]
    assert backward_reads(doubled) == [
        "dim_contacts reads mart_customer_ltv",
        "int_segment_base reads dim_contacts",
        "stg_piggy__loyalty_transactions (staging) joins seed iso_4217_currencies",
        "mart_customer_ltv reads mart_cohort_retention",
    ]
