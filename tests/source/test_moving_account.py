"""A sweep of an account that moves while it is read never retires a live contact.

The sandbox deletes its oldest contact and signs one up every second contacts list request, so
each sweep is served pages from before and after the change: the row at a page edge moves to a
page already read and is on no page the sweep sees. Such contacts are confirmed by uuid and stay
open; only contacts Piggy no longer has are retired."""

from __future__ import annotations

from source_helpers import api_records

RUNS = 4


def warehouse_state(wh) -> tuple[set[str], set[str]]:
    """(uuids with an open version, uuids whose every version is closed)."""
    rows = wh.query(
        "SELECT uuid, bool_or(_dlt_valid_to IS NULL) FROM piggy_raw.contacts GROUP BY uuid"
    )
    return {u for u, is_open in rows if is_open}, {u for u, is_open in rows if not is_open}


def live_contacts(sandbox) -> set[str]:
    """What the sandbox holds now, read with the churn paused so the read itself moves nothing."""
    control = sandbox.control
    control.configure(churn_during_reads=0)
    try:
        return {record["uuid"] for record in api_records(sandbox, "contacts")}
    finally:
        control.configure(churn_during_reads=2)


def test_no_live_contact_is_ever_retired_while_contacts_come_and_go(make_sandbox, warehouse):
    sandbox = make_sandbox(scale=300)
    wh = warehouse(sandbox)
    wh.load(resources=["contacts"])
    sandbox.control.configure(churn_during_reads=2)
    kept_live = 0
    for _ in range(RUNS):
        summary = wh.load(resources=["contacts"])
        kept_live += summary.resources["contacts"].kept_live
        live = live_contacts(sandbox)
        deleted = set(sandbox.control.status()["churned"]["deleted"])
        opened, retired = warehouse_state(wh)
        assert not retired & live, "a live contact was retired"
        assert opened <= live | deleted
    assert kept_live >= RUNS, "every sweep skipped a live contact at a page edge and kept it"
    assert len(deleted) >= RUNS

    sandbox.control.configure(churn_during_reads=0)
    wh.load(resources=["contacts"])
    opened, retired = warehouse_state(wh)
    assert opened == live_contacts(sandbox) and deleted <= retired
    print(f"{RUNS} sweeps under churn: {len(deleted)} deleted, {kept_live} skipped but kept")
