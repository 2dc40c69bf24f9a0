"""Drain the journal: refetch each named contact once, push the profiles, settle the events.

Runs as a thread next to the receiver. Each pass takes the contacts with due pending events (a
burst of events for one contact is one row, so one `GET /contacts/{uuid}`), refetches them through
the source's `PiggyClient` (its request budget, retries and `Retry-After` handling), and pushes
one batch to the CRM. Events are settled only after the CRM took their contact's profile; a
failure counts an attempt, spaces the next one out, and dead-letters after the configured number.
An event arriving while its contact is in flight stays pending for the next pass, so the CRM
always ends on a refetch made after the newest event.
"""

import logging
import threading
import time
from concurrent.futures import Future
from typing import Any

from piggy_source.client import PiggyClient
from piggy_source.exceptions import PiggyApiError, PiggyError
from piggy_source.stats import RunStats
from pipelines.webhooks.crm import CrmPusher, PushFailed, deleted_profile, live_profile
from pipelines.webhooks.journal import Backoff, Due, Journal

CONTACT_NOT_FOUND = 55031
RESOURCE = "webhooks"
IDLE_SECONDS = 0.5
PRUNE_EVERY_SECONDS = 600.0
log = logging.getLogger("piggy_elt.webhooks")


class Worker:
    """One draining thread; `wake()` from any thread starts a pass at once."""

    def __init__(
        self,
        journal: Journal,
        client: PiggyClient,
        crm: CrmPusher,
        backoff: Backoff,
        batch_size: int,
        stats: RunStats,
        retention_seconds: float,
    ) -> None:
        self._journal, self._client, self._crm = journal, client, crm
        self._stats, self._retention = stats, retention_seconds
        self._pruned_at = 0.0
        self._backoff, self._batch_size = backoff, batch_size
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhooks-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                worked = self.drain_once()
            except Exception:  # noqa: BLE001 - the journal keeps the events; the next pass retries
                log.exception("drain pass failed; retrying")
                worked = 0
            if not worked:
                self._prune_now_and_then()
                self._wake.wait(IDLE_SECONDS)

    def _prune_now_and_then(self) -> None:
        """Only when idle, and at most every few minutes: pruning never delays a push."""
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self._pruned_at = time.monotonic()
            self._journal.prune(self._retention)

    def drain_once(self) -> int:
        """One pass over due contacts; returns how many contacts it handled."""
        due = self._journal.due(self._batch_size)
        if not due:
            return 0
        throttled = self._stats.of(RESOURCE).throttled
        futures = [
            (item, self._client.submit(RESOURCE, f"/contacts/{item.contact_uuid}")) for item in due
        ]
        ready: list[tuple[Due, dict[str, Any]]] = []
        for item, future in futures:
            profile = self._profile(item, future)
            if profile is not None:
                ready.append((item, profile))
        if ready:
            self._push(ready)
        if self._stats.of(RESOURCE).throttled > throttled:
            log.warning("Piggy answered 429 during refetches; waited as its Retry-After asked")
        return len(due)

    def _profile(self, item: Due, future: Future) -> dict[str, Any] | None:
        """The profile to push, or None when this contact must wait (counted in the journal)."""
        try:
            contact = future.result()["data"]
        except PiggyApiError as exc:
            if exc.status_code == 404 or exc.code == CONTACT_NOT_FOUND:
                return self._gone(item)
            self._later(item, str(exc))
            return None
        except PiggyError as exc:
            self._later(item, str(exc))
            return None
        profile = live_profile(contact) if isinstance(contact, dict) else None
        if profile is None:
            self._later(item, "refetched contact has no email to key the CRM profile by")
        return profile

    def _gone(self, item: Due) -> dict[str, Any] | None:
        if item.email:
            return deleted_profile(item.contact_uuid, item.email)
        self._later(item, "contact not found in Piggy and no email known from its events")
        return None

    def _later(self, item: Due, reason: str) -> None:
        dead = self._journal.retry_later(item.event_ids, reason, self._backoff)
        if dead:
            log.error("dead-lettered %s event(s): %s", dead, reason)

    def _push(self, ready: list[tuple[Due, dict[str, Any]]]) -> None:
        try:
            self._crm.push([profile for _, profile in ready])
        except PushFailed as exc:
            log.warning("CRM push of %s profile(s) failed: %s", len(ready), exc)
            for item, _ in ready:
                self._later(item, str(exc))
            return
        settled = [event_id for item, _ in ready for event_id in item.event_ids]
        self._journal.settle(settled)
        log.info("pushed %s profile(s) for %s event(s)", len(ready), len(settled))
