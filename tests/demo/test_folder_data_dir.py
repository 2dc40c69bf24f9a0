"""A folder's `.dlt/config.toml` names where dlt keeps its pipelines (`[piggy_elt] dlt_data_dir`).

Through dlt's public config and its documented `DLT_DATA_DIR`, not dlt's workspace files: each
check runs `piggy-elt` (or dlt after the same call) in a fresh process in the folder, as a user
does.
"""

import os
import subprocess
import sys
from pathlib import Path

PIPELINES_DIR = (
    "import dlt; from pipelines.folder_data_dir import use_folder_data_dir; "
    "use_folder_data_dir(); print(dlt.pipeline('somewhere').pipelines_dir)"
)
DLT_ALONE = "import dlt; print(dlt.pipeline('somewhere').pipelines_dir)"


def pipelines_dir_in(folder: Path, code: str = PIPELINES_DIR, **environment: str) -> Path:
    env = {name: value for name, value in os.environ.items() if name != "DLT_DATA_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return Path(done.stdout.strip().splitlines()[-1])


def with_setting(folder: Path) -> Path:
    (folder / ".dlt").mkdir(parents=True)
    (folder / ".dlt" / "config.toml").write_text('[piggy_elt]\ndlt_data_dir = ".dlt-data"\n')
    return folder


def test_the_folder_setting_keeps_pipelines_in_the_folder(tmp_path):
    folder = with_setting(tmp_path / "demo")
    assert pipelines_dir_in(folder) == folder.resolve() / ".dlt-data" / "pipelines"
    assert not (folder / ".dlt" / ".workspace").exists()


def test_dlt_data_dir_in_the_environment_wins_over_the_folder(tmp_path):
    folder = with_setting(tmp_path / "demo")
    elsewhere = tmp_path / "elsewhere"
    assert pipelines_dir_in(folder, DLT_DATA_DIR=str(elsewhere)) == elsewhere / "pipelines"


def test_a_folder_without_the_setting_keeps_dlts_default(tmp_path):
    (tmp_path / "plain").mkdir()
    found = pipelines_dir_in(tmp_path / "plain", HOME=str(tmp_path / "home"))
    default = pipelines_dir_in(tmp_path / "plain", HOME=str(tmp_path / "home"), code=DLT_ALONE)
    assert found == default
    assert not found.is_relative_to(tmp_path / "plain")


def test_status_in_the_folder_finds_a_pipeline_kept_there(tmp_path):
    """The CLI applies the setting at entry: `status`, run in the folder with no DLT_DATA_DIR,
    finds a pipeline whose state dlt keeps in the folder's data dir."""
    folder = with_setting(tmp_path / "demo")
    env = {name: value for name, value in os.environ.items() if name != "DLT_DATA_DIR"}
    env["HOME"] = str(tmp_path / "home")
    load = (
        "import dlt; dlt.pipeline('kept_here', destination='duckdb', dataset_name='piggy_raw')"
        ".run([{'id': 1}], table_name='contacts')"
    )
    data_dir = str(folder / ".dlt-data")
    subprocess.run(
        [sys.executable, "-c", load], cwd=folder, env={**env, "DLT_DATA_DIR": data_dir}, check=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "status", "--pipeline-name", "kept_here"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "kept_here" in done.stdout and "contacts" in done.stdout
