"""`--full-refresh` and `--refresh contacts` never drop the contacts' history without a word: with
history at stake they refuse in one line (exit 4) naming what would go, until `--yes`."""

from __future__ import annotations

import duckdb
import pytest

CHANGES = {"signups": 3, "earns": 40, "redemptions": 5, "cashback": 5, "tier_changes": 4}


def versions(path) -> tuple[int, int, int]:
    """(versions, contacts, closed versions) in the contacts table."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT count(*), count(DISTINCT uuid), count(_dlt_valid_to) FROM piggy_raw.contacts"
        ).fetchone()


@pytest.fixture
def with_history(cli, make_sandbox, tmp_path, monkeypatch):
    """A workspace whose contacts have earlier and deleted versions: `(run, duckdb path)`; runs
    load contacts and rewards, and a full refresh drops every table of the source."""
    sandbox = make_sandbox(scale=200)
    monkeypatch.setenv("SOURCES__PIGGY__API_KEY", sandbox.token)

    def run(*args: str) -> tuple[int, str, str]:
        return cli("run", "--base-url", sandbox.base_url, "--resources", "contacts,rewards", *args)

    assert run()[0] == 0
    assert run("--full-refresh")[0] == 0, "no history yet: nothing to confirm"
    sandbox.control.advance(days=2, deletes=2, **CHANGES)
    assert run()[0] == 0
    return run, tmp_path / "piggy.duckdb"


@pytest.mark.parametrize("args", [("--full-refresh",), ("--refresh", "contacts")])
def test_a_refresh_that_would_drop_history_refuses_without_yes(with_history, args):
    run, path = with_history
    before = versions(path)
    assert before[2] > 2 and before[0] > before[1]
    code, out, err = run(*args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 4 and len(lines) == 1, err
    tables = 3 if args == ("--full-refresh",) else 2  # contacts, contact_subscriptions, rewards
    assert lines[0] == (
        f"error: {args[0]}{' contacts' if len(args) > 1 else ''} drops {tables} tables, among "
        f"them the contacts history: {before[0]} versions of {before[1]} contacts, {before[2]} "
        "of them earlier or deleted versions no API read brings back; run again with --yes to "
        "drop it"
    )
    assert versions(path) == before


def test_yes_drops_the_history_and_says_so(with_history):
    run, path = with_history
    before = versions(path)
    code, out, err = run("--full-refresh", "--yes")
    assert code == 0, err
    assert f"the contacts history: {before[0]} versions" in err and "dropped (--yes)" in err
    after = versions(path)
    assert after[0] == after[1] == before[1] - 2 and after[2] == 0
    assert run("--refresh", "contacts")[0] == 0, "a fresh history has nothing earlier to lose"


def test_refreshing_another_resource_needs_no_yes(with_history):
    run, path = with_history
    before = versions(path)
    code, _, err = run("--refresh", "rewards")
    assert code == 0, err
    assert versions(path) == before
