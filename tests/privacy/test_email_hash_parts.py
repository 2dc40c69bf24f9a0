"""The offline parts of hashed emails and of erasure in manifests: the setting, the CRM shape keyed
by `email_sha256`, left members told by hash only, and a manifest counted again without the
erased member."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from pipelines.errors import CliError
from pipelines.exports.changes import MemberChange, compare, content_hash, fingerprint
from pipelines.exports.files import write_delta, write_manifest, write_table
from pipelines.exports.shapes import crm_bodies
from pipelines.privacy.files import erase_from_files
from pipelines.privacy.manifests import recounted
from pipelines.privacy.personal_data import Member
from pipelines.privacy.settings import (
    PrivacyConfiguration,
    email_column,
    load_privacy,
    model_variables,
)

JANE = Member("uuid-jane", frozenset({"jane@example.com"}))
JANE_SHA = "a" * 64
COLUMNS = ["contact_uuid", "email_sha256", "credit_balance"]


def test_the_setting_defaults_to_plain_and_names_the_column_and_the_dbt_var(monkeypatch):
    monkeypatch.delenv("PRIVACY__EMAIL_IN_MODELS", raising=False)
    plain = PrivacyConfiguration()
    assert (email_column(plain), model_variables(plain)) == ("email", {"email_in_models": "plain"})
    hashed = PrivacyConfiguration(email_in_models="sha256")
    assert email_column(hashed) == "email_sha256"
    assert model_variables(hashed) == {"email_in_models": "sha256"}
    monkeypatch.setenv("PRIVACY__EMAIL_IN_MODELS", "sha256")
    assert load_privacy().email_in_models == "sha256"


def test_an_unknown_setting_is_one_line_naming_both_places(monkeypatch):
    monkeypatch.setenv("PRIVACY__EMAIL_IN_MODELS", "hmac")
    with pytest.raises(CliError) as refused:
        load_privacy()
    assert str(refused.value) == (
        "privacy.email_in_models must be one of plain, sha256, got 'hmac': fix [privacy] "
        "email_in_models or PRIVACY__EMAIL_IN_MODELS"
    )


def test_crm_profiles_are_keyed_by_the_hash_and_a_left_member_by_the_hash_only():
    rows = [{"contact_uuid": "uuid-bob", "email_sha256": "b" * 64, "credit_balance": 5}]
    previous = {
        "uuid-jane": {"fingerprint": "x", "email": "jane@example.com", "email_sha256": JANE_SHA},
        "uuid-nohash": {"fingerprint": "y", "email": "old@example.com", "email_sha256": None},
    }
    delta = compare(rows, previous, "email_sha256")
    (body,) = crm_bodies("seg_vip", delta.changes, 10, "email_sha256")
    assert body["profiles"] == [
        {
            "email_sha256": "b" * 64,
            "external_id": "uuid-bob",
            "properties": {
                "piggy_seg_vip": True,
                "first_name": None,
                "last_name": None,
                "loyalty_points": 5,
                "loyalty_tier": None,
                "points_expiring_30d": None,
                "points_next_expiry_date": None,
            },
        },
        {
            "email_sha256": JANE_SHA,
            "external_id": "uuid-jane",
            "properties": {"piggy_seg_vip": False},
        },
    ]
    left = [change.row for change in delta.changes if change.change == "left"]
    assert left == [
        {"contact_uuid": "uuid-jane", "email_sha256": JANE_SHA},
        {"contact_uuid": "uuid-nohash", "email_sha256": None},
    ]
    assert "example.com" not in json.dumps(body)


def segment_folder(tmp_path):
    """A segment export as the runner writes it: Jane entered, Bob unchanged, Ann left."""
    folder = tmp_path / "exports" / "seg_vip"
    jane = {"contact_uuid": "uuid-jane", "email_sha256": JANE_SHA, "credit_balance": 3}
    bob = {"contact_uuid": "uuid-bob", "email_sha256": "b" * 64, "credit_balance": 7}
    ann = {"contact_uuid": "uuid-ann", "email_sha256": "c" * 64}
    write_table(folder, "seg_vip", COLUMNS, [bob, jane])
    changes = [MemberChange("entered", "uuid-jane", jane), MemberChange("left", "uuid-ann", ann)]
    write_delta(folder, COLUMNS, changes)
    manifest = {
        "segment": "seg_vip",
        "rows": 2,
        "delta": {"entered": 1, "changed": 0, "left": 1, "unchanged": 1},
        "content_hash": "old",
        "columns": COLUMNS,
    }
    write_manifest(folder, manifest)
    return folder, bob


def test_an_erasure_counts_the_manifest_again_as_if_the_member_was_never_exported(tmp_path):
    folder, bob = segment_folder(tmp_path)
    before = (folder / "manifest.json").read_bytes()
    touched = erase_from_files([tmp_path / "exports"], JANE, apply=False)
    assert touched[str(folder / "manifest.json")] == 1
    assert (folder / "manifest.json").read_bytes() == before
    erase_from_files([tmp_path / "exports"], JANE, apply=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["rows"] == pq.read_table(folder / "seg_vip.parquet").num_rows == 1
    assert manifest["delta"] == {"entered": 0, "changed": 0, "left": 1, "unchanged": 1}
    assert manifest["content_hash"] == content_hash({"uuid-bob": fingerprint(bob)})
    assert oct((folder / "manifest.json").stat().st_mode & 0o777) == "0o600"
    assert erase_from_files([tmp_path / "exports"], JANE, apply=True) == {}


def test_a_member_only_in_the_segment_file_was_unchanged_and_a_left_one_only_in_the_delta():
    manifest = {"segment": "s", "rows": 3, "delta": {"entered": 1, "left": 1, "unchanged": 2}}
    only_in_segment = recounted(manifest, {"s": [{"contact_uuid": "u"}]}, None)
    assert only_in_segment["delta"] == {"entered": 1, "left": 1, "unchanged": 1}
    assert only_in_segment["rows"] == 2
    assert only_in_segment.get("content_hash") is None
    left = recounted(manifest, {"delta": [{"contact_uuid": "u", "change": "left"}]}, None)
    assert (left["rows"], left["delta"]["left"]) == (3, 0)
    full = recounted(
        manifest,
        {"s": [{"contact_uuid": "u"}], "delta": [{"contact_uuid": "u", "change": "unchanged"}]},
        [],
    )
    assert full["delta"]["unchanged"] == 1 and full["rows"] == 2
