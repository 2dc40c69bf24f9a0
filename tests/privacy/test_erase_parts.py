"""The parts of an erasure that need no warehouse: JSON scrubbing, the load filter on arrow pages,
the erasure key, export files and the webhook journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from piggy_source.flatten import row_hash
from piggy_source.schemas import HASHED_CONTACT_COLUMNS
from pipelines.exports.files import write_table
from pipelines.privacy.files import erase_from_files, erase_from_journal
from pipelines.privacy.load_filter import ErasedMembers
from pipelines.privacy.personal_data import Member, scrub_json
from pipelines.privacy.settings import (
    MissingErasureKey,
    PrivacyConfiguration,
    erasure_key,
    member_hash,
)
from pipelines.webhooks.journal import Journal

KEY = b"k" * 32
JANE = Member("uuid-jane", frozenset({"jane@example.com"}))


def contacts_page(*people: tuple[str, str, str]) -> pa.Table:
    rows = [
        {column: None for column in HASHED_CONTACT_COLUMNS}
        | {"uuid": uuid, "email": email, "firstname": first, "credit_balance": 10}
        for uuid, email, first in people
    ]
    table = pa.Table.from_pylist(rows)
    hashes = [row_hash(row, HASHED_CONTACT_COLUMNS) for row in rows]
    return table.append_column("row_hash", pa.array(hashes, pa.string()))


def test_a_pushed_batch_loses_the_members_values_and_keeps_everyone_else():
    batch = [
        {"contact_uuid": "uuid-jane", "email": "Jane@Example.com", "firstname": "Jane", "pts": 5},
        {"contact_uuid": "uuid-bob", "email": "bob@example.com", "firstname": "Bob", "pts": 7},
    ]
    scrubbed = json.loads(scrub_json(json.dumps(batch), JANE))
    assert scrubbed[0] == {"contact_uuid": "uuid-jane", "email": None, "firstname": None, "pts": 5}
    assert scrubbed[1] == batch[1]
    assert scrub_json("not json: jane@example.com", JANE) is None


def test_the_load_filter_nulls_only_erased_members_and_rehashes_their_version():
    erased = ErasedMembers(KEY, {member_hash(KEY, "uuid-jane")})
    page = contacts_page(("uuid-jane", "jane@example.com", "Jane"), ("uuid-bob", "b@x.io", "Bob"))
    stripped = erased.strip(page)
    assert stripped["email"].to_pylist() == [None, "b@x.io"]
    assert stripped["firstname"].to_pylist() == [None, "Bob"]
    assert stripped["credit_balance"].to_pylist() == [10, 10]
    nulled = contacts_page(("uuid-jane", None, None))
    assert stripped["row_hash"].to_pylist() == [
        nulled["row_hash"][0].as_py(),
        page["row_hash"][1].as_py(),
    ]
    ledger = pa.table(
        {
            "uuid": ["t1", "t2"],
            "contact_uuid": ["uuid-bob", "uuid-jane"],
            "contact_email": ["b@x.io", "jane@example.com"],
        }
    )
    assert erased.strip(ledger)["contact_email"].to_pylist() == ["b@x.io", None]
    others = contacts_page(("uuid-bob", "b@x.io", "Bob"))
    assert erased.strip(others) is others


def test_a_missing_erasure_key_is_refused_with_a_fresh_one_to_store():
    with pytest.raises(MissingErasureKey) as missing:
        erasure_key(PrivacyConfiguration())
    message = str(missing.value)
    assert "[privacy]" in message and "PRIVACY__ERASURE_KEY" in message
    assert len(message.split('"')[1]) >= 40
    assert erasure_key(PrivacyConfiguration(erasure_key="abc")) == b"abc"


def test_export_files_are_rewritten_without_the_member_and_a_dry_run_keeps_them(tmp_path):
    folder = tmp_path / "exports" / "seg_vip"
    rows = [
        {"contact_uuid": "uuid-jane", "email": "jane@example.com", "points": 3},
        {"contact_uuid": "uuid-bob", "email": "=bob@example.com", "points": -4},
    ]
    write_table(folder, "seg_vip", ["contact_uuid", "email", "points"], rows)
    before = (folder / "seg_vip.csv").read_bytes()
    assert erase_from_files([tmp_path / "exports"], JANE, apply=False) == {
        str(folder / "seg_vip"): 1
    }
    assert (folder / "seg_vip.csv").read_bytes() == before
    erase_from_files([tmp_path / "exports", folder], JANE, apply=True)
    assert b"jane" not in (folder / "seg_vip.csv").read_bytes()
    assert b"'=bob@example.com" in (folder / "seg_vip.csv").read_bytes()
    assert pq.read_table(folder / "seg_vip.parquet").to_pylist() == [rows[1]]
    assert oct((folder / "seg_vip.csv").stat().st_mode & 0o777) == "0o600"


def test_the_journal_keeps_no_trace_of_the_member_but_keeps_others(tmp_path):
    path = tmp_path / "webhooks" / "journal.sqlite"
    journal = Journal(path)
    for uuid, email in (("uuid-jane", "jane@example.com"), ("uuid-bob", "bob@example.com")):
        body = {"type": "contact.updated", "data": {"contact": {"uuid": uuid, "email": email}}}
        journal.add(json.dumps(body).encode(), "contact.updated", uuid, email, "done")
    journal.close()
    assert erase_from_journal(path, JANE, apply=True) == {str(path): 1}
    files = [p.read_bytes() for p in path.parent.iterdir()]
    assert not any(b"jane@example.com" in content for content in files)
    assert any(b"bob@example.com" in content for content in files)
    assert erase_from_journal(path, JANE, apply=False) == {}


@pytest.mark.parametrize("arguments", [[], ["--contact", "a", "--email", "b@example.com"]])
def test_erase_names_one_member_or_stops_in_one_line(tmp_path, arguments):
    command = [str(Path(sys.executable).parent / "piggy-elt"), "erase", *arguments]
    env = {**os.environ, "DLT_DATA_DIR": str(tmp_path / "dlt")}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: name the member with exactly one of --contact UUID or --email ADDRESS"
    ]
