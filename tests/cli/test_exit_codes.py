"""The exit codes the README documents, as a scheduler sees them from outside the process."""

from __future__ import annotations

import signal
import time

from piggy_process import piggy_elt, start, wait_for

from pipelines.exports.warehouse import actions_pipeline
from pipelines.locks import held


def test_version_prints_the_package_version(tmp_path):
    done = piggy_elt(tmp_path, "--version")
    assert done.returncode == 0
    assert done.stdout.strip().startswith("piggy-elt 0.")


def test_ctrl_c_in_a_first_run_exits_130_status_says_resume_and_the_next_run_completes(
    make_sandbox, tmp_path
):
    slow = make_sandbox(latency_ms=1500)
    api = {"SOURCES__PIGGY__BASE_URL": slow.base_url, "SOURCES__PIGGY__API_KEY": slow.token}
    running = start(tmp_path, "run", **api)
    wait_for(tmp_path / "dlt" / "pipelines" / "piggy" / "state.json")
    time.sleep(1)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=120)
    assert running.returncode == 130, stderr[-2000:]
    assert stderr.strip().splitlines()[-1].endswith("interrupted; run again to resume")

    status = piggy_elt(tmp_path, "status")
    assert status.returncode == 1
    assert status.stderr.strip().splitlines() == [
        "error: pipeline 'piggy' has loaded nothing yet (its first run was interrupted or "
        "failed): run `piggy-elt run`, it resumes"
    ]
    rerun = piggy_elt(tmp_path, "run", **api)
    assert rerun.returncode == 0, rerun.stderr[-2000:]


def test_an_approver_finding_the_actions_lock_held_is_refused_with_4(
    sandbox, tmp_path, monkeypatch
):
    api = {"SOURCES__PIGGY__BASE_URL": sandbox.base_url, "SOURCES__PIGGY__API_KEY": sandbox.token}
    loaded = piggy_elt(tmp_path, "run", "--resources", "tiers", **api)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(tmp_path / "piggy.duckdb"))
    monkeypatch.chdir(tmp_path)
    actions = actions_pipeline("piggy")
    lock = tmp_path / "dlt" / "pipelines" / f".{actions.pipeline_name}.lock"
    with held(lock, "held by this test"):
        refused = piggy_elt(tmp_path, "payouts", "approve", **api)
    assert refused.returncode == 4, refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "another piggy-elt export or payouts command" in lines[0]
