"""The warehouse hears the webhooks: at each `piggy-elt run`, the journal's events since the last
run load into the raw table `webhook_events`, and the contacts they name are refetched.

Where the run got to is dlt's incremental on the journal's sequence id (`event_id`), kept in the
piggy source's state and committed with the load, so a failed run reads the same events again.
The run takes a snapshot bound (the journal's newest id) before it starts: the rows loaded and the
contacts refetched are the same events, and events accepted while the run loads wait for the next
one (`journal_reads`). Only what is not personal is kept (ids, types, the entity's name and uuid,
the contact's uuid, the time received); the bodies, with emails and names, stay in the journal.

No journal (no receiver ever ran with this `[webhooks] journal_dir`): nothing is added. A run of
selected resources without contacts leaves the events for a later run, so no event is marked heard
without its contact refetched (so does a backfill or a refresh: `pipelines.loading`).
"""

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract import DltResource, DltSource

from piggy_source import piggy_source
from pipelines.webhooks.events import KNOWN_TYPES
from pipelines.webhooks.journal_reads import JournalReader, Logged
from pipelines.webhooks.settings import load_webhooks

TABLE = "webhook_events"
CURSOR = "event_id"
BATCH_ROWS = 10_000
NEW_JOURNAL = (
    "the webhook journal %s ends at event %s, below event %s the warehouse already loaded: it "
    "is not the journal the warehouse read; its events load once their ids pass that one"
)
log = logging.getLogger("piggy_elt.webhooks")
SCHEMA = pa.schema(
    [
        pa.field(CURSOR, pa.int64(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("known_type", pa.bool_(), nullable=False),
        pa.field("entity", pa.string()),
        pa.field("entity_uuid", pa.string()),
        pa.field("contact_uuid", pa.string()),
        pa.field("received_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)


@dataclass(frozen=True)
class Heard:
    """The events since the last run, as a resource to add to the source, and the contacts
    they name."""

    resource: DltResource
    contacts: list[str]

    def add_to(self, source: DltSource) -> DltSource:
        source.resources.add(self.resource)
        return source


def hear(selected: Sequence[str] | None) -> Heard | None:
    """What this run hears from the journal; None when there is no journal or the run does not
    read contacts. Call with the run's pipeline active (its state says where the last run got)."""
    if selected is not None and "contacts" not in selected:
        return None
    path = load_webhooks().journal_path()
    if not path.exists():
        return None
    after = _loaded_up_to(webhook_events(path, 0))
    reader = JournalReader(path)
    try:
        up_to = reader.last_id()
        contacts = reader.contacts_between(after, up_to)
    finally:
        reader.close()
    if up_to < after:
        log.warning(NEW_JOURNAL, path, up_to, after)
    return Heard(webhook_events(path, up_to), contacts)


def webhook_events(path: Path, up_to: int) -> DltResource:
    """The events after the saved cursor up to the snapshot's `up_to`, as arrow pages of
    `BATCH_ROWS`, merged on `event_id` (a replayed state loads nothing twice)."""

    since: dlt.sources.incremental[int] = dlt.sources.incremental(CURSOR, initial_value=0)

    @dlt.resource(name=TABLE, primary_key=CURSOR, write_disposition="merge")
    def events(event_id: dlt.sources.incremental[int] = since) -> Any:
        reader = JournalReader(path)
        try:
            after = int(event_id.start_value or 0)
            while batch := reader.since(after, up_to, BATCH_ROWS):
                yield pa.Table.from_pylist([_row(row) for row in batch], schema=SCHEMA)
                after = batch[-1].event_id
        finally:
            reader.close()

    return events


def _loaded_up_to(resource: DltResource) -> int:
    """The incremental's last value, read from the piggy source's state as the run will see it."""
    probe = piggy_source()
    probe.resources.add(resource)
    saved = probe.resources[TABLE].state.get("incremental", {}).get(CURSOR, {})
    return int(saved.get("last_value") or 0)


def _row(row: Logged) -> dict[str, Any]:
    entity, entity_uuid = _entity(row.body)
    return {
        CURSOR: row.event_id,
        "type": row.type,
        "known_type": row.type in KNOWN_TYPES,
        "entity": entity,
        "entity_uuid": entity_uuid,
        "contact_uuid": row.contact_uuid,
        "received_at": datetime.fromtimestamp(row.received_at, UTC),
    }


def _entity(body: bytes) -> tuple[str | None, str | None]:
    """The entity's name and uuid (the receiver accepted only bodies of this shape; an erasure
    may have rewritten one since)."""
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return None, None
    if not isinstance(data, dict) or len(data) != 1:
        return None, None
    name, entity = next(iter(data.items()))
    uuid = entity.get("uuid") if isinstance(entity, dict) else None
    return name, uuid if isinstance(uuid, str) else None
