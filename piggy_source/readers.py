"""Reading listings page by page and handing each page to dlt as arrow tables.

The HTTP client is opened when the first resource starts and closed when the last one finishes,
so a source that is built but never run leaves no thread behind, and resources running in
parallel share one pool, one token and one request budget.
"""

import threading
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.schema.typing import TWriteDisposition

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


BATCH_ROWS = 2_000
"""Records handed on at once: dlt and pyarrow pay a fixed cost per item (schema checks, a parquet
row group, the arrays of a table), which a 100-record page pays twenty times over."""

FIRST_PAGE_ASKED = None
"""What a resource yields right after asking for its first page: dlt passes over a None and turns
to its other resources, so the first pages of every listing are in flight before any is awaited.
"""


class Pages:
    """One read of a listing, its first page asked for at once; iterate for its records.

    Records come in page order, in batches of at least `batch_rows` (the last may be smaller);
    `batch_rows=1` hands on every page alone, for a reader that stops after some page. Closing
    (or dropping) it before the end cancels what is in flight and lets the client go.
    """

    def __init__(
        self,
        shared: SharedClient,
        resource: str,
        endpoint: Endpoint,
        params: dict[str, Any],
        window: int,
        listing: Listing | None = None,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self._stats, self._resource, self._endpoint = shared.stats, resource, endpoint
        self._params, self._window, self._batch_rows = params, window, batch_rows
        self._listing = listing if listing is not None else Listing(endpoint.path)
        self._client = shared.acquire()
        first = self._client.submit(resource, endpoint.path, self._query(1))
        self._first: Future | None = first
        self._finish = weakref.finalize(self, _let_go, shared, first)
        self._finish.atexit = False

    def __iter__(self) -> Iterator[list[Any]]:
        try:
            if self._endpoint.page_size_param is None:
                data = self._take_first().result()["data"]
                self._stats.add(self._resource, pages=1)
                yield [data] if self._endpoint.single_object else list(data or [])
                return
            yield from self._batches()
        finally:
            self.close()

    def close(self) -> None:
        self._finish()

    def _batches(self) -> Iterator[list[Any]]:
        batch: list[Any] = []
        handed_on = False
        size, window = self._endpoint.max_page_size, self._window
        pages = iter_pages(self._fetch, size, window, self._listing, self._take_first())
        for page, body in pages:
            records = body["data"] if isinstance(body["data"], list) else []
            check_count(self._resource, page, parse_meta(body.get("meta")), len(records))
            self._stats.add(self._resource, pages=1)
            batch.extend(records)
            if len(batch) >= self._batch_rows:
                yield batch
                batch, handed_on = [], True
        if batch or not handed_on:
            yield batch

    def _take_first(self) -> Future:
        first, self._first = self._first, None
        if first is None:
            raise RuntimeError(f"{self._endpoint.path} is being read already")
        return first

    def _query(self, page: int) -> dict[str, Any]:
        endpoint = self._endpoint
        if endpoint.page_size_param is None:
            return self._params
        return {**self._params, "page": page, endpoint.page_size_param: endpoint.max_page_size}

    def _fetch(self, page: int) -> Future:
        return self._client.submit(self._resource, self._endpoint.path, self._query(page))


def _let_go(shared: SharedClient, first: Future) -> None:
    first.cancel()
    shared.release()


def read_listing(
    shared: SharedClient,
    resource: str,
    endpoint: Endpoint,
    params: dict[str, Any],
    window: int,
    listing: Listing | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Pages:
    """A read of `endpoint` with its first page in flight; an unpaged endpoint is one batch.

    `listing`, when given, is filled with what the read saw (a sweep checks it is complete).
    """
    return Pages(shared, resource, endpoint, params, window, listing, batch_rows)


def to_dlt_items(
    spec: TableSpec,
    resource: str,
    records: Sequence[Any],
    stats: RunStats,
    hash_columns: Sequence[str] = (),
) -> tuple[FlatPage, list[Any]]:
    """Flatten a page; return it and the items to yield (its table, then its quarantine)."""
    flat = flatten_page(spec, resource, records, hash_columns)
    stats.add(resource, rows=flat.row_count, quarantined=len(flat.quarantined))
    items: list[Any] = []
    if flat.table is not None:
        items.append(flat.table)
    if flat.quarantined:
        items.append(variant(quarantine_table(flat.quarantined), QUARANTINE_TABLE, "append"))
    return flat, items


def variant(
    table: pa.Table, name: str, disposition: TWriteDisposition, key: Sequence[str] = ()
) -> Any:
    """Send `table` to another raw table with its own disposition, from the same resource."""
    hints = dlt.mark.make_hints(
        table_name=name, write_disposition=disposition, primary_key=list(key)
    )
    return dlt.mark.with_hints(table, hints, create_table_variant=True)
