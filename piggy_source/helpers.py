"""Small helpers of the contacts resource: its pages, its scd2 merge, its subscriptions table and
the end of a sweep, where missing contacts are confirmed before anyone is retired."""

import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.schema.typing import TScd2StrategyDict

from piggy_source.flatten import FlatPage, flatten_page
from piggy_source.quarantine import QUARANTINE_TABLE, quarantine_table
from piggy_source.readers import SharedClient, to_dlt_items, variant
from piggy_source.schemas import CONTACT_SUBSCRIPTIONS, CONTACTS, HASHED_CONTACT_COLUMNS
from piggy_source.stats import RunStats
from piggy_source.sweep import Sweep, confirm_missing, open_contacts

SUBSCRIPTION_KEY = ("contact_uuid", "subscription_type_uuid")
SAFE_KEY = re.compile(r"^[A-Za-z0-9_.:-]+$")
"""Keys written into the scope's SQL as literals: anything else is never spliced into SQL."""


def contacts_disposition(
    complete_sweep: bool, unread: Collection[str | None] = ()
) -> TScd2StrategyDict:
    """scd2 keyed by a content hash; a partial read may only retire versions of keys it read.

    dlt's scd2 retires every active row absent from the load. `destination_scope` narrows that
    to the contacts present in this load's staging table, so new-contact reads and backfill
    windows version what they read and leave everyone else open. A complete sweep states the
    whole table as its scope explicitly, so a scope saved by an earlier partial read never lingers
    in the stored schema. A sweep that quarantined some contacts has not seen them disappear:
    their versions stay open (by uuid; a contact without a readable uuid makes the sweep retire
    nothing, as a partial read would).
    """
    if not complete_sweep or not all(isinstance(k, str) and SAFE_KEY.match(k) for k in unread):
        scope = "uuid IN (SELECT uuid FROM {staging_table})"
    elif unread:
        scope = "uuid NOT IN (" + ", ".join(f"'{key}'" for key in sorted(unread, key=str)) + ")"
    else:
        scope = "1 = 1"
    return {
        "disposition": "merge",
        "strategy": "scd2",
        "row_version_column_name": "row_hash",
        "destination_scope": scope,
    }


def subscription_items(flat: FlatPage, records: Sequence[Any]) -> list[Any]:
    """The subscriptions of the contacts that loaded, as `contact_subscriptions` rows."""
    if flat.table is None:
        return []
    loaded = set(flat.table["uuid"].to_pylist())
    rows = [
        {**item, "contact_uuid": record["uuid"]} if isinstance(item, dict) else item
        for record in records
        if isinstance(record, dict) and record.get("uuid") in loaded
        for item in (record.get("subscriptions") or [])
    ]
    subscriptions = flatten_page(CONTACT_SUBSCRIPTIONS, "contacts", rows)
    items: list[Any] = []
    if subscriptions.table is not None:
        items.append(
            variant(subscriptions.table, CONTACT_SUBSCRIPTIONS.name, "merge", SUBSCRIPTION_KEY)
        )
    if subscriptions.quarantined:
        items.append(
            variant(quarantine_table(subscriptions.quarantined), QUARANTINE_TABLE, "append")
        )
    return items


def unread_contacts(flat: FlatPage, records: Sequence[Any]) -> set[str | None]:
    """The uuids of the contacts of a page that went to quarantine (None: no readable uuid)."""
    if not flat.quarantined:
        return set()
    loaded = set(flat.table["uuid"].to_pylist()) if flat.table is not None else set()
    unread: set[str | None] = set()
    for record in records:
        uuid = record.get("uuid") if isinstance(record, dict) else None
        if not isinstance(uuid, str):
            unread.add(None)
        elif uuid not in loaded:
            unread.add(uuid)
    return unread


def keep_unread_open(unread: Collection[str | None]) -> Any:
    """An empty contacts page whose hints narrow this sweep's scope to the contacts it read; the
    last hints a resource yields are the ones its load is merged with."""
    schema = CONTACTS.arrow_schema().append(pa.field("row_hash", pa.string(), nullable=False))
    hints = dlt.mark.make_hints(write_disposition=contacts_disposition(True, unread))
    return dlt.mark.with_hints(schema.empty_table(), hints)


def contact_items(
    records: Sequence[Any], stats: RunStats, unread: set[str | None]
) -> tuple[FlatPage, list[Any]]:
    """A page of contacts as dlt items (versions, subscriptions, quarantine); the uuids of the
    contacts it quarantined join `unread`."""
    flat, items = to_dlt_items(CONTACTS, "contacts", records, stats, HASHED_CONTACT_COLUMNS)
    unread |= unread_contacts(flat, records)
    return flat, items + subscription_items(flat, records)


def finish_sweep(
    shared: SharedClient, sweep: Sweep, unread: set[str | None], window: int
) -> Iterator[Any]:
    """Check the sweep is complete, then confirm who is gone: a missing contact Piggy still has
    loads as read now; one it cannot answer for stays as it was; only a 404 lets scd2 retire."""
    sweep.check_complete()
    missing = sweep.missing(open_contacts())
    for uuid, record, known in confirm_missing(shared, missing, window):
        shared.stats.add("contacts", rechecked=1, kept_live=int(record is not None))
        if record is not None:
            yield from contact_items([record], shared.stats, unread)[1]
        elif not known:
            unread.add(uuid)
    if unread:
        yield keep_unread_open(unread)
