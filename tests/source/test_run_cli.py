"""`piggy-elt run` and `status` as a user runs them: one clear line on bad usage, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from source_helpers import SECRET

UNREACHABLE = "http://127.0.0.1:9"


def assert_one_line_error(code: int, out: str, err: str, *phrases: str) -> None:
    assert code == 1, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for phrase in phrases:
        assert phrase in lines[0]
    assert SECRET not in err + out


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (("--resources", "contacts,coupons"), ("unknown resource coupons",)),
        (("--refresh", "coupons"), ("unknown resource coupons",)),
        (("--start-date", "2026-13-01", "--end-date", "2026-12-01"), ("--start-date",)),
        (("--start-date", "2026-02-01"), ("both --start-date and --end-date",)),
        (("--start-date", "2026-02-01", "--end-date", "2026-01-01"), ("must be before",)),
        (("--destination", "oracle"), ("unknown destination oracle",)),
    ],
)
def test_bad_arguments_fail_in_one_line_before_any_request(cli, tmp_path, args, phrases):
    assert_one_line_error(*cli("run", "--base-url", UNREACHABLE, *args), *phrases)
    assert not (tmp_path / "piggy.duckdb").exists()


def test_a_wrong_api_key_says_which_setting_to_fix(cli, sandbox):
    result = cli("run", "--base-url", sandbox.base_url, "--resources", "tiers")
    assert_one_line_error(*result, "401", "SOURCES__PIGGY__API_KEY")


def test_missing_credentials_say_how_to_set_them(cli, sandbox, monkeypatch):
    monkeypatch.delenv("SOURCES__PIGGY__API_KEY")
    result = cli("run", "--base-url", sandbox.base_url, "--resources", "tiers")
    assert_one_line_error(*result, "SOURCES__PIGGY__API_KEY")


def test_an_unreachable_base_url_says_so(cli):
    result = cli("run", "--base-url", UNREACHABLE, "--resources", "tiers")
    assert_one_line_error(*result, "could not reach Piggy", "SOURCES__PIGGY__BASE_URL")


def test_run_then_status_into_the_default_duckdb_file(cli, tmp_path, sandbox, monkeypatch):
    monkeypatch.setenv("SOURCES__PIGGY__API_KEY", sandbox.token)
    code, out, err = cli("run", "--base-url", sandbox.base_url, "--resources",
                         "tiers,loyalty_transactions")
    assert code == 0, err
    assert (tmp_path / "piggy.duckdb").exists()
    assert "loyalty_transactions" in out and "rows/s" in out
    code, status_out, err = cli("status")
    assert code == 0, err
    assert "loyalty_transactions" in status_out and "2026-" in status_out
    assert sandbox.token not in out + status_out + err


def test_status_before_any_run_says_what_to_do(cli):
    assert_one_line_error(*cli("status"), "piggy-elt run")


def test_the_console_script_exits_non_zero_with_one_line(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__PIGGY")}
    environment["DLT_DATA_DIR"] = str(tmp_path / "dlt")
    script = Path(sys.executable).parent / "piggy-elt"
    result = subprocess.run([str(script), "run", "--resources", "coupons"], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip().splitlines()[0]
    ] and "unknown resource coupons" in result.stderr
