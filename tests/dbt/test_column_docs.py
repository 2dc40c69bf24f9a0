"""Every column a BI user queries is described, and every personal column is tagged.

Read from what `piggy-elt docs` left: dbt's manifest (what the yml declares) and catalog (the
columns the warehouse really holds, so a yml entry the SQL does not produce is caught too).
"""

from __future__ import annotations

from pathlib import Path

from dbt_warehouse import DocsSite

from pipelines.privacy.personal_data import QUARANTINE, RAW_TABLES, personal_load_columns

DESCRIBED_LAYERS = ("fct_", "dim_", "mart_", "seg_")
DERIVED_PERSONAL = {"email_sha256"}
"""Personal columns dbt computes from a declared one (the hash of `email`)."""
PRIVACY_DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def declared_models(site: DocsSite) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in site.manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "piggy_elt"
    }


def built_columns(site: DocsSite) -> dict[str, set[str]]:
    return {
        node["metadata"]["name"]: {name.lower() for name in node["columns"]}
        for unique_id, node in site.catalog["nodes"].items()
        if unique_id.startswith("model.piggy_elt.")
    }


def pii_tagged(site: DocsSite) -> set[tuple[str, str]]:
    return {
        (model, column)
        for model, node in declared_models(site).items()
        for column, entry in node["columns"].items()
        if entry["meta"].get("pii") is True
    }


def test_the_docs_build_left_a_manifest_and_catalog(docs_site: DocsSite):
    assert docs_site.run.returncode == 0, docs_site.run.stderr[-2000:]
    assert len(built_columns(docs_site)) >= 50


def test_every_column_of_facts_dims_marts_and_segments_is_described(docs_site: DocsSite):
    models, built = declared_models(docs_site), built_columns(docs_site)
    checked = {model: columns for model, columns in built.items()
               if model.startswith(DESCRIBED_LAYERS)}
    undescribed = sorted(
        f"{model}.{column}"
        for model, columns in checked.items()
        for column in columns
        if not models[model]["columns"].get(column, {}).get("description", "").strip()
    )
    assert undescribed == []
    assert len(checked) == 20
    assert sum(len(columns) for columns in checked.values()) > 250


def test_the_yml_names_no_column_the_sql_does_not_produce(docs_site: DocsSite):
    built = built_columns(docs_site)
    materialized = {name: node for name, node in declared_models(docs_site).items()
                    if node["config"]["materialized"] != "ephemeral"}
    assert set(materialized) <= set(built)
    phantoms = sorted(
        f"{model}.{column}"
        for model, node in materialized.items()
        for column in node["columns"]
        if column.lower() not in built[model]
    )
    assert phantoms == []


def test_the_sources_tag_exactly_the_personal_columns_the_source_declares(docs_site: DocsSite):
    tagged = {
        (source["name"], column["name"])
        for source in docs_site.manifest["sources"].values()
        if source["source_name"] == "piggy"
        for column in source["columns"].values()
        if column["meta"].get("pii") is True
    }
    declared = {(table.table, column) for table in (*RAW_TABLES, QUARANTINE)
                for column in table.columns}
    assert tagged == declared


def test_every_personal_column_a_model_builds_is_tagged_pii(docs_site: DocsSite):
    personal = personal_load_columns() | DERIVED_PERSONAL
    built_personal = {(model, column) for model, columns in built_columns(docs_site).items()
                      for column in columns if column in personal}
    assert pii_tagged(docs_site) == built_personal
    assert {("dim_contacts", "email"), ("seg_vip_candidates", "firstname"),
            ("stg_piggy__contacts", "birthdate"), ("mart_payout_review", "email")} <= built_personal


def test_docs_privacy_lists_the_personal_columns_of_every_model(docs_site: DocsSite):
    rows = [line for line in PRIVACY_DOC.read_text().splitlines() if line.startswith("| ")]
    missing = sorted(
        f"{model}.{column}"
        for model, column in pii_tagged(docs_site)
        if not any(f"`{model}`" in row and f"`{column}`" in row for row in rows)
    )
    assert missing == []
