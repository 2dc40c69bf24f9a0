"""Page numbers and the five meta shapes, reduced to one `PageInfo`; pages yielded in order.

Piggy pages by 1-based `page`. Shapes A-E name the current page, the page size and the last page
differently, `limit` may arrive as a string, and unpaged endpoints answer `{}` or `[]` (PHP's empty
array). Once page 1 names `last_page`, the remaining pages are independent, so they are fetched
concurrently within a window and still handed on in page order.
"""

import logging
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from piggy_source.exceptions import PiggyPagingError
from piggy_source.listing import Listing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageInfo:
    """What a page's meta says about the listing; every field is None when the meta is silent."""

    page: int | None = None
    per_page: int | None = None
    last_page: int | None = None
    total: int | None = None


def _as_int(value: Any) -> int | None:
    """Meta numbers come as ints or numeric strings (`"limit": "30"`); anything else is unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_meta(meta: Any) -> PageInfo:
    """Read any of the meta shapes A-E, or the empty `{}` / `[]` of unpaged endpoints."""
    if not isinstance(meta, dict):
        return PageInfo()
    page = _as_int(meta.get("page", meta.get("current_page")))
    per_page = _as_int(meta.get("per_page", meta.get("limit")))
    return PageInfo(
        page=page,
        per_page=per_page,
        last_page=_as_int(meta.get("last_page")),
        total=_as_int(meta.get("total")),
    )


def expected_count(info: PageInfo, page: int) -> int | None:
    """How many records the meta promises on `page`, when it says enough to know."""
    if info.total is None or info.per_page is None or info.per_page <= 0:
        return None
    before = (page - 1) * info.per_page
    return max(0, min(info.per_page, info.total - before))


def check_count(resource: str, page: int, info: PageInfo, received: int) -> bool:
    """Log a page whose record count disagrees with its meta; the records still load."""
    expected = expected_count(info, page)
    if expected is None or expected == received:
        return True
    logger.warning(
        "%s page %d holds %d records but its meta promises %d", resource, page, received, expected
    )
    return False


PageFetcher = Callable[[int], "Future[dict[str, Any]]"]


def iter_pages(
    fetch: PageFetcher,
    page_size: int,
    window: int,
    listing: Listing | None = None,
    first_page: "Future[dict[str, Any]] | None" = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(page_number, body)` in order until the last page, a short page or an empty page.

    `fetch(n)` submits page `n` and returns a future; `first_page`, when given, is page 1 asked
    for already. With `last_page` known, up to `window` pages are in flight at once; without it,
    pages are read one by one (the end is found by a short or empty page), never more than page
    1's `total` allows. `listing` sees every page and stops a read that repeats itself or outgrows
    its meta. Closing the generator cancels what is in flight.
    """
    listing = listing if listing is not None else Listing("the listing")
    first = (first_page if first_page is not None else fetch(1)).result()
    info = parse_meta(first.get("meta"))
    limit = listing.start(info, page_size)
    data = first.get("data")
    listing.see(1, data if isinstance(data, list) else [])
    yield 1, first
    if not isinstance(data, list) or _is_final(data, 1, info.last_page, page_size):
        return
    if info.last_page is None:
        pages = _sequential_pages(fetch, page_size, listing, limit)
    else:
        pages = _windowed_pages(fetch, range(2, info.last_page + 1), max(1, window))
    try:
        for number, body in pages:
            data = body.get("data")
            listing.see(number, data if isinstance(data, list) else [])
            yield number, body
            if not data:
                return
    finally:
        pages.close()


def _is_final(data: list, page: int, last_page: int | None, page_size: int) -> bool:
    if last_page is not None:
        return page >= last_page or not data
    return len(data) < page_size


def _sequential_pages(
    fetch: PageFetcher, page_size: int, listing: Listing, limit: int | None
) -> Generator[tuple[int, dict[str, Any]], None, None]:
    page = 2
    while True:
        if limit is not None and page > limit:
            raise PiggyPagingError(
                f"{listing.path} still served full pages after page {limit}, more than page 1's "
                f"total of {listing.first.total if listing.first else '?'} records allows; "
                "the read stops rather than page on"
            )
        body = fetch(page).result()
        yield page, body
        data = body.get("data")
        if not isinstance(data, list) or len(data) < page_size:
            return
        page += 1


def _windowed_pages(
    fetch: PageFetcher, pages: range, window: int
) -> Generator[tuple[int, dict[str, Any]], None, None]:
    pending: deque[tuple[int, Future]] = deque()
    upcoming = iter(pages)
    try:
        for page in upcoming:
            pending.append((page, fetch(page)))
            if len(pending) >= window:
                break
        while pending:
            page, future = pending.popleft()
            next_page = next(upcoming, None)
            if next_page is not None:
                pending.append((next_page, fetch(next_page)))
            yield page, future.result()
    finally:
        for _, future in pending:
            future.cancel()
