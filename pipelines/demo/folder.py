"""The demo folder: its dlt settings, and the environment every demo step runs in.

Everything the demo makes stays in the folder, dlt's pipeline state and dbt's artifacts included,
under its own pipeline name: a demo never touches the state, cursors or warehouse of a real
`piggy` pipeline, and a new demo folder never inherits the cursors of an old one.
"""

import os
from pathlib import Path

DEMO_PIPELINE = "piggy_demo"
DLT_STATE_FOLDER = ".dlt-data"
DBT_FOLDER = "dbt-target"
DOCS_FOLDER = "dbt-docs"
EXPORTS_FOLDER = "exports"
SANDBOX_TOKEN = "sandbox-token"


def write_demo_config(folder: Path, base_url: str, shop_uuid: str) -> None:
    """Point the folder's dlt config at the sandbox; the sandbox token is no real secret.

    `[piggy_elt] dlt_data_dir` keeps dlt's state in `.dlt-data`, so any `piggy-elt` command run
    in the folder later (`status`, `report`...) finds the demo's pipeline without an environment
    variable (`pipelines/folder_data_dir.py`). No DuckDB path is set: dlt names the file after the
    pipeline, `piggy_demo.duckdb`, in the folder itself. Payouts are booked on the sandbox's
    Webshop. A folder from an older demo loses its dlt workspace marker, which did the same
    through a private dlt feature.
    """
    settings = folder / ".dlt"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / ".workspace").unlink(missing_ok=True)
    (settings / "config.toml").write_text(
        '[runtime]\nlog_level = "WARNING"\ndlthub_telemetry = false\n\n'
        f'[piggy_elt]\ndlt_data_dir = "{DLT_STATE_FOLDER}"\n\n'
        f'[sources.piggy]\nbase_url = "{base_url}"\n\n'
        "[normalize.parquet_normalizer]\nadd_dlt_id = true\n\n"
        f'[exports]\noutput_dir = "{EXPORTS_FOLDER}"\n\n'
        f'[payouts]\nshop_uuid = "{shop_uuid}"\nactor = "demo"\n'
    )
    (settings / "secrets.toml").write_text(f'[sources.piggy]\napi_key = "{SANDBOX_TOKEN}"\n')


def demo_environment(folder: Path) -> dict[str, str]:
    """dlt keeps pipeline state under DLT_DATA_DIR; inside the demo folder it lives and dies with
    the demo's warehouse. Set outright for the demo's own steps, so a DLT_DATA_DIR left in the
    user's shell cannot send the demo's state elsewhere."""
    return {**os.environ, "DLT_DATA_DIR": str((folder / DLT_STATE_FOLDER).resolve())}
