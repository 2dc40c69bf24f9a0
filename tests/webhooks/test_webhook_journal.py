"""The journal's bookkeeping: one row per contact, spaced retries, dead letters, retention."""

from __future__ import annotations

import time

import pytest

from pipelines.webhooks.journal import Backoff, Journal
from pipelines.webhooks.journal_reads import JournalReader


@pytest.fixture
def journal(tmp_path):
    opened = Journal(tmp_path / "journal.sqlite")
    yield opened
    opened.close()


def add(journal: Journal, n: int, contact: str | None, state: str = "pending") -> None:
    journal.add(f"event {n}".encode(), "contact_updated", contact, f"{contact}@x.test", state)


def test_pending_events_of_one_contact_are_due_together(journal):
    for n, contact in enumerate(["a", "b", "a", "a"]):
        add(journal, n, contact)
    due = {item.contact_uuid: item.event_ids for item in journal.due(10)}
    assert due == {"a": (1, 3, 4), "b": (2,)}
    journal.settle(due["a"])
    assert [item.contact_uuid for item in journal.due(10)] == ["b"]
    assert journal.counts() == {"done": 3, "pending": 1}


def test_a_failed_attempt_waits_and_the_last_one_dead_letters(journal):
    add(journal, 1, "a")
    policy = Backoff(attempts=3, base_seconds=60, max_seconds=60)
    ids = journal.due(10)[0].event_ids
    assert journal.retry_later(ids, "CRM answered HTTP 503", policy) == 0
    assert journal.due(10, now=time.time() + 61)[0].event_ids == ids
    assert journal.retry_later(ids, "CRM answered HTTP 503", policy) == 0
    assert journal.retry_later(ids, "CRM answered HTTP 503", policy) == 1
    assert journal.counts() == {"dead": 1}
    assert journal.due(10, now=time.time() + 3600) == []
    (letter,) = journal.dead_letters()
    assert (letter["attempts"], letter["last_error"]) == (3, "CRM answered HTTP 503")


def test_backoff_grows_with_jitter_and_stays_under_its_ceiling():
    policy = Backoff(attempts=10, base_seconds=1, max_seconds=30)
    for attempt in range(1, 10):
        delays = [policy.delay(attempt) for _ in range(200)]
        assert min(delays) >= 0 and max(delays) <= min(30, 2 ** (attempt - 1))
        assert len(set(delays)) > 100


def test_retention_forgets_settled_events_only(journal):
    add(journal, 1, "a")
    add(journal, 2, None, state="ignored")
    add(journal, 3, None, state="unknown")
    add(journal, 4, "b")
    add(journal, 5, "c")
    journal.settle([1])
    journal.retry_later([5], "gone", Backoff(1, 0, 0))
    assert journal.prune(older_than_seconds=3600) == 0
    assert journal.prune(older_than_seconds=-1) == 2
    assert journal.counts() == {"pending": 1, "unknown": 1, "dead": 1}


def test_an_id_is_never_given_twice_even_when_every_event_was_pruned(journal):
    """The warehouse loads events by id; an id given again after pruning would never load."""
    for n in range(3):
        add(journal, n, None, state="ignored")
    assert journal.prune(older_than_seconds=-1) == 2
    add(journal, 9, None, state="ignored")
    reader = JournalReader(journal.path)
    assert [row.event_id for row in reader.since(0, reader.last_id(), 10)] == [3, 4]
    reader.close()


def test_since_reads_every_state_in_id_order_up_to_a_snapshot_in_batches(journal):
    add(journal, 1, "a")
    add(journal, 2, None, state="unknown")
    add(journal, 3, "b")
    add(journal, 4, "a")
    journal.settle([1])
    reader = JournalReader(journal.path)
    up_to = reader.last_id()
    add(journal, 5, "c")
    assert reader.contacts_between(1, up_to) == ["a", "b"]
    rows = reader.since(1, up_to, 2)
    assert [(row.event_id, row.type, row.contact_uuid) for row in rows] == [
        (2, "contact_updated", None),
        (3, "contact_updated", "b"),
    ]
    assert rows[0].body == b"event 2" and rows[0].received_at > 0
    assert [row.event_id for row in reader.since(3, up_to, 2)] == [4]
    assert reader.since(up_to, up_to, 2) == []
    assert reader.last_id() == 5
    reader.close()


def test_replay_moves_dead_letters_back_to_pending_and_counts_them(journal):
    add(journal, 1, "a")
    add(journal, 2, "b")
    add(journal, 3, "c")
    journal.retry_later([1, 2], "CRM answered HTTP 503", Backoff(1, 60, 60))
    assert journal.counts() == {"dead": 2, "pending": 1}
    assert journal.replay() == 2
    assert journal.counts() == {"pending": 3}
    assert sorted(item.contact_uuid for item in journal.due(10)) == ["a", "b", "c"]
    assert journal.replay() == 0
    assert journal.figures()["replayed"] == 2
    journal.retry_later([1], "CRM answered HTTP 503", Backoff(1, 60, 60))
    assert journal.replay() == 1 and journal.figures()["replayed"] == 3
