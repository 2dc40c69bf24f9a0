"""A pipeline saved by a version with the hand-kept cursor continues from it on dlt's incremental:
no full read, no skipped row, and the old key is gone after one run."""

from __future__ import annotations

import dlt
from source_helpers import api_totals

from piggy_source.hand_cursor import HAND_CURSOR_KEY
from pipelines.load_status import read_status
from pipelines.loading import make_pipeline

LEDGERS = ("loyalty_transactions", "giftcard_transactions", "prepaid_transactions")
LEDGER_ONLY = {
    "signups": 0,
    "earns": 40,
    "redemptions": 10,
    "cashback": 12,
    "tier_changes": 0,
    "deletes": 0,
}


def as_before_the_upgrade(wh, cursors: dict[str, str]) -> None:
    """Leave each ledger's state as the hand cursor left it: `created_at_cursor`, no incremental."""

    @dlt.source(name="piggy", section="piggy")
    def piggy():
        def hand_state(name: str):
            @dlt.resource(name=name)
            def rewind():
                state = dlt.current.resource_state()
                state.pop("incremental")
                state[HAND_CURSOR_KEY] = cursors[name]
                yield from ()

            return rewind

        return [hand_state(name) for name in cursors]

    pipeline = make_pipeline(duckdb_path=wh.path, pipelines_dir=wh.root / "dlt")
    pipeline.run(piggy())


def status(wh):
    return read_status(
        "piggy", pipelines_dir=wh.root / "dlt", destination="duckdb", duckdb_path=wh.path
    )


def test_a_hand_cursor_is_continued_once_then_dropped(make_sandbox, warehouse):
    sandbox = make_sandbox(scale=200)
    wh = warehouse(sandbox)
    wh.load(resources=list(LEDGERS))
    cursors = {t.table: t.cursor for t in status(wh).tables if t.table in LEDGERS}
    assert set(cursors) == set(LEDGERS)
    as_before_the_upgrade(wh, cursors)
    assert not [t.table for t in status(wh).tables if t.cursor]

    sandbox.control.advance(days=1, **LEDGER_ONLY)
    summary = wh.load(resources=list(LEDGERS))
    totals, counts = api_totals(sandbox, LEDGERS), wh.counts()
    assert {name: counts[name] for name in LEDGERS} == totals
    assert summary.resources["loyalty_transactions"].requests <= 3  # from the cursor, not all
    prepaid_pages = summary.resources["prepaid_transactions"].pages
    assert prepaid_pages <= 2 < totals["prepaid_transactions"] // 30
    after = {t.table: t.cursor for t in status(wh).tables if t.table in LEDGERS}
    assert all(
        after[name] > cursors[name] for name in ("loyalty_transactions", "prepaid_transactions")
    )
    pipeline = make_pipeline(duckdb_path=wh.path, pipelines_dir=wh.root / "dlt")
    resources = pipeline.state["sources"]["piggy"]["resources"]
    assert not [name for name in LEDGERS if HAND_CURSOR_KEY in resources[name]]
