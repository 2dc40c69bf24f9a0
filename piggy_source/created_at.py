"""The `created_at` range of a read, shared by the API's filters and dlt's incremental.

Each dated resource declares `dlt.sources.incremental("created_at")`: dlt keeps the newest value
in resource state, steps back by `lag` (the lookback), bounds a backfill with `end_value` and,
with an `end_value`, saves nothing, so a window never moves the cursor. The range is applied by
the API (`created_at[gte]`/`[lt]`), or by `within` where the API cannot filter, so dlt is told
where the read reached (`Incremental.advance`, meant for a range applied at the source) instead
of filtering again. That also lets the rows without a `created_at` through untouched: the
quarantine and the contacts' subscriptions ride the same resource.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow.compute as pc

from piggy_source.flatten import FlatPage
from piggy_source.values import BadValue, to_timestamp

CreatedAt = dlt.sources.incremental[datetime]


def declare(
    window: tuple[datetime, datetime] | None, lookback_seconds: int, start: datetime | None
) -> CreatedAt:
    """The incremental a dated resource declares: a backfill window, else the cursor minus the
    lookback; `start` is where a pipeline with no saved cursor begins (see `hand_cursor`)."""
    if window is not None:
        return dlt.sources.incremental("created_at", initial_value=window[0], end_value=window[1])
    return dlt.sources.incremental("created_at", initial_value=start, lag=lookback_seconds)


def iso(moment: datetime) -> str:
    """A bound as the API's `created_at[...]` filters expect it: ISO 8601 in UTC, with offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def api_filters(created_at: CreatedAt) -> dict[str, str]:
    """The `created_at[gte]` / `created_at[lt]` query parameters of this read."""
    params = {}
    if created_at.start_value is not None:
        params["created_at[gte]"] = iso(created_at.start_value)
    if created_at.end_value is not None:
        params["created_at[lt]"] = iso(created_at.end_value)
    return params


class Reach:
    """The newest `created_at` a read has yielded, told to dlt before each page is yielded.

    It starts at the saved cursor, so a read that finds only rows of the lookback never moves the
    cursor back; before the first page it only tells dlt that the range is applied already.
    """

    def __init__(self, created_at: CreatedAt) -> None:
        self._created_at = created_at
        self.newest: datetime | None = created_at.get_state()["last_value"]
        # dlt documents None (keep the range, stop filtering) but types the argument as a cursor
        created_at.advance(None)  # type: ignore[arg-type]

    def take(self, flat: FlatPage) -> None:
        if flat.table is None or "created_at" not in flat.table.column_names:
            return
        page_max = pc.max(flat.table["created_at"]).as_py()
        if page_max is not None and (self.newest is None or page_max > self.newest):
            self.newest = page_max
            self._created_at.advance(page_max)


def within(created_at: CreatedAt, records: Sequence[Any]) -> list[Any]:
    """Records inside the range, for an endpoint that cannot filter; unreadable ones are kept so
    that quarantine reports them."""
    low, high = created_at.start_value, created_at.end_value
    kept = []
    for record in records:
        moment = created_at_of(record)
        if moment is None or ((low is None or moment >= low) and (high is None or moment < high)):
            kept.append(record)
    return kept


def reached_below(created_at: CreatedAt, records: Sequence[Any]) -> bool:
    """On a newest-first listing, whether this page already reaches below the range."""
    low = created_at.start_value
    if low is None:
        return False
    return any(m is not None and m < low for m in map(created_at_of, records))


def created_at_of(record: Any) -> datetime | None:
    if not isinstance(record, dict):
        return None
    try:
        return to_timestamp(record.get("created_at"))
    except BadValue:
        return None
