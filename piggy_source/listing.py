"""What one read of a paged listing saw, checked as it goes: a listing that never ends or repeats
itself fails in one line, and a sweep can tell whether it read everything page 1 promised.

Page 1's `total` and `last_page` fix how many pages the read may take. A listing that grows while
it is read (contacts signing up during a sweep) may gain pages, so the guard allows a slack of
`2 + 1%` of the promised pages; beyond that, or when `last_page` contradicts `total`, the meta
cannot be trusted and the read stops. A page whose record keys equal an earlier page's is the
same page served again (a caching proxy, a server ignoring `page`): reading on would never end.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piggy_source.exceptions import PiggyPagingError

if TYPE_CHECKING:
    from piggy_source.paging import PageInfo


def growth_slack(pages: int) -> int:
    """Pages a listing may gain while it is read: 2, plus 1% of a long listing."""
    return 2 + pages // 100


def record_key(record: Any) -> str | int | None:
    """What tells records apart on a page: uuid, else id (a giftcard transaction), else name."""
    if not isinstance(record, dict):
        return None
    for name in ("uuid", "id", "name"):
        value = record.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return value
    return None


@dataclass
class Listing:
    """One read of `path`: page 1's promise, the pages and rows that came, pages that fell short."""

    path: str
    first: "PageInfo | None" = None
    page_size: int = 0
    pages: int = 0
    rows: int = 0
    short_pages: list[int] = field(default_factory=list)
    _seen: dict[int, int] = field(default_factory=dict, init=False, repr=False)

    def start(self, first: "PageInfo", page_size: int) -> int | None:
        """Take page 1's meta; return how many pages the read may take (None: no promise)."""
        self.first = first
        self.page_size = first.per_page or page_size
        promised = self.promised_pages()
        if promised is None:
            return None
        limit = promised + growth_slack(promised)
        if first.last_page is not None and first.last_page > limit:
            raise PiggyPagingError(
                f"Piggy's page 1 of {self.path} claims {first.last_page} pages for "
                f"{first.total} records at {self.page_size} a page; its meta contradicts itself, "
                "so the read stops rather than page on"
            )
        return limit

    def promised_pages(self) -> int | None:
        info = self.first
        if info is None:
            return None
        counts = [] if info.last_page is None else [info.last_page]
        if info.total is not None and self.page_size > 0:
            counts.append(max(1, math.ceil(info.total / self.page_size)))
        return min(counts) if counts else None

    def see(self, number: int, records: Sequence[Any]) -> None:
        """Count a page; refuse one that repeats an earlier page's records."""
        keys = tuple(record_key(record) for record in records)
        if any(key is not None for key in keys):
            earlier = self._seen.setdefault(hash(keys), number)
            if earlier != number:
                raise PiggyPagingError(
                    f"Piggy answered page {number} of {self.path} with the same {len(keys)} "
                    f"records as page {earlier}: the listing repeats itself, so the read stops "
                    "rather than page forever (check for a caching proxy in front of the API)"
                )
        self.pages += 1
        self.rows += len(records)
        last = self.first.last_page if self.first is not None else None
        if last is not None and number < last and len(records) < self.page_size:
            self.short_pages.append(number)
