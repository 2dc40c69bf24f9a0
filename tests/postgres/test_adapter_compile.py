"""The dbt project compiles for BigQuery, Snowflake and Redshift without reaching any of them.

We cannot run those warehouses here, but compiling through each real adapter renders every
`adapter.dispatch` and cross-database macro the way that warehouse would, with its own quoting, so a
model that leans on DuckDB-only SQL or a macro with no implementation for the adapter fails here.
Each compile runs from the project's own profiles.yml with placeholder values in the environment;
`--no-populate-cache` keeps dbt from listing schemas, which would need a live connection.
BigQuery's adapter builds its client when it starts, so it gets a service-account file holding a
key generated for the test. Every HTTP request is pointed at a closed loopback port, so a model that
queries the warehouse while compiling fails at once instead of waiting on a network it cannot reach.
"""

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from adapter_venv import CLOUD_ADAPTERS, ensure_adapter_venv
from pg_server import REPO_ROOT

pytestmark = pytest.mark.postgres

DBT_PROJECT = REPO_ROOT / "dbt_project"

PLACEHOLDER_SETTINGS = {
    "bigquery": {"PIGGY_BIGQUERY_PROJECT": "offline-project", "PIGGY_BIGQUERY_LOCATION": "EU"},
    "snowflake": {
        "PIGGY_SNOWFLAKE_ACCOUNT": "offline-account",
        "PIGGY_SNOWFLAKE_USER": "compile_only",
        "PIGGY_SNOWFLAKE_PASSWORD": "unused",
        "PIGGY_SNOWFLAKE_ROLE": "compile_only",
        "PIGGY_SNOWFLAKE_DATABASE": "PIGGY",
        "PIGGY_SNOWFLAKE_WAREHOUSE": "COMPILE_ONLY",
    },
    "redshift": {
        "PIGGY_REDSHIFT_HOST": "offline.invalid",
        "PIGGY_REDSHIFT_USER": "compile_only",
        "PIGGY_REDSHIFT_PASSWORD": "unused",
        "PIGGY_REDSHIFT_DATABASE": "piggy",
    },
}

# How each adapter names the database of a relation built from the placeholder settings.
RELATION_PREFIX = {"bigquery": "`offline-project`.", "snowflake": "PIGGY.", "redshift": '"piggy".'}

NO_NETWORK = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}


COMPILE_SECONDS = 240


@dataclass(frozen=True)
class Compilation:
    """How one adapter's `dbt compile` ended, and where it wrote its manifest."""

    succeeded: bool
    output: str
    target_path: Path


def _offline_service_account(dbt_executable: Path, folder: Path) -> Path:
    """Write a service-account file with a freshly generated key, in the shape Google issues."""
    keyfile = folder / "offline-service-account.json"
    script = (
        "import json, sys\n"
        "from cryptography.hazmat.primitives import serialization\n"
        "from cryptography.hazmat.primitives.asymmetric import rsa\n"
        "key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n"
        "pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,\n"
        "                        serialization.NoEncryption()).decode()\n"
        "json.dump({'type': 'service_account', 'project_id': 'offline-project',\n"
        "           'private_key_id': 'offline', 'private_key': pem,\n"
        "           'client_email': 'compile@offline-project.iam.gserviceaccount.com',\n"
        "           'client_id': '0', 'token_uri': 'https://oauth2.googleapis.com/token'},\n"
        "          open(sys.argv[1], 'w'))\n"
    )
    subprocess.run([str(dbt_executable.parent / "python"), "-c", script, str(keyfile)], check=True)
    return keyfile


def _compile(dbt_executable: Path, adapter: str, workdir: Path) -> Compilation:
    env = {**os.environ, **NO_NETWORK, **PLACEHOLDER_SETTINGS[adapter], "PIGGY_DBT_TARGET": adapter}
    if adapter == "bigquery":
        env["PIGGY_BIGQUERY_KEYFILE"] = str(_offline_service_account(dbt_executable, workdir))
    target_path = workdir / "target"
    arguments = [
        str(dbt_executable), "compile", "--no-populate-cache", "--no-version-check",
        "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(target_path), "--log-path", str(workdir / "logs"),
    ]
    try:
        completed = subprocess.run(
            arguments, env=env, capture_output=True, text=True, timeout=COMPILE_SECONDS
        )
    except subprocess.TimeoutExpired:
        waiting = f"no result in {COMPILE_SECONDS}s: a model queries the warehouse while compiling"
        return Compilation(False, waiting, target_path)
    return Compilation(completed.returncode == 0, completed.stdout[-4000:], target_path)


@pytest.fixture(scope="module")
def compilations(tmp_path_factory) -> dict[str, Compilation]:
    """All three adapters compile at once: each is a separate dbt process, mostly parsing."""
    dbt_executable = ensure_adapter_venv()
    with ThreadPoolExecutor(max_workers=len(CLOUD_ADAPTERS)) as pool:
        futures = {
            adapter: pool.submit(
                _compile, dbt_executable, adapter, tmp_path_factory.mktemp(f"compile-{adapter}")
            )
            for adapter in CLOUD_ADAPTERS
        }
        return {adapter: future.result() for adapter, future in futures.items()}


@pytest.mark.parametrize("adapter", CLOUD_ADAPTERS)
def test_every_model_compiles_for_the_cloud_adapter(compilations, adapter):
    compilation = compilations[adapter]
    assert compilation.succeeded, f"dbt compile for {adapter}:\n{compilation.output}"
    manifest = json.loads((compilation.target_path / "manifest.json").read_text())
    models = [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "piggy_elt"
    ]
    assert models, "the dbt project has no models to compile"
    assert manifest["metadata"]["adapter_type"] == adapter
    for model in models:
        assert model["compiled"] and model["compiled_code"].strip(), model["unique_id"]
        assert "{{" not in model["compiled_code"], model["unique_id"]
        if model["config"]["materialized"] == "ephemeral":
            assert model["relation_name"] is None, model["unique_id"]  # inlined, never built
            continue
        assert model["relation_name"].startswith(RELATION_PREFIX[adapter]), model["relation_name"]
