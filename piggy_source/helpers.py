"""Small helpers of the contacts resource: its scd2 merge and its subscriptions table."""

from collections.abc import Sequence
from typing import Any

from piggy_source.flatten import FlatPage, flatten_page
from piggy_source.quarantine import QUARANTINE_TABLE, quarantine_table
from piggy_source.readers import variant
from piggy_source.schemas import CONTACT_SUBSCRIPTIONS

SUBSCRIPTION_KEY = ("contact_uuid", "subscription_type_uuid")


def contacts_disposition(complete_sweep: bool) -> dict[str, Any]:
    """scd2 keyed by a content hash; a partial read may only retire versions of keys it read.

    dlt's scd2 retires every active row absent from the load. `destination_scope` narrows that
    to the contacts present in this load's staging table, so new-contact reads and backfill
    windows version what they read and leave everyone else open. A complete sweep states the
    whole table as its scope explicitly, so a scope saved by an earlier partial read never lingers
    in the stored schema.
    """
    scope = "1 = 1" if complete_sweep else "uuid IN (SELECT uuid FROM {staging_table})"
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
