"""A sweep retires nobody unless it is complete, and only contacts Piggy confirms are gone.

Through a proxy that drops rows, a sweep that read less than page 1 promised fails and leaves the
contacts table as it was (once 195 of 200 contacts were marked deleted this way); a contact the
listing left out but Piggy still has stays open; too many retirements at once stop the run."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from lying_proxy import Answer, lying_proxy
from source_helpers import Warehouse, api_records

from piggy_source.settings import API_PREFIX
from pipelines.errors import describe_error

CONTACTS = f"{API_PREFIX}/contacts"
NO_OTHER_ACTIVITY = {"signups": 0, "earns": 0, "redemptions": 0, "cashback": 0, "tier_changes": 0}


def contacts_table(wh: Warehouse) -> list[tuple]:
    return wh.query(
        "SELECT uuid, row_hash, _dlt_valid_from, _dlt_valid_to FROM piggy_raw.contacts ORDER BY ALL"
    )


def open_uuids(wh: Warehouse) -> set[str]:
    rows = wh.query("SELECT uuid FROM piggy_raw.contacts WHERE _dlt_valid_to IS NULL")
    return {uuid for (uuid,) in rows}


def through(proxy, sandbox) -> SimpleNamespace:
    return SimpleNamespace(base_url=proxy.base_url, token=sandbox.token)


def sweep_via(wh: Warehouse, sandbox, rewrite, **options):
    """Sweep the contacts through a proxy running `rewrite`; the summary and what was asked."""
    with lying_proxy(sandbox, rewrite) as proxy:
        wh.sandbox = through(proxy, sandbox)
        try:
            return wh.load(resources=["contacts"], **options), list(proxy.asked)
        finally:
            wh.sandbox = sandbox


def failing_sweep(wh: Warehouse, sandbox, rewrite, **options) -> str:
    before = contacts_table(wh)
    with pytest.raises(Exception) as caught:
        sweep_via(wh, sandbox, rewrite, **options)
    assert contacts_table(wh) == before, "a failed sweep changed the contacts table"
    line = describe_error(caught.value)
    assert "\n" not in line
    return line


@pytest.fixture
def loaded(make_sandbox, warehouse):
    """A private account of 300 contacts, swept once."""
    sandbox = make_sandbox(scale=300)
    wh = warehouse(sandbox)
    wh.load(resources=["contacts"])
    return sandbox, wh


def test_five_of_three_hundred_on_a_last_page_one_fail_the_sweep(loaded):
    sandbox, wh = loaded

    def five_only(answer: Answer) -> None:
        if answer.path == CONTACTS:
            answer.body["data"] = answer.body["data"][:5]
            answer.body["meta"]["last_page"] = 1

    line = failing_sweep(wh, sandbox, five_only)
    assert "served 5 contacts where its page 1 promised 300" in line, line
    wh.load(resources=["contacts"])
    assert len(open_uuids(wh)) == 300


def test_a_short_page_before_the_last_fails_the_sweep(loaded):
    sandbox, wh = loaded

    def short_second_page(answer: Answer) -> None:
        if answer.path == CONTACTS and answer.query.get("page") == "2":
            answer.body["data"] = answer.body["data"][:97]

    line = failing_sweep(wh, sandbox, short_second_page)
    assert "page 2 of /contacts held fewer than 100 contacts before the last page" in line, line


def test_a_failed_page_fails_the_sweep(loaded):
    sandbox, wh = loaded

    def refuse_third_page(answer: Answer) -> None:
        if answer.path == CONTACTS and answer.query.get("page") == "3":
            answer.status = 403
            answer.body = {"message": "Forbidden", "code": 7011, "status_code": 403}

    line = failing_sweep(wh, sandbox, refuse_third_page)
    assert "HTTP 403 (code 7011)" in line, line


def test_a_live_contact_left_out_of_the_listing_stays_open(loaded):
    sandbox, wh = loaded
    hidden: list[str] = []

    def hide_two_on_the_last_page(answer: Answer) -> None:
        if answer.path == CONTACTS and answer.query.get("page") == "3":
            hidden.extend(record["uuid"] for record in answer.body["data"][-2:])
            answer.body["data"] = answer.body["data"][:-2]

    summary, asked = sweep_via(wh, sandbox, hide_two_on_the_last_page)
    assert len(hidden) == 2 and set(hidden) <= open_uuids(wh)
    assert len(open_uuids(wh)) == 300
    assert sorted(path for path in asked if path.startswith(f"{CONTACTS}/")) == sorted(
        f"{CONTACTS}/{uuid}?" for uuid in hidden
    )
    stats = summary.resources["contacts"]
    assert (stats.rechecked, stats.kept_live) == (2, 2)


def test_deleted_contacts_are_retired_only_after_a_404(loaded, monkeypatch):
    sandbox, wh = loaded
    # the open contacts stream from the warehouse in chunks; 7 a chunk reads them in 43
    monkeypatch.setattr("piggy_source.sweep.OPEN_CONTACTS_CHUNK", 7)
    deleted = sandbox.control.advance(days=1, deletes=3, **NO_OTHER_ACTIVITY)["deleted_uuids"]
    summary = wh.load(resources=["contacts"])
    assert not set(deleted) & open_uuids(wh)
    assert open_uuids(wh) == {record["uuid"] for record in api_records(sandbox, "contacts")}
    stats = summary.resources["contacts"]
    assert (stats.rechecked, stats.kept_live) == (3, 0)


def test_retiring_more_than_the_share_stops_the_run_until_the_share_is_raised(loaded, monkeypatch):
    sandbox, wh = loaded
    monkeypatch.setattr("piggy_source.sweep.OPEN_CONTACTS_CHUNK", 7)
    deleted = sandbox.control.advance(days=1, deletes=40, **NO_OTHER_ACTIVITY)["deleted_uuids"]
    before = contacts_table(wh)
    with pytest.raises(Exception) as caught:
        wh.load(resources=["contacts"])
    line = describe_error(caught.value)
    assert "would retire 40 of 300 open contacts (13%)" in line and "MAX_RETIRE_SHARE" in line
    assert contacts_table(wh) == before
    wh.load(resources=["contacts"], max_retire_share=0.2)
    assert len(deleted) == 40 and not set(deleted) & open_uuids(wh)
    assert len(open_uuids(wh)) == 260
