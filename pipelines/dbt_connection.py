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
from typing import TYPE_CHECKING, Any

import dlt
from dlt.common.configuration.specs import ConnectionStringCredentials, GcpCredentials

if TYPE_CHECKING:
    from dbt.artifacts.schemas.run import RunResult
    from dbt.cli.main import dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
TARGETS = ("duckdb", "motherduck", "postgres", "redshift", "bigquery", "snowflake")
ANALYTICS_SCHEMA_VARIABLE, DEFAULT_ANALYTICS_SCHEMA = "PIGGY_ANALYTICS_SCHEMA", "piggy_analytics"
"""Every target in `profiles.yml` sets its schema (BigQuery: dataset) to
`env_var('PIGGY_ANALYTICS_SCHEMA', 'piggy_analytics')`: pinned by test_analytics_schema.py."""


def analytics_schema() -> str:
    """The schema dbt builds the models in, as the profile resolves it in this environment."""
    return os.environ.get(ANALYTICS_SCHEMA_VARIABLE) or DEFAULT_ANALYTICS_SCHEMA


def project_paths(target_path: Path | None = None) -> dict[str, Path]:
    """The dbt project, and where its artifacts and logs go.

    `--target-path` first, then dbt's own `DBT_TARGET_PATH` (the CLI passes the path to dbt
    explicitly, so without this a user's variable would be silently overridden), then
    `dbt_project/target`. Two processes building at once need different target paths.
    """
    from_env = os.environ.get("DBT_TARGET_PATH")
    artifacts = target_path or (Path(from_env) if from_env else PROJECT_DIR / "target")
    return {"project": PROJECT_DIR, "target": artifacts, "logs": artifacts / "logs"}


def warehouse_settings(pipeline: dlt.Pipeline, target: str) -> dict[str, str]:
    """The profile's environment variables for `target`, from the pipeline's dlt credentials."""
    with pipeline.destination_client() as client:
        config = client.config
    credentials = config.credentials
    settings = {"PIGGY_DBT_TARGET": target, "PIGGY_RAW_SCHEMA": pipeline.dataset_name}
    if isinstance(credentials, GcpCredentials):
        settings["PIGGY_BIGQUERY_PROJECT"] = credentials.project_id or ""
        # BigQuery's client configuration (a dlt-internal class) is the one with a location.
        settings["PIGGY_BIGQUERY_LOCATION"] = str(getattr(config, "location", "") or "")
    elif isinstance(credentials, ConnectionStringCredentials):
        settings.update(_connection_settings(target, credentials))
    return settings


def _connection_settings(target: str, credentials: ConnectionStringCredentials) -> dict[str, str]:
    """DuckDB, MotherDuck, PostgreSQL, Redshift and Snowflake: all connection strings to dlt."""
    password = str(credentials.password or "")
    database = str(credentials.database or "")
    if target == "duckdb":
        return {"PIGGY_DUCKDB_PATH": str(Path(database).resolve())}
    if target == "motherduck":
        token = {"MOTHERDUCK_TOKEN": password} if password else {}
        return {"PIGGY_MOTHERDUCK_DATABASE": database, **token}
    if target == "snowflake":
        # role and warehouse are Snowflake's own fields, on a dlt-internal credentials class
        return {
            "PIGGY_SNOWFLAKE_ACCOUNT": str(credentials.host or ""),
            "PIGGY_SNOWFLAKE_USER": str(credentials.username or ""),
            "PIGGY_SNOWFLAKE_PASSWORD": password,
            "PIGGY_SNOWFLAKE_ROLE": str(getattr(credentials, "role", None) or ""),
            "PIGGY_SNOWFLAKE_DATABASE": database,
            "PIGGY_SNOWFLAKE_WAREHOUSE": str(getattr(credentials, "warehouse", None) or ""),
        }
    prefix = f"PIGGY_{target.upper()}_"
    return {
        prefix + "HOST": str(credentials.host or ""),
        prefix + "PORT": str(credentials.port),
        prefix + "USER": str(credentials.username or ""),
        prefix + "PASSWORD": password,
        prefix + "DATABASE": database,
    }


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
        credentials = client.config.credentials
    if credentials is None:
        yield {}
        return
    key = credentials.to_native_representation()
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


def node_results(result: "dbtRunnerResult") -> "list[RunResult]":
    """One result per node of a `build` or `show`. dbt types `result.result` as the union of
    every command's answer (a manifest, a list of names...), so it is narrowed here, once.

    dbt is imported here, not at module level: it takes seconds to import.
    """
    from dbt.artifacts.schemas.run import RunExecutionResult

    answer = result.result
    return list(answer.results) if isinstance(answer, RunExecutionResult) else []
