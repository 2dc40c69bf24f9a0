"""`--json`: each command prints one JSON document on stdout, what it shows people goes to stderr.

One `sync --json` loads, transforms and exports the session's account into a folder; the other
commands then run there as a script would, and their stdout must parse as one document that
agrees with the warehouse.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from piggy_process import piggy_elt

UNREACHABLE = {"SOURCES__PIGGY__BASE_URL": "http://127.0.0.1:9", "SOURCES__PIGGY__API_KEY": "x"}


def document_of(done: subprocess.CompletedProcess) -> dict:
    """stdout holds exactly one JSON document, whatever the outcome."""
    assert done.stdout.count("\n") == 1, (done.stdout[-2000:], done.stderr[-2000:])
    document = json.loads(done.stdout)
    assert document["exit_code"] == done.returncode
    assert document["ok"] is (done.returncode == 0)
    assert isinstance(document["duration_seconds"], float)
    return document


def error_line(done: subprocess.CompletedProcess) -> str:
    """The error line stderr shows a person, without its `error: ` prefix."""
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, done.stderr[-2000:]
    return lines[0].removeprefix("error: ")


@pytest.fixture(scope="module")
def synced(sandbox, tmp_path_factory) -> tuple[Path, dict, dict[str, str]]:
    root = tmp_path_factory.mktemp("json-output")
    env = {
        "SOURCES__PIGGY__BASE_URL": sandbox.base_url,
        "SOURCES__PIGGY__API_KEY": sandbox.token,
        "EXPORTS__OUTPUT_DIR": str(root / "exports"),
    }
    done = piggy_elt(root, "sync", "--json", **env)
    assert done.returncode == 0, done.stderr[-3000:]
    return root, document_of(done), env


def raw_count(root: Path, table: str) -> int:
    with duckdb.connect(str(root / "piggy.duckdb"), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM piggy_raw.{table}").fetchone()[0]


def test_sync_reports_each_step_in_one_document(synced):
    root, document, _ = synced
    assert document["command"] == "sync"
    assert [step["command"] for step in document["steps"]] == ["run", "transform", "export"]
    assert all(step["ok"] for step in document["steps"])
    run, transform, export = document["steps"]
    assert run["warehouse"] == str((root / "piggy.duckdb").resolve())
    assert run["resources"]["contacts"]["rows"] == raw_count(root, "contacts") > 0
    assert run["requests"] >= sum(r["requests"] for r in run["resources"].values()) > 0
    assert transform["counts"]["success"] > 0 and transform["failures"] == []
    assert set(export["segments"]) >= {"seg_points_expiring_14d", "seg_vip_candidates"}


def test_run_status_transform_and_export_each_print_one_document(synced):
    root, _, env = synced
    run = document_of(piggy_elt(root, "run", "--resources", "tiers", "--json", **env))
    assert run["command"] == "run" and set(run["resources"]) == {"tiers"}
    assert {"rows", "requests", "throttled_429s", "load_seconds", "load_ids"} <= set(run)
    assert run["resources"]["tiers"]["throttled_429s"] == 0

    status = document_of(piggy_elt(root, "status", "--json", **env))
    assert status["warehouse"] == run["warehouse"]
    assert status["tables"]["contacts"]["rows"] == raw_count(root, "contacts")
    assert status["loads"][0]["load_id"] == run["load_ids"][-1]

    transform = document_of(
        piggy_elt(root, "transform", "--select", "stg_piggy__tiers", "--json", **env)
    )
    assert transform["target"] == "duckdb"
    assert sum(transform["counts"].values()) >= 1

    export = document_of(piggy_elt(root, "export", "-s", "seg_vip_candidates", "--json", **env))
    segment = export["segments"]["seg_vip_candidates"]
    assert Path(segment["manifest"]).is_file()
    manifest = json.loads(Path(segment["manifest"]).read_text())
    assert segment["members"] == manifest["rows"]
    assert segment["changed"] + segment["entered"] + segment["left"] == 0, "nothing changed"


def test_a_failing_command_still_prints_one_document_with_its_code_and_line(tmp_path):
    done = piggy_elt(tmp_path, "run", "--resources", "tiers", "--json", **UNREACHABLE)
    document = document_of(done)
    assert document["ok"] is False and document["exit_code"] == 1
    assert document["error"] == error_line(done)


def test_a_usage_error_in_json_mode_keeps_exit_2(synced):
    root, _, env = synced
    done = piggy_elt(root, "transform", "--select", "no_such_model", "--json", **env)
    document = document_of(done)
    assert document["exit_code"] == 2
    assert document["error"] == "--select 'no_such_model' matched no dbt model, seed or test"


def test_sync_names_the_failing_step_in_its_document(tmp_path):
    done = piggy_elt(tmp_path, "sync", "--json", **UNREACHABLE)
    document = document_of(done)
    assert document["exit_code"] == 1
    assert document["error"].startswith("sync stopped at `run`: ")
    assert document["error"] == error_line(done)
    assert [(s["command"], s["ok"]) for s in document["steps"]] == [("run", False)]


def test_webhooks_status_has_the_same_envelope_and_fails_the_same_way(tmp_path):
    done = piggy_elt(tmp_path, "webhooks", "status", "--json")
    document = document_of(done)
    assert (document["command"], document["exit_code"]) == ("webhooks status", 1)
    assert document["error"] == error_line(done)
    assert document["error"].startswith("no webhook journal at ")
