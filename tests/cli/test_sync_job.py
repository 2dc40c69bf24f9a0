"""`piggy-elt sync`: the whole job in one command, stopping at the first failing step."""

from __future__ import annotations

import duckdb
from piggy_process import piggy_elt


def test_sync_loads_transforms_and_exports_in_one_job(sandbox, tmp_path):
    done = piggy_elt(
        tmp_path,
        "sync",
        SOURCES__PIGGY__BASE_URL=sandbox.base_url,
        SOURCES__PIGGY__API_KEY=sandbox.token,
        EXPORTS__OUTPUT_DIR=str(tmp_path / "exports"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    steps = [line for line in done.stderr.splitlines() if line.startswith("sync: ")]
    assert steps == ["sync: run", "sync: transform", "sync: export", "sync: done"]
    with duckdb.connect(str(tmp_path / "piggy.duckdb"), read_only=True) as con:
        members = con.execute("SELECT count(*) FROM piggy_analytics.dim_contacts").fetchone()[0]
    assert members > 0
    assert (tmp_path / "exports" / "seg_points_expiring_14d" / "manifest.json").is_file()


def test_sync_stops_at_the_failing_step_and_names_it(tmp_path):
    done = piggy_elt(
        tmp_path,
        "sync",
        SOURCES__PIGGY__BASE_URL="http://127.0.0.1:9",
        SOURCES__PIGGY__API_KEY="no-such-token",
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: sync stopped at `run`: "), done.stderr
    assert "sync: transform" not in done.stderr
