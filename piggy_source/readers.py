"""Reading listings page by page and handing each page to dlt as arrow tables.

The HTTP client is opened when the first resource starts and closed when the last one finishes,
so a source that is built but never run leaves no thread behind, and resources running in
parallel share one pool, one token and one request budget.
"""

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa

from piggy_source.auth import TokenProvider
from piggy_source.client import PiggyClient
from piggy_source.flatten import FlatPage, flatten_page
from piggy_source.listing import Listing
from piggy_source.paging import check_count, iter_pages, parse_meta
from piggy_source.quarantine import QUARANTINE_TABLE, quarantine_table
from piggy_source.schemas import TableSpec
from piggy_source.settings import Endpoint
from piggy_source.stats import RunStats

CREDENTIALS = ("api_key", "client_id", "client_secret")


class SharedClient:
    """One `PiggyClient` for every resource of a run, opened on first use, closed after the last."""

    def __init__(self, settings: dict[str, Any], stats: RunStats) -> None:
        self._settings = settings
        self.stats = stats
        self._client: PiggyClient | None = None
        self._users = 0
        self._lock = threading.Lock()

    def acquire(self) -> PiggyClient:
        with self._lock:
            if self._client is None:
                credentials = {k: self._settings[k] for k in CREDENTIALS}
                options = {k: v for k, v in self._settings.items() if k not in CREDENTIALS}
                tokens = TokenProvider(self._settings["base_url"], **credentials)
                self._client = PiggyClient(tokens=tokens, stats=self.stats, **options)
            self._users += 1
            return self._client

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._client is not None:
                self._client.close()
                self._client = None


def read_listing(
    shared: SharedClient,
    resource: str,
    endpoint: Endpoint,
    params: dict[str, Any],
    window: int,
    listing: Listing | None = None,
) -> Iterator[list[Any]]:
    """Yield each page's records in page order; an unpaged endpoint is one page.

    `listing`, when given, is filled with what the read saw (a sweep checks it is complete).
    """
    listing = listing if listing is not None else Listing(endpoint.path)
    client = shared.acquire()
    try:
        if endpoint.page_size_param is None:
            data = client.get(resource, endpoint.path, params)["data"]
            yield [data] if endpoint.single_object else list(data or [])
            return

        def fetch(page: int):
            query = {**params, "page": page, endpoint.page_size_param: endpoint.max_page_size}
            return client.submit(resource, endpoint.path, query)

        for page, body in iter_pages(fetch, endpoint.max_page_size, window, listing):
            records = body["data"] if isinstance(body["data"], list) else []
            check_count(resource, page, parse_meta(body.get("meta")), len(records))
            yield records
    finally:
        shared.release()


def to_dlt_items(
    spec: TableSpec,
    resource: str,
    records: Sequence[Any],
    stats: RunStats,
    hash_columns: Sequence[str] = (),
) -> tuple[FlatPage, list[Any]]:
    """Flatten a page; return it and the items to yield (its table, then its quarantine)."""
    flat = flatten_page(spec, resource, records, hash_columns)
    stats.add(resource, pages=1, rows=flat.row_count, quarantined=len(flat.quarantined))
    items: list[Any] = []
    if flat.table is not None:
        items.append(flat.table)
    if flat.quarantined:
        items.append(variant(quarantine_table(flat.quarantined), QUARANTINE_TABLE, "append"))
    return flat, items


def variant(table: pa.Table, name: str, disposition: str, key: Sequence[str] = ()) -> Any:
    """Send `table` to another raw table with its own disposition, from the same resource."""
    hints = dlt.mark.make_hints(
        table_name=name, write_disposition=disposition, primary_key=list(key)
    )
    return dlt.mark.with_hints(table, hints, create_table_variant=True)
