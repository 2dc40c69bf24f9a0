"""The retention rule: members deleted in Piggy are erased `erase_deleted_after_days` later.

A contact deleted in Piggy keeps its scd2 history here, closed: no version is open and the last
`_dlt_valid_to` is when a sweep saw it gone. Once that is `privacy.erase_deleted_after_days` ago
(30 by default) the member is erased as `piggy-elt erase` would, logged as `retention`. A member
already in the erasure log is not erased again, so the rule costs one query on most runs.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import dlt

from pipelines.dlt_sql import MissingTable
from pipelines.exports.audit import os_user
from pipelines.exports.warehouse import sql_client
from pipelines.privacy.erase import (
    NOTHING_TO_ERASE,
    Erasure,
    erase_all,
    erasure_session,
    find_member,
)
from pipelines.privacy.log import RETENTION, logged_hashes
from pipelines.privacy.settings import erasure_key, load_privacy, member_hash
from pipelines.warehouse import attach_pipeline


def erase_deleted_members(
    pipeline_name: str, rebuild: Callable[[], None], now: datetime | None = None
) -> list[Erasure]:
    """Erase every member deleted long enough ago and not erased yet; rebuild once if any.

    Who is due is read before the actions lock is taken, so a run with nobody due never waits
    on an export; the erasure key is asked for only when someone is due, so such an account
    needs none. A run calls it under its own run lock (`run_load(then=...)`), so it takes only
    the actions lock."""
    config = load_privacy()
    cutoff = (now or datetime.now(UTC)) - timedelta(days=config.erase_deleted_after_days)
    loaded = attach_pipeline(pipeline_name, NOTHING_TO_ERASE)
    deleted = _deleted_before(loaded, loaded.dataset_name, cutoff)
    if not deleted:
        return []
    key = erasure_key(config)
    erased = logged_hashes(loaded)
    due = [uuid for uuid in deleted if member_hash(key, uuid) not in erased]
    if not due:
        return []
    with erasure_session(pipeline_name, run_locked=True) as session:
        members = [find_member(session, uuid, None) for uuid in due]
        return erase_all(session, members, RETENTION, os_user(), key, rebuild)


def _deleted_before(pipeline: dlt.Pipeline, raw_dataset: str, cutoff: datetime) -> list[str]:
    """Contacts with no open version whose last version closed at or before `cutoff`."""
    with sql_client(pipeline, raw_dataset) as client:
        contacts = client.make_qualified_table_name("contacts")
        query = (
            f"SELECT uuid FROM {contacts} GROUP BY uuid "
            "HAVING COUNT(*) = COUNT(_dlt_valid_to) AND MAX(_dlt_valid_to) <= %s"
        )
        try:
            rows = client.execute_sql(query, cutoff) or []
        except MissingTable:
            return []
    return sorted(row[0] for row in rows)
