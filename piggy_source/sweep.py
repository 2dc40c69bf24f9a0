"""A contacts sweep may retire contacts only when it is complete and their absence is confirmed.

dlt's scd2 closes the version of every contact a load leaves out, so a page lost to a proxy, a
count cut short or a row skipped while the account moved would "delete" live people. A sweep
therefore fails (loading nothing) when its pages fall short before the last or its row count
contradicts page 1's `total`; a contact open in the warehouse but missing from a complete sweep is
asked for by uuid, and retired only when Piggy answers 404 with code 55031; and a sweep that would
retire more than `max_retire_share` of the open contacts at once stops and says so.
"""

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from dlt import Pipeline
from dlt.common.pipeline import current_pipeline
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from piggy_source.exceptions import PiggyApiError, PiggySweepError
from piggy_source.listing import Listing
from piggy_source.readers import SharedClient

CONTACT_NOT_FOUND = 55031
COUNT_SLACK_SHARE = 0.01
COUNT_SLACK_MIN = 10
"""A sweep may read up to 1% (at least 10) rows more or fewer than page 1's `total`: contacts
come and go while it pages. A larger gap means pages were lost or the meta is wrong."""
OPEN_CONTACTS_CHUNK = 10_000


class Sweep:
    """What a complete sweep saw, and the checks it must pass before anyone is retired."""

    def __init__(self, listing: Listing, max_retire_share: float) -> None:
        self.listing = listing
        self.max_retire_share = max_retire_share
        self.seen: set[str] = set()

    def fresh(self, records: Sequence[Any]) -> list[Any]:
        """The records of a page not read before: a contact shifted onto the next page while the
        sweep paged would otherwise load twice."""
        kept = []
        for record in records:
            uuid = record.get("uuid") if isinstance(record, dict) else None
            if isinstance(uuid, str):
                if uuid in self.seen:
                    continue
                self.seen.add(uuid)
            kept.append(record)
        return kept

    def check_complete(self) -> None:
        listing = self.listing
        path = listing.path
        if listing.short_pages:
            raise PiggySweepError(
                f"the contacts sweep is incomplete: page {listing.short_pages[0]} of {path} held "
                f"fewer than {listing.page_size} contacts before the last page; nothing was "
                "loaded and nobody retired, run again"
            )
        total = listing.first.total if listing.first is not None else None
        if total is None:
            return
        slack = max(COUNT_SLACK_MIN, math.ceil(total * COUNT_SLACK_SHARE))
        if abs(listing.rows - total) > slack:
            raise PiggySweepError(
                f"the contacts sweep is incomplete: {path} served {listing.rows} contacts where "
                f"its page 1 promised {total}; nothing was loaded and nobody retired, run again"
            )

    def missing(self, open_contacts: Iterable[str]) -> set[str]:
        """Open contacts the sweep did not see; refused when too many would go at once.

        The open contacts are streamed, not held: a million-contact account's uuids as a second
        Python set would cost about 100 MB beside the sweep's own."""
        missing: set[str] = set()
        count = 0
        for uuid in open_contacts:
            count += 1
            if uuid not in self.seen:
                missing.add(uuid)
        allowed = math.floor(self.max_retire_share * count)
        if len(missing) > max(1, allowed):
            share = len(missing) / count
            raise PiggySweepError(
                f"the contacts sweep would retire {len(missing)} of {count} open "
                f"contacts ({share:.0%}), more than sources.piggy.max_retire_share "
                f"({self.max_retire_share:.0%}); nothing was loaded: if they were deleted, run "
                "once with SOURCES__PIGGY__MAX_RETIRE_SHARE=1"
            )
        return missing


def open_contacts() -> Iterator[str]:
    """The uuids whose current version is open in the warehouse of the running pipeline, read
    `OPEN_CONTACTS_CHUNK` rows at a time through dlt's cursor (any destination)."""
    pipeline = current_pipeline()
    if not isinstance(pipeline, Pipeline):  # typed as dlt's protocol; the sql client is Pipeline's
        return
    with pipeline.sql_client() as client:
        if not client.has_dataset():
            return
        table = client.make_qualified_table_name("contacts")
        query = f"SELECT uuid FROM {table} WHERE _dlt_valid_to IS NULL"
        try:
            with client.execute_query(query) as cursor:
                for rows in cursor.iter_fetch(OPEN_CONTACTS_CHUNK):
                    yield from (uuid for (uuid,) in rows)
        except DatabaseUndefinedRelation:
            return


def confirm_missing(
    shared: SharedClient, uuids: set[str], window: int
) -> Iterator[tuple[str, dict | None, bool]]:
    """Ask for each missing contact by uuid, `window` at a time within the shared budget.

    Yields `(uuid, record, known)`: the record when Piggy still has the contact, None when it
    answers 404 with code 55031 (deleted); `known` is False for any other refusal, after which
    the sweep cannot tell and keeps the contact as it was.
    """
    client = shared.acquire()
    try:
        pending = sorted(uuids)
        step = max(1, window)
        for start in range(0, len(pending), step):
            futures = [
                (u, client.submit("contacts", f"/contacts/{u}"))
                for u in pending[start : start + step]
            ]
            for uuid, future in futures:
                yield (uuid, *_answer(uuid, future))
    finally:
        shared.release()


def _answer(uuid: str, future: Any) -> tuple[dict | None, bool]:
    try:
        record = future.result()["data"]
    except PiggyApiError as exc:
        return None, exc.status_code == 404 and exc.code == CONTACT_NOT_FOUND
    if isinstance(record, dict) and record.get("uuid") == uuid:
        return record, True
    return None, False
