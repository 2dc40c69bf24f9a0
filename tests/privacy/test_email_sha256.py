"""`privacy.email_in_models = "sha256"` on DuckDB and PostgreSQL: the marts, dims and segments keep
no plain email, segments, export files and CRM pushes carry the SHA-256 of the normalised address
(what Meta and Google Customer Match take), and an erased member's hash is found nowhere after.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from erase_workspace import CrmReceiver, Workspace

from piggy_sandbox import SandboxConfig, run_sandbox

pytestmark = pytest.mark.integration
ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def normalised_sha256(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@dataclass
class Hashed:
    workspace: Workspace
    crm: CrmReceiver
    emails: set[str]
    member_uuid: str
    member_hash: str
    refused: subprocess.CompletedProcess
    before: dict[str, list[dict]]
    erase_output: str


def segment_files(root: Path) -> list[Path]:
    return sorted((root / "exports").glob("seg_*/seg_*.parquet"))


def exported_member(root: Path, export_output: str) -> tuple[str, str]:
    counts = {}
    for parquet in segment_files(root):
        rows = pq.read_table(parquet).to_pylist()
        counts[parquet.name] = (len(rows), sum(1 for row in rows if row.get("email_sha256")))
        for row in rows:
            if row.get("email_sha256"):
                return row["contact_uuid"], row["email_sha256"]
    raise AssertionError(
        f"no segment exported a member with email_sha256; (rows, hashed) per file: {counts}; "
        f"the export printed:\n{export_output}"
    )


@pytest.fixture(scope="module", params=ENGINES)
def hashed(request, tmp_path_factory, sandbox_data_dir) -> Iterator[Hashed]:
    engine = request.param
    server = request.getfixturevalue("privacy_postgres") if engine == "postgres" else None
    root = tmp_path_factory.mktemp(f"sha256-{engine}")
    crm = CrmReceiver()
    config = SandboxConfig(scale=100, seed=11, data_dir=sandbox_data_dir)
    with run_sandbox(config) as sandbox:
        workspace = Workspace(root, sandbox, server)
        workspace.extra_env.update(
            {
                "PRIVACY__EMAIL_IN_MODELS": "sha256",
                "EXPORTS__CRM__URL": crm.url,
                "EXPORTS__CRM__API_KEY": "crm-key",
            }
        )
        workspace.run()
        workspace.transform()
        exported = workspace.cli("export")
        emails = {
            row[0]
            for row in workspace.query(
                "SELECT DISTINCT email FROM piggy_raw.contacts WHERE email IS NOT NULL"
            )
        }
        uuid, member_hash = exported_member(root, exported.stdout + exported.stderr)
        refused = workspace.cli("export", ok=False, PRIVACY__EMAIL_IN_MODELS="plain")
        before = {p.name: pq.read_table(p).to_pylist() for p in segment_files(root)}
        erase = ["erase", "--contact", uuid, "--apply", "--target-path", str(root / "dbt-target")]
        erased = workspace.cli(*erase).stdout
        yield Hashed(workspace, crm, emails, uuid, member_hash, refused, before, erased)
    crm.close()


def base_tables(workspace: Workspace, schema: str) -> list[str]:
    rows = workspace.query(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
        schema,
    )
    return sorted(row[0] for row in rows)


def stored_plain_emails(workspace: Workspace, schema: str) -> list[str]:
    """`table.column` of the schema's stored tables (not views) holding any contact's email."""
    tables = base_tables(workspace, schema)
    columns = workspace.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
        schema,
    )
    cast = "TEXT" if workspace.server else "VARCHAR"
    stored = [(table, column) for table, column in columns if table in tables]
    counts = workspace.queries(
        [
            (
                f'SELECT count(*) FROM {schema}."{table}" WHERE LOWER(CAST("{column}" AS '
                f"{cast})) IN (SELECT LOWER(email) FROM piggy_raw.contacts)",
                (),
            )
            for table, column in stored
        ]
    )
    return sorted(f"{t}.{c}" for (t, c), rows in zip(stored, counts, strict=True) if rows[0][0])


def test_no_table_of_the_analytics_schema_holds_a_plain_email(hashed):
    workspace = hashed.workspace
    tables = base_tables(workspace, "piggy_analytics")
    assert {"dim_contacts", "mart_balance_reconciliation", "seg_vip_candidates"} <= set(tables)
    assert len(hashed.emails) > 50
    assert stored_plain_emails(workspace, "piggy_analytics") == []


def test_only_the_current_contacts_building_block_stores_the_plain_email_outside_raw(hashed):
    """Staging is views; int_contacts_current, the latest version of each contact as a table,
    keeps the address with the names and birthdate, as the raw table does (docs/privacy.md)."""
    workspace = hashed.workspace
    assert base_tables(workspace, "piggy_staging") == []
    found = stored_plain_emails(workspace, "piggy_intermediate")
    assert found == ["int_contacts_current.email"]


def test_dim_contacts_and_segments_carry_the_sha256_of_the_normalised_email(hashed):
    workspace = hashed.workspace
    pairs = workspace.query(
        "SELECT c.email, d.email_sha256, d.email FROM piggy_raw.contacts c "
        "JOIN piggy_analytics.dim_contacts d ON d.contact_uuid = c.uuid "
        "WHERE c._dlt_valid_to IS NULL AND c.email IS NOT NULL"
    )
    assert len(pairs) > 50
    assert all(sha == normalised_sha256(email) and plain is None for email, sha, plain in pairs)
    columns = workspace.query(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s",
        "piggy_analytics",
        "seg_vip_candidates",
    )
    names = {row[0] for row in columns}
    assert "email_sha256" in names and "email" not in names


def test_export_files_and_crm_pushes_are_keyed_by_the_hash_and_hold_no_email(hashed):
    rows = [row for rows in hashed.before.values() for row in rows]
    assert rows and all("email" not in row and "email_sha256" in row for row in rows)
    assert hashed.member_hash in {row["email_sha256"] for row in rows}
    profiles = [p for body in hashed.crm.bodies for p in body["profiles"]]
    keys = {"email_sha256", "external_id", "properties"}
    assert profiles and all(set(profile) == keys for profile in profiles)
    assert hashed.member_hash in {p["email_sha256"] for p in profiles}
    pushed = json.dumps(hashed.crm.bodies).lower()
    assert [e for e in hashed.emails if e.lower() in pushed] == []
    files = hashed.workspace.traces_in_files(sorted(hashed.emails), "exports")
    assert files == []


def test_an_export_under_the_other_setting_is_refused_before_anything_is_written(hashed):
    refused = hashed.refused
    assert refused.returncode == 4
    assert refused.stderr.strip().splitlines() == [
        "error: segment 'seg_high_value_at_risk' holds email_sha256 but "
        "privacy.email_in_models asks for email: run `piggy-elt transform` to rebuild the "
        "segments, then export"
    ]


def test_after_erasure_the_members_hash_is_in_no_table_and_no_file(hashed):
    workspace = hashed.workspace
    assert "manifest.json" in hashed.erase_output.replace("\n", "")
    assert workspace.traces_in_tables([hashed.member_hash]) == []
    found = workspace.traces_in_files([hashed.member_hash], "dlt", "exports", "dbt-target")
    assert found == []
    state = workspace.query(
        "SELECT email_sha256, fingerprint FROM piggy_actions.export_members WHERE member_key = %s",
        hashed.member_uuid,
    )
    assert state and set(state) == {(None, None)}


def test_manifests_count_only_the_rows_their_files_still_hold(hashed):
    root = hashed.workspace.root
    recounted = 0
    for parquet in segment_files(root):
        manifest = json.loads((parquet.parent / "manifest.json").read_text())
        rows = pq.read_table(parquet).num_rows
        assert manifest["rows"] == rows
        delta = pq.read_table(parquet.parent / "delta.parquet").num_rows
        assert manifest["delta"]["entered"] == delta
        recounted += len(hashed.before[parquet.name]) - rows
    assert recounted >= 1
