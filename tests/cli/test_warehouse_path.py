"""`run` and `status` name the warehouse they used, so a run from another folder is no surprise."""

from __future__ import annotations

from piggy_process import piggy_elt


def test_run_and_status_print_the_duckdb_file_they_used(sandbox, tmp_path):
    api = {"SOURCES__PIGGY__BASE_URL": sandbox.base_url, "SOURCES__PIGGY__API_KEY": sandbox.token}
    ran = piggy_elt(tmp_path, "run", "--resources", "tiers", **api)
    status = piggy_elt(tmp_path, "status")
    expected = f"warehouse: {(tmp_path / 'piggy.duckdb').resolve()}"
    assert ran.returncode == 0 and status.returncode == 0, ran.stderr + status.stderr
    assert ran.stdout.strip().splitlines()[-1] == expected
    assert status.stdout.strip().splitlines()[-1] == expected
