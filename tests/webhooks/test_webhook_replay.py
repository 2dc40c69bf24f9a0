"""`piggy-elt webhooks replay`: dead letters go back to pending, counted, from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipelines.webhooks.journal import Backoff, Journal

REPO = Path(__file__).resolve().parents[2]


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "WEBHOOKS__JOURNAL_DIR": str(tmp_path / "journal"),
    }
    command = [sys.executable, "-m", "pipelines", "webhooks", *args]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_replay_sends_dead_letters_back_and_status_counts_them(tmp_path):
    journal = Journal(tmp_path / "journal" / "journal.sqlite")
    for n in range(3):
        journal.add(f"event {n}".encode(), "contact_updated", f"c{n}", None, "pending")
    journal.retry_later([1, 3], "CRM answered HTTP 503", Backoff(1, 60, 60))
    journal.close()
    done = cli(tmp_path, "replay")
    assert done.returncode == 0, done.stderr
    assert "moved 2 dead letter(s) back to pending" in done.stdout
    status = json.loads(cli(tmp_path, "status", "--json").stdout)
    assert (status["dead_letters"], status["backlog"], status["replayed"]) == (0, 3, 2)


def test_replay_without_a_journal_says_where_it_looked(tmp_path):
    done = cli(tmp_path, "replay")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "no webhook journal at" in done.stderr
    assert not (tmp_path / "journal").exists()
