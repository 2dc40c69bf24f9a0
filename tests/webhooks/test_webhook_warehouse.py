"""The warehouse hears the webhooks: `piggy-elt run` loads the journal's events since the last run
into `webhook_events` and refetches the contacts they name into the scd2 contacts table, so
balance history is kept between sweeps run every N runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from pipelines.loading import LoadSummary, run_load
from pipelines.webhooks import landing
from pipelines.webhooks.events import parse
from pipelines.webhooks.journal import IGNORED, PENDING, UNKNOWN, Journal

REPO = Path(__file__).resolve().parents[2]
CONTACT_READS = "GET /contacts/{uuid}"
QUIET = {"signups": 0, "earns": 0, "redemptions": 0, "cashback": 0, "tier_changes": 0}


@dataclass
class Account:
    """A private sandbox, a private pipeline and DuckDB file, and the journal a receiver keeps."""

    sandbox: Any
    root: Path

    @property
    def journal_path(self) -> Path:
        return self.root / "journal" / "journal.sqlite"

    def load(self, **options: Any) -> LoadSummary:
        return run_load(
            ["contacts"],
            base_url=self.sandbox.base_url,
            api_key=self.sandbox.token,
            duckdb_path=self.root / "piggy.duckdb",
            pipelines_dir=self.root / "dlt",
            **options,
        )

    def receive(self, event_type: str, entity: str, record: dict[str, Any]) -> None:
        """Journal one delivery as the receiver does (same parse, same states)."""
        raw = json.dumps({"type": event_type, "data": {entity: record}}).encode()
        event = parse(raw)
        state = (PENDING if event.contact_uuid else IGNORED) if event.known else UNKNOWN
        journal = Journal(self.journal_path)
        try:
            journal.add(raw, event.type, event.contact_uuid, event.email, state)
        finally:
            journal.close()

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.sandbox.token}"}
        answer = httpx.request(
            method, self.sandbox.api_url + path, headers=headers, timeout=30, **kwargs
        )
        return answer.json()["data"]

    def contact(self, index: int) -> dict[str, Any]:
        """One of the oldest contacts: a run between sweeps reads it only when an event names it."""
        params = {"limit": index + 1, "sort": "created_at"}
        return self.api("GET", "/contacts", params=params)[index]

    def earn(self, contact_uuid: str, credits: int) -> None:
        shop = self.api("GET", "/shops")[0]["uuid"]
        body = {"shop_uuid": shop, "contact_uuid": contact_uuid, "credits": credits}
        self.api("POST", "/credit-receptions", json=body)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.root / "piggy.duckdb"), read_only=True) as con:
            return con.execute(sql).fetchall()

    def versions(self, uuid: str) -> list[tuple]:
        """(balance, still open) of each version of one contact, oldest first."""
        return self.query(
            "SELECT credit_balance, _dlt_valid_to IS NULL FROM piggy_raw.contacts "
            f"WHERE uuid = '{uuid}' ORDER BY _dlt_valid_from"
        )


@pytest.fixture
def account(make_sandbox, tmp_path, monkeypatch) -> Account:
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    monkeypatch.setenv("WEBHOOKS__JOURNAL_DIR", str(tmp_path / "journal"))
    return Account(make_sandbox(scale=300), tmp_path)


def test_events_since_the_last_run_land_once_without_personal_values(account, monkeypatch):
    monkeypatch.setattr(landing, "BATCH_ROWS", 2)
    account.load()
    assert not account.journal_path.parent.exists(), "a run without a journal created one"
    assert account.query(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'webhook_events'"
    ) == [(0,)]
    contact = account.contact(0)
    account.receive("contact_updated", "contact", contact)
    account.receive("loyalty_party_started", "contact", contact)
    account.receive("voucher_created", "voucher", {"uuid": "v-1", "code": "ABC"})
    account.load()
    rows = account.query(
        "SELECT event_id, type, known_type, entity, entity_uuid, contact_uuid, received_at "
        "FROM piggy_raw.webhook_events ORDER BY event_id"
    )
    assert [row[:6] for row in rows] == [
        (1, "contact_updated", True, "contact", contact["uuid"], contact["uuid"]),
        (2, "loyalty_party_started", False, "contact", contact["uuid"], contact["uuid"]),
        (3, "voucher_created", True, "voucher", "v-1", None),
    ]
    assert all(row[6] is not None for row in rows)
    everything = json.dumps(account.query("SELECT * FROM piggy_raw.webhook_events"), default=str)
    assert contact["email"] not in everything and "ABC" not in everything
    account.receive("contact_updated", "contact", account.contact(1))
    account.load()
    assert account.query("SELECT event_id FROM piggy_raw.webhook_events ORDER BY ALL") == [
        (1,),
        (2,),
        (3,),
        (4,),
    ]


def test_a_journal_started_afresh_is_reported_not_mixed_with_the_old_ids(account, caplog):
    for n in range(3):
        account.receive("voucher_created", "voucher", {"uuid": f"v-{n}"})
    account.load()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{account.journal_path}{suffix}").unlink(missing_ok=True)
    account.receive("voucher_created", "voucher", {"uuid": "v-new"})
    account.load()
    assert "below event 3 the warehouse already loaded" in caplog.text
    assert account.query("SELECT entity_uuid FROM piggy_raw.webhook_events ORDER BY ALL") == [
        ("v-0",),
        ("v-1",),
        ("v-2",),
    ]


def test_a_refresh_leaves_the_events_for_the_next_run(account):
    account.load()
    account.receive("contact_updated", "contact", account.contact(0))
    account.load(refresh="contacts", drop_history=True)
    assert account.query(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'webhook_events'"
    ) == [(0,)]
    account.load()
    assert account.query("SELECT event_id FROM piggy_raw.webhook_events") == [(1,)]
    account.load(refresh="contacts", drop_history=True)
    assert account.query("SELECT event_id FROM piggy_raw.webhook_events") == [(1,)]


def test_named_contacts_are_refetched_between_sweeps_and_keep_their_balance_history(account):
    first = account.load(contacts_sweep_every_runs=3)
    assert first.contacts_sweep == "swept; next sweep in 3 runs"
    named, silent = account.contact(0), account.contact(1)
    account.earn(named["uuid"], 50)
    account.earn(silent["uuid"], 70)
    account.receive("credit_reception_created", "credit_reception", {"contact": named})
    account.receive("contact_updated", "contact", named)
    account.sandbox.control.reset_totals()
    second = account.load(contacts_sweep_every_runs=3)
    old = named["credit_balance"]["balance"]
    assert account.versions(named["uuid"]) == [(old, False), (old + 50, True)]
    assert account.versions(silent["uuid"]) == [(silent["credit_balance"]["balance"], True)]
    assert account.sandbox.control.totals().get(CONTACT_READS, 0) == 1
    assert second.resources["contacts"].refetched == 1
    assert second.contacts_sweep == "not swept; next sweep in 2 runs"


def test_a_contact_gone_on_refetch_stays_open_until_a_sweep_confirms_it(account):
    account.load(contacts_sweep_every_runs=2)
    deleted = account.sandbox.control.advance(days=1, deletes=1, **QUIET)["deleted_uuids"]
    gone = deleted[0]
    account.receive("contact_updated", "contact", {"uuid": gone, "email": "gone@x.test"})
    second = account.load(contacts_sweep_every_runs=2)
    assert second.resources["contacts"].refetched == 1
    assert account.versions(gone)[-1][1] is True, "a 404 on refetch retired a contact"
    third = account.load(contacts_sweep_every_runs=2)
    assert third.contacts_sweep == "swept; next sweep in 2 runs"
    assert account.versions(gone)[-1][1] is False


def test_the_sweep_setting_comes_from_its_environment_variable(account, monkeypatch):
    monkeypatch.setenv("SOURCES__PIGGY__CONTACTS_SWEEP_EVERY_RUNS", "2")
    assert account.load().contacts_sweep == "swept; next sweep in 2 runs"
    assert account.load().contacts_sweep == "not swept; next sweep in 1 run"
    monkeypatch.setenv("SOURCES__PIGGY__CONTACTS_SWEEP_EVERY_RUNS", "0")
    with pytest.raises(Exception, match="contacts_sweep_every_runs must be at least 1"):
        account.load()


def test_the_sandbox_deliveries_reach_the_warehouse_through_the_receivers_journal(
    rig, tmp_path, monkeypatch
):
    running = rig()
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    monkeypatch.setenv("WEBHOOKS__JOURNAL_DIR", str(running.receiver.journal.parent))
    (tmp_path / "warehouse").mkdir()
    account = Account(running.sandbox, tmp_path / "warehouse")
    account.load(contacts_sweep_every_runs=5)
    running.sandbox.control.advance(days=1, **{**QUIET, "earns": 20})
    deliveries = running.sandbox.control.deliveries()
    assert deliveries and all(d["delivered"] for d in deliveries)
    account.load(contacts_sweep_every_runs=5)
    events = account.query(
        "SELECT count(*), count(DISTINCT contact_uuid) FROM piggy_raw.webhook_events"
    )
    assert events[0][0] == len(deliveries) and events[0][1] > 0
    named = account.query(
        "SELECT c.uuid, c.credit_balance FROM piggy_raw.contacts c WHERE c._dlt_valid_to IS NULL "
        "AND c.uuid IN (SELECT contact_uuid FROM piggy_raw.webhook_events)"
    )
    assert len(named) == events[0][1]
    for uuid, balance in named:
        assert balance == account.api("GET", f"/contacts/{uuid}")["credit_balance"]["balance"]


def test_the_run_summary_says_when_the_next_sweep_is_due(sandbox, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DESTINATION__DUCKDB__CREDENTIALS": str(tmp_path / "piggy.duckdb"),
        "WEBHOOKS__JOURNAL_DIR": str(tmp_path / "no-receiver-here"),
        "SOURCES__PIGGY__API_KEY": sandbox.token,
        "SOURCES__PIGGY__CONTACTS_SWEEP_EVERY_RUNS": "3",
    }
    command = [sys.executable, "-m", "pipelines", "run", "--resources", "contacts"]
    command += ["--base-url", sandbox.base_url]
    lines = []
    for _ in range(2):
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        lines += [line for line in done.stdout.splitlines() if line.startswith("contacts sweep")]
    assert lines == [
        "contacts sweep: swept; next sweep in 3 runs",
        "contacts sweep: not swept; next sweep in 2 runs",
    ]
    assert not (tmp_path / "no-receiver-here").exists()
    done = subprocess.run(
        [*command, "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert json.loads(done.stdout)["contacts_sweep"] == "not swept; next sweep in 1 run"
