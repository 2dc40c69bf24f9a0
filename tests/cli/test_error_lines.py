"""Setup mistakes a new user makes: one line that says what to fix, and the documented code."""

from __future__ import annotations

import subprocess
import sys
import time

from piggy_process import piggy_elt

UNREACHABLE = {"SOURCES__PIGGY__BASE_URL": "http://127.0.0.1:9", "SOURCES__PIGGY__API_KEY": "x"}


def only_error(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.strip().splitlines() if line]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_broken_secrets_file_is_named_with_its_line(tmp_path):
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text('[sources.piggy]\napi_key = "abc\n')
    done = piggy_elt(tmp_path, "status")
    assert done.returncode == 1
    line = only_error(done)
    assert line.startswith("error: .dlt/secrets.toml is not valid TOML: ")
    assert "line 2" in line


def test_a_setting_of_the_wrong_type_names_the_setting(tmp_path):
    done = piggy_elt(
        tmp_path, "run", "--resources", "tiers", SOURCES__PIGGY__CONCURRENCY="abc", **UNREACHABLE
    )
    assert done.returncode == 1
    line = only_error(done)
    assert "`concurrency` = 'abc' is not a valid int" in line
    assert "SOURCES__PIGGY__CONCURRENCY" in line


def test_a_cloud_destination_without_credentials_names_the_variables_and_the_extra(tmp_path):
    done = piggy_elt(tmp_path, "run", "--resources", "tiers", "--destination", "bigquery")
    assert done.returncode == 1
    line = only_error(done)
    assert "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID" in line
    assert "[destination.bigquery.credentials]" in line
    assert "pip install 'piggy-elt[bigquery]'" in line


def test_a_warehouse_file_held_by_another_program_is_refused_with_4(tmp_path):
    warehouse = tmp_path / "piggy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "con.execute('CREATE TABLE held (x INT)'); print('ready', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        done = piggy_elt(tmp_path, "run", "--resources", "tiers", **UNREACHABLE)
    finally:
        holder.kill()
    assert done.returncode == 4
    line = only_error(done)
    assert line.startswith(f"error: {warehouse} is open in another program")
    assert time.monotonic() - started < 60


def test_a_base_url_with_the_api_path_says_to_set_the_host_only(tmp_path):
    done = piggy_elt(
        tmp_path,
        "run",
        "--resources",
        "tiers",
        SOURCES__PIGGY__BASE_URL="https://api.piggy.eu/api/v3",
        SOURCES__PIGGY__API_KEY="x",
    )
    assert done.returncode == 1
    assert only_error(done) == (
        "error: SOURCES__PIGGY__BASE_URL 'https://api.piggy.eu/api/v3' has a path: set the host "
        "only, https://api.piggy.eu (piggy-elt adds /api/v3/oauth/clients itself)"
    )


def test_export_before_transform_says_to_transform(sandbox, tmp_path):
    api = {"SOURCES__PIGGY__BASE_URL": sandbox.base_url, "SOURCES__PIGGY__API_KEY": sandbox.token}
    assert piggy_elt(tmp_path, "run", "--resources", "tiers", **api).returncode == 0
    done = piggy_elt(tmp_path, "export", EXPORTS__OUTPUT_DIR=str(tmp_path / "exports"))
    assert done.returncode == 1
    assert only_error(done) == (
        "error: no piggy_analytics.mart_resource_freshness in the warehouse yet: run "
        "`piggy-elt transform` first"
    )
