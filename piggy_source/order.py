"""Whether a listing without `sort` comes back newest first, as the prepaid ledger is assumed to."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from piggy_source.created_at import created_at_of


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
        for moment in map(created_at_of, records):
            if moment is None:
                continue
            if self._previous is not None:
                self._disproved |= moment > self._previous
                self._descended |= moment < self._previous
            self._previous = moment
        return self._descended and not self._disproved
