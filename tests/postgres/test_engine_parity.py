"""The same load and the same dbt build give the same models on DuckDB and on PostgreSQL.

Every model of the project is compared, staging to segments: equal columns, equal row counts, and
equal values row by row, matched on the model's primary key. Text, integers (money is integer
cents), dates, timestamps and booleans must be equal; other numbers (rates, averages, shares) agree
to engine_compare.RELATIVE_TOLERANCE relative or ABSOLUTE_TOLERANCE absolute.

The two builds load seconds apart, so the columns that record which load wrote a row and when differ
by design and are left out: dlt's load id and load time, and the scd2 validity dlt stamps from the
load time (a contact's version start and end, and `deleted_at`, the end of a deleted contact's last
version). A model keyed on one of them is compared as a whole set of rows instead.
"""

import pytest
from engine_compare import differences
from pg_server import REPO_ROOT

pytestmark = pytest.mark.postgres

LOAD_COLUMNS = frozenset(
    {"load_id", "loaded_at", "last_loaded_at", "valid_from", "valid_to", "contact_version_key",
     "deleted_at"}
)
MODELS = sorted(
    path.stem
    for path in (REPO_ROOT / "dbt_project" / "models").rglob("*.sql")
    if "materialized='ephemeral'" not in path.read_text()  # inlined into its readers: no relation
)


def primary_keys(manifest: dict) -> dict[str, str]:
    """Model name -> the column its `unique` data test names."""
    names = {node_id: node["name"] for node_id, node in manifest["nodes"].items()}
    keys = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") == "unique" and node.get("attached_node") in names:
            keys[names[node["attached_node"]]] = metadata["kwargs"]["column_name"]
    return keys


@pytest.fixture(scope="module")
def model_keys(duckdb_build) -> dict[str, str]:
    return primary_keys(duckdb_build.manifest)


@pytest.mark.parametrize("model", MODELS)
def test_model_is_the_same_on_duckdb_and_postgres(model, duckdb_build, postgres_build, model_keys):
    duckdb_table = duckdb_build.read(duckdb_build.relation_names[model]).without(LOAD_COLUMNS)
    postgres_table = postgres_build.read(postgres_build.relation_names[model]).without(LOAD_COLUMNS)
    key = model_keys.get(model)
    found = differences(duckdb_table, postgres_table, key if key not in LOAD_COLUMNS else None)
    assert not found, f"{model} differs between engines:\n" + "\n".join(found)


def test_the_compared_marts_hold_rows(duckdb_build, postgres_build):
    """Two empty tables are equal and prove nothing: every dim, fact, mart and segment has rows."""
    marts = ("dim_", "fct_", "mart_", "seg_")
    empty = {
        build.engine: [
            name
            for name, relation in build.relation_names.items()
            if name.startswith(marts) and not build.read(relation).rows
        ]
        for build in (duckdb_build, postgres_build)
    }
    assert empty == {"duckdb": [], "postgres": []}
