"""Files the CLI leaves behind are its user's alone, and a readable secrets file is called out."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
from piggy_process import piggy_elt


def shared_with_others(root: Path) -> list[str]:
    """Every path under `root` that a group member or another user could read."""
    return [
        f"{path.relative_to(root)} {stat.S_IMODE(path.stat().st_mode):o}"
        for path in [root / "dlt", *root.rglob("*")]
        if path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    ]


def test_a_load_under_umask_022_leaves_nothing_readable_by_others(sandbox, tmp_path):
    done = piggy_elt(
        tmp_path,
        "run",
        "--resources",
        "contacts,tiers",
        SOURCES__PIGGY__BASE_URL=sandbox.base_url,
        SOURCES__PIGGY__API_KEY=sandbox.token,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "piggy.duckdb").is_file()
    assert any((tmp_path / "dlt").rglob("trace.pickle"))
    assert shared_with_others(tmp_path) == []


def test_a_secrets_file_readable_by_others_gets_one_warning(tmp_path):
    secrets = tmp_path / ".dlt" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[sources.piggy]\napi_key = "not-a-real-key"\n')
    secrets.chmod(0o644)
    loose = piggy_elt(tmp_path, "status")
    secrets.chmod(0o600)
    tight = piggy_elt(tmp_path, "status")
    warnings = [line for line in loose.stderr.splitlines() if "secrets.toml" in line]
    assert len(warnings) == 1 and "chmod 600" in warnings[0], loose.stderr
    assert "secrets.toml" not in tight.stderr


def test_no_copy_of_loaded_rows_stays_in_the_pipelines_folder(sandbox, tmp_path):
    done = piggy_elt(
        tmp_path,
        "run",
        "--resources",
        "contacts,loyalty_transactions",
        SOURCES__PIGGY__BASE_URL=sandbox.base_url,
        SOURCES__PIGGY__API_KEY=sandbox.token,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(str(tmp_path / "piggy.duckdb"), read_only=True) as con:
        loaded = con.execute("SELECT count(*) FROM piggy_raw.contacts").fetchone()[0]
    packages = list((tmp_path / "dlt").rglob("load/loaded/*"))
    data_files = [
        path for path in (tmp_path / "dlt").rglob("*") if path.suffix in (".parquet", ".jsonl")
    ]
    assert loaded > 0 and packages
    assert data_files == []
