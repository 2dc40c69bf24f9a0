"""How dbt reaches the warehouse a dlt pipeline loaded: one set of credentials, dlt's.

dbt reads its connection from `dbt_project/profiles.yml`, whose targets take every setting from
environment variables. These are filled from the dlt pipeline's own destination config, so users
configure credentials once (for dlt) and never repeat them for dbt.
"""

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dlt

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
TARGETS = ("duckdb", "motherduck", "postgres", "redshift", "bigquery", "snowflake")


def project_paths(target_path: Path | None = None) -> dict[str, Path]:
    """The dbt project, and where its artifacts and logs go (default `dbt_project/target`)."""
    artifacts = target_path or PROJECT_DIR / "target"
    return {"project": PROJECT_DIR, "target": artifacts, "logs": artifacts / "logs"}


def warehouse_settings(pipeline: dlt.Pipeline, target: str) -> dict[str, str]:
    """The profile's environment variables for `target`, from the pipeline's dlt credentials."""
    with pipeline.destination_client() as client:
        credentials = client.config.credentials
    settings = {"PIGGY_DBT_TARGET": target, "PIGGY_RAW_SCHEMA": pipeline.dataset_name}
    if target == "duckdb":
        settings["PIGGY_DUCKDB_PATH"] = str(Path(credentials.database).resolve())
    elif target == "motherduck":
        settings["PIGGY_MOTHERDUCK_DATABASE"] = credentials.database
        if credentials.password:
            settings["MOTHERDUCK_TOKEN"] = str(credentials.password)
    elif target in ("postgres", "redshift"):
        prefix = f"PIGGY_{target.upper()}_"
        settings.update(
            {
                prefix + "HOST": credentials.host,
                prefix + "PORT": str(credentials.port),
                prefix + "USER": credentials.username,
                prefix + "PASSWORD": str(credentials.password or ""),
                prefix + "DATABASE": credentials.database,
            }
        )
    elif target == "snowflake":
        settings.update(
            {
                "PIGGY_SNOWFLAKE_ACCOUNT": credentials.host,
                "PIGGY_SNOWFLAKE_USER": credentials.username,
                "PIGGY_SNOWFLAKE_PASSWORD": str(credentials.password or ""),
                "PIGGY_SNOWFLAKE_ROLE": credentials.role or "",
                "PIGGY_SNOWFLAKE_DATABASE": credentials.database,
                "PIGGY_SNOWFLAKE_WAREHOUSE": credentials.warehouse or "",
            }
        )
    elif target == "bigquery":
        settings["PIGGY_BIGQUERY_PROJECT"] = credentials.project_id
        settings["PIGGY_BIGQUERY_LOCATION"] = client.config.location
    return settings


@contextmanager
def environment(settings: dict[str, str]) -> Iterator[None]:
    """Set variables for dbt (which runs in this process) and put the old values back after."""
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def bigquery_keyfile(pipeline: dlt.Pipeline, target: str) -> Iterator[dict[str, str]]:
    """dbt-bigquery wants a key file; dlt holds the key as config. Lend it a private temp file."""
    if target != "bigquery" or os.environ.get("PIGGY_BIGQUERY_KEYFILE"):
        yield {}
        return
    with pipeline.destination_client() as client:
        key = client.config.credentials.to_native_representation()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as keyfile:
        os.chmod(keyfile.name, 0o600)
        keyfile.write(key)
        keyfile.flush()
        yield {"PIGGY_BIGQUERY_KEYFILE": keyfile.name}


def dbt_arguments(
    command: str, paths: dict[str, Path], select: str | None, variables: dict[str, Any]
) -> list[str]:
    arguments = [
        command,
        "--project-dir",
        str(paths["project"]),
        "--profiles-dir",
        str(paths["project"]),
        "--target-path",
        str(paths["target"]),
        "--log-path",
        str(paths["logs"]),
        "--log-level",
        "none",
        "--log-level-file",
        "info",
    ]
    if select:
        arguments += ["--select", select]
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    return arguments
