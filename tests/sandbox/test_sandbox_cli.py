"""`piggy-elt sandbox serve` as a user runs it (a real subprocess), and the command group's
argument handling in-process (starting the full CLI costs seconds per call)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from pipelines.commands.sandbox import group
from pipelines.errors import CliError

CLI = [str(Path(sys.executable).with_name("piggy-elt")), "sandbox"]


def _start(tmp_path: Path, *flags: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--scale", "40", "--data-dir", str(tmp_path), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # Ctrl-C reaches the child even when this test run was started in the background
        # (which leaves SIGINT ignored, and the child would inherit that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("base URL: "):
            return process, line.split(": ", 1)[1].strip()
    raise AssertionError(f"no base URL printed: {process.stderr.read() if process.stderr else ''}")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_advance_and_stop(tmp_path: Path, stop: signal.Signals) -> None:
    process, base_url = _start(tmp_path, "--token", "cli-token", "--rate-limit", "50")
    try:
        api = f"{base_url}/api/v3/oauth/clients"
        answer = httpx.get(f"{api}/contacts", headers={"Authorization": "Bearer cli-token"})
        assert answer.status_code == 200 and answer.json()["meta"]["total"] == 40
        assert answer.headers["X-RateLimit-Limit"] == "50"
        moved = CliRunner().invoke(group, ["advance", "--base-url", base_url, "--days", "2",
                                           "--signups", "3", "--deletes", "0"])
        assert moved.exit_code == 0, moved.output
        assert "2026-11-03T00:00:00+00:00" in moved.output and "3 signups" in moved.output
        again = httpx.get(f"{api}/contacts", headers={"Authorization": "Bearer cli-token"})
        assert again.json()["meta"]["total"] == 43
    finally:
        process.send_signal(stop)
        process.wait(timeout=30)
    assert process.returncode == 0
    assert not list(tmp_path.glob("*/live-*"))


@pytest.mark.parametrize("arguments, message", [
    (["serve", "--fault-rate", "2"], "fault_rate must be between 0 and 1"),
    (["serve", "--fault-kinds", "500,boom"], "--fault-kinds: unknown kind 'boom'"),
    (["serve", "--webhook", "http://127.0.0.1:9/x"], "--webhook needs --webhook-secret"),
    (["serve", "--now", "2026-01-01"], "--now needs an offset"),
    (["advance", "--base-url", "http://127.0.0.1:9"], "no sandbox answers at"),
])
def test_bad_arguments_name_the_fix(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(group, [*arguments, *(
        ["--data-dir", str(tmp_path)] if arguments[0] == "serve" else [])])
    assert isinstance(result.exception, CliError)
    assert message in str(result.exception)
    assert "\n" not in str(result.exception)
