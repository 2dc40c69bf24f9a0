"""The `created_at` high-water mark of a resource, kept in dlt's resource state.

dlt commits resource state with the load package, so a cursor moves only when the rows it covers
are loaded; a killed or failed run leaves it where it was. A backfill window reads its window and
never moves the cursor.
"""

from collections.abc import MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow.compute as pc

from piggy_source.flatten import FlatPage
from piggy_source.values import BadValue, to_timestamp

Window = tuple[datetime, datetime] | None
STATE_KEY = "created_at_cursor"


def iso(moment: datetime) -> str:
    """A bound as the API's `created_at[...]` filters expect it: ISO 8601 in UTC, with offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


class Cursor:
    """Where the next read starts: the window's start, or the saved cursor minus the lookback."""

    def __init__(self, state: MutableMapping[str, Any], lookback_seconds: int, window: Window):
        self._state = state
        self._window = window
        saved = state.get(STATE_KEY)
        self.newest: datetime | None = datetime.fromisoformat(saved) if saved else None
        self.lower: datetime | None = None
        self.upper: datetime | None = None
        if window is not None:
            self.lower, self.upper = (_utc(window[0]), _utc(window[1]))
        elif self.newest is not None:
            self.lower = self.newest - timedelta(seconds=lookback_seconds)

    def filters(self) -> dict[str, str]:
        """The `created_at[gte]` / `created_at[lt]` query parameters of this read."""
        params = {}
        if self.lower is not None:
            params["created_at[gte]"] = iso(self.lower)
        if self.upper is not None:
            params["created_at[lt]"] = iso(self.upper)
        return params

    def keep(self, records: Sequence[Any]) -> list[Any]:
        """Records inside the bounds, for endpoints that cannot filter; unreadable ones are kept
        so that quarantine reports them."""
        return [record for record in records if self._inside(_created_at(record))]

    def reached_past(self, records: Sequence[Any]) -> bool:
        """On a newest-first listing, whether this page already reaches below the lower bound."""
        if self.lower is None:
            return False
        moments = [m for m in map(_created_at, records) if m is not None]
        return any(moment < self.lower for moment in moments)

    def advance(self, flat: FlatPage) -> None:
        if flat.table is None or "created_at" not in flat.table.column_names:
            return
        page_max = pc.max(flat.table["created_at"]).as_py()
        if page_max is not None and (self.newest is None or page_max > self.newest):
            self.newest = page_max

    def save(self) -> None:
        """Store the newest `created_at` read, unless this was a backfill window."""
        if self._window is None and self.newest is not None:
            self._state[STATE_KEY] = self.newest.isoformat()

    def _inside(self, moment: datetime | None) -> bool:
        if moment is None:
            return True
        if self.lower is not None and moment < self.lower:
            return False
        return self.upper is None or moment < self.upper


class NewestFirst:
    """Whether a listing without `sort` has so far come back newest first, as assumed.

    The contract only assumes that order; an early stop on an older-first listing would skip
    every new row. So the order counts as shown only after one strictly older row and no newer
    one; any row newer than the one before it disproves it for the rest of the read.
    """

    def __init__(self) -> None:
        self._previous: datetime | None = None
        self._descended = False
        self._disproved = False

    def holds(self, records: Sequence[Any]) -> bool:
        """Take in one page (in page order) and say whether the order is still shown."""
        for moment in map(_created_at, records):
            if moment is None:
                continue
            if self._previous is not None:
                self._disproved |= moment > self._previous
                self._descended |= moment < self._previous
            self._previous = moment
        return self._descended and not self._disproved


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _created_at(record: Any) -> datetime | None:
    if not isinstance(record, dict):
        return None
    try:
        return to_timestamp(record.get("created_at"))
    except BadValue:
        return None
