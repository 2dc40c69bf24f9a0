"""`piggy-elt erase` on DuckDB: after loads, transforms, exports, a review queue and webhook
deliveries, a member's email and names are found nowhere, money still adds up, the dry run
changes nothing and a later load does not bring them back."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from erase_scenario import Member, build_history
from erase_workspace import ERASURE_KEY, Workspace

from piggy_sandbox import SandboxConfig, run_sandbox

pytestmark = pytest.mark.integration
SCANNED_FOLDERS = ("dlt", "exports", "dbt-target")


@dataclass
class Erased:
    workspace: Workspace
    member: Member
    dry_run: str
    before_dry_run: dict[str, bytes]
    after_dry_run: dict[str, bytes]
    ledger_before: list[tuple]
    seconds: float


def snapshot(workspace: Workspace) -> dict[str, bytes]:
    """Every file's bytes and every table's rows: what a dry run must leave exactly as it was."""
    state = {
        str(path): path.read_bytes()
        for folder in ("dlt", "exports")
        for path in sorted((workspace.root / folder).rglob("*"))
        if path.is_file()
        and "trace" not in path.name
        and not path.name.startswith(".")
        and "journal.sqlite" not in path.name
    }
    tables = sorted({(s, t) for s, t, _ in workspace.text_columns()})
    everything = workspace.queries([(f'SELECT * FROM "{s}"."{t}"', ()) for s, t in tables])
    for (schema, table), rows in zip(tables, everything, strict=True):
        state[f"{schema}.{table}"] = repr(sorted(map(repr, rows))).encode()
    return state


def ledger_rows(workspace: Workspace, uuid: str) -> list[tuple]:
    return workspace.query(
        "SELECT uuid, credits, created_at FROM piggy_raw.loyalty_transactions "
        "WHERE contact_uuid = %s ORDER BY uuid",
        uuid,
    )


@pytest.fixture(scope="module")
def erased(tmp_path_factory, sandbox_data_dir, crm) -> Iterator[Erased]:
    root = tmp_path_factory.mktemp("erase-duckdb")
    config = SandboxConfig(scale=100, seed=11, data_dir=sandbox_data_dir)
    with run_sandbox(config) as sandbox:
        workspace = Workspace(root, sandbox)
        member = build_history(workspace, crm.url)
        assert workspace.traces_in_tables(member.needles), "the member was never loaded"
        ledger_before = ledger_rows(workspace, member.uuid)
        before = snapshot(workspace)
        dry_run = workspace.cli("erase", "--contact", member.uuid).stdout
        after = snapshot(workspace)
        started = time.monotonic()
        workspace.cli(
            "erase",
            "--email",
            member.email.upper(),
            "--apply",
            "--target-path",
            str(root / "dbt-target"),
        )
        seconds = time.monotonic() - started
        yield Erased(workspace, member, dry_run, before, after, ledger_before, seconds)


def test_the_dry_run_lists_every_place_and_changes_nothing(erased):
    assert erased.before_dry_run == erased.after_dry_run
    for place in (
        "piggy_raw.contacts",
        "piggy_raw.loyalty_transactions",
        "piggy_raw.quarantined_records",
        "piggy_actions.export_members",
        "review_queue",
        "piggy_actions_staging.export_members",
        "journal.sqlite",
        "delta",
    ):
        assert place in erased.dry_run.replace("\n", ""), place
    assert "nothing changed" in erased.dry_run


def test_no_table_of_any_schema_keeps_the_email_or_names(erased):
    assert erased.workspace.traces_in_tables(erased.member.needles) == []


def test_every_version_of_the_member_is_nulled_and_kept(erased):
    versions = erased.workspace.query(
        "SELECT email, firstname, lastname, birthdate, custom_attributes_json, credit_balance "
        "FROM piggy_raw.contacts WHERE uuid = %s",
        erased.member.uuid,
    )
    assert len(versions) >= 2
    assert {row[:5] for row in versions} == {(None,) * 5}
    assert all(row[5] is not None for row in versions)


def test_no_file_under_dlt_exports_or_dbt_keeps_them(erased):
    found = erased.workspace.traces_in_files(erased.member.needles, *SCANNED_FOLDERS)
    assert found == []


def test_other_contacts_in_the_journal_and_the_review_queue_stay(erased):
    other = ["someone.else@example.com"]
    found = erased.workspace.traces_in_files(other, "dlt", "exports")
    assert found == [
        "dlt/webhooks/journal.sqlite",
        "exports/payout_review/review_queue.csv",
        "exports/payout_review/review_queue.parquet",
    ]


def test_money_stays_and_balances_reconcile(erased):
    workspace, uuid = erased.workspace, erased.member.uuid
    assert ledger_rows(workspace, uuid) == erased.ledger_before != []
    drifted = workspace.query(
        "SELECT count(*) FROM piggy_analytics.mart_balance_reconciliation WHERE is_drifted"
    )
    assert drifted == [(0,)]
    assert workspace.query(
        "SELECT email FROM piggy_analytics.dim_contacts WHERE contact_uuid = %s", uuid
    ) == [(None,)]


def test_the_log_names_the_member_by_keyed_hash_only(erased):
    workspace, member = erased.workspace, erased.member
    (entry,) = workspace.query(
        "SELECT member_hash, reason, actor, touched_json FROM piggy_actions.erasure_log"
    )
    expected = hmac.new(ERASURE_KEY.encode(), member.uuid.encode(), hashlib.sha256).hexdigest()
    assert entry[:2] == (expected, "request")
    assert entry[2]
    touched = json.loads(entry[3])
    assert touched["piggy_raw.contacts"] >= 2
    assert member.uuid not in entry[3]


def test_a_later_run_does_not_bring_them_back(erased):
    workspace, member = erased.workspace, erased.member
    versions_before = workspace.query(
        "SELECT count(*) FROM piggy_raw.contacts WHERE uuid = %s", member.uuid
    )
    started = time.monotonic()
    workspace.run()
    print(f"run after erasure: {time.monotonic() - started:.1f}s; erase: {erased.seconds:.1f}s")
    assert workspace.traces_in_tables(member.needles) == []
    assert workspace.query(
        "SELECT count(*) FROM piggy_raw.contacts WHERE uuid = %s AND _dlt_valid_to IS NULL",
        member.uuid,
    ) == [(1,)]
    assert (
        workspace.query("SELECT count(*) FROM piggy_raw.contacts WHERE uuid = %s", member.uuid)
        == versions_before
    )
