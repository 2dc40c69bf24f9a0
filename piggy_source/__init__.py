"""The Piggy (Leat) loyalty API v3 as a dlt source: every analytic resource, incremental.

Pages reach dlt as pyarrow tables with explicit schemas (docs/raw-tables.md) and load as parquet.
Configuration arrives the dlt way, under `[sources.piggy]` or `SOURCES__PIGGY__*`.

`start_date`/`end_date` (both or neither) make a backfill: ledgers and contacts read only that
window and no saved cursor moves. `contacts_sweep=False` reads only new contacts, which keeps
balances and tiers of known contacts as they were (only a sweep sees changes to them);
`contacts_sweep_every_runs=N` sweeps on one run in N (`piggy_source.sweep_schedule`), and the runs
in between read new contacts and the `refetch_contacts` uuids (webhook events named them).
`full_reads_every_runs=N` reads the paged lists without any filter (vouchers, visits, giftcards,
referrals) on one run in N (`piggy_source.list_schedule`); every run by default.
`stats`, a `RunStats`, receives pages, rows, requests, retries and 429s per resource as they
happen (the CLI's progress display); `requests_per_minute` fixes the request budget, else it is
learned from `X-RateLimit-Limit` over `rate_limit_window_seconds`. A `Retry-After` longer than
`max_retry_after_seconds` ends the run rather than sleeping through it.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dlt
from dlt.common.typing import TSecretStrValue
from dlt.extract import DltResource

from piggy_source import list_schedule
from piggy_source.created_at import CreatedAt, Reach, api_filters, declare, reached_below, within
from piggy_source.entity_schemas import ENTITY_TABLES
from piggy_source.hand_cursor import forget_hand_cursor, hand_cursor_start
from piggy_source.helpers import contact_items, contacts_disposition, finish_sweep
from piggy_source.listing import Listing
from piggy_source.order import NewestFirst
from piggy_source.readers import FIRST_PAGE_ASKED, SharedClient, read_listing, to_dlt_items
from piggy_source.refetch import refetch_named
from piggy_source.schemas import (
    GIFTCARD_TRANSACTIONS,
    LOYALTY_TRANSACTIONS,
    PREPAID_TRANSACTIONS,
)
from piggy_source.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_CONCURRENCY,
    DEFAULT_LOOKBACK_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETIRE_SHARE,
    DEFAULT_MAX_RETRY_AFTER_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    ENDPOINTS,
    RATE_LIMIT_WINDOW_SECONDS,
    RESOURCE_NAMES,
)
from piggy_source.stats import RunStats
from piggy_source.sweep import Sweep
from piggy_source.sweep_schedule import DEFAULT_SWEEP_EVERY_RUNS, check_every, count_run, sweep_due

__all__ = ["RESOURCE_NAMES", "RunStats", "piggy_source"]

Window = tuple[datetime, datetime] | None

LEDGER_TABLES = {
    "loyalty_transactions": LOYALTY_TRANSACTIONS,
    "giftcard_transactions": GIFTCARD_TRANSACTIONS,
}


@dlt.source(name="piggy", section="piggy", max_table_nesting=0)
def piggy_source(
    base_url: str = DEFAULT_BASE_URL,
    api_key: TSecretStrValue | None = None,
    client_id: str | None = None,
    client_secret: TSecretStrValue | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    concurrency: int = DEFAULT_CONCURRENCY,
    requests_per_minute: float | None = None,
    rate_limit_window_seconds: float = RATE_LIMIT_WINDOW_SECONDS,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_retry_after_seconds: float = DEFAULT_MAX_RETRY_AFTER_SECONDS,
    contacts_sweep: bool = True,
    contacts_sweep_every_runs: int = DEFAULT_SWEEP_EVERY_RUNS,
    refetch_contacts: list[str] | None = None,
    full_reads_every_runs: int = list_schedule.DEFAULT_FULL_READS_EVERY_RUNS,
    max_retire_share: float = DEFAULT_MAX_RETIRE_SHARE,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    stats: Any = None,
) -> Sequence[DltResource]:
    """Every analytic resource, redemption-related ledgers first; the arguments are described in
    this module's docstring."""
    run_stats = stats if isinstance(stats, RunStats) else RunStats()
    shared = SharedClient(
        {
            "base_url": base_url,
            "api_key": api_key,
            "client_id": client_id,
            "client_secret": client_secret,
            "requests_per_minute": requests_per_minute,
            "rate_limit_window_seconds": rate_limit_window_seconds,
            "timeout_seconds": timeout_seconds,
            "max_attempts": max_attempts,
            "max_retry_after_seconds": max_retry_after_seconds,
            "max_connections": max(4, concurrency * 4),
        },
        run_stats,
    )
    window = (start_date, end_date) if start_date and end_date else None
    lookback, share = lookback_seconds, max_retire_share
    dated = {name: _ledger(shared, name, lookback, concurrency, window) for name in LEDGER_TABLES}
    dated["prepaid_transactions"] = _prepaid(shared, lookback, concurrency, window)
    every = check_every(contacts_sweep_every_runs) if contacts_sweep else 0
    plan = ContactsPlan(bool(every) and sweep_due(every), every, share, refetch_contacts or ())
    dated["contacts"] = _contacts(shared, plan, lookback, concurrency, window)
    lists = check_every(full_reads_every_runs, "full_reads_every_runs")
    dated |= {n: _entity(shared, n, concurrency, lists) for n in RESOURCE_NAMES if n not in dated}
    return [dated[n] for n in RESOURCE_NAMES]


def _ledger(
    shared: SharedClient, name: str, lookback: int, concurrency: int, window: Window
) -> DltResource:
    """An immutable ledger: merged on its key, incremental on `created_at` less the lookback.

    Rows never change after creation, so reading `created_at >= cursor - lookback` sorted by
    `created_at` and merging on the key loads every new row once; rows sharing the boundary
    timestamp are read again and de-duplicated by the merge, never skipped.
    """
    spec = LEDGER_TABLES[name]
    key = spec.columns[0].name
    since = declare(window, lookback, hand_cursor_start(name, lookback))

    @dlt.resource(name=name, primary_key=key, write_disposition="merge", parallelized=True)
    def ledger(created_at: CreatedAt = since) -> Iterator[Any]:
        reach = Reach(created_at)
        params = {"sort": "created_at", **api_filters(created_at)}
        pages = read_listing(shared, name, ENDPOINTS[name], params, concurrency)
        yield FIRST_PAGE_ASKED
        for records in pages:
            flat, items = to_dlt_items(spec, name, records, shared.stats)
            reach.take(flat)
            yield from items
        if window is None:
            forget_hand_cursor()

    return ledger


def _prepaid(shared: SharedClient, lookback: int, concurrency: int, window: Window) -> DltResource:
    """The cashback wallet ledger: no date filter and no `sort`, assumed newest first.

    While the pages show that order, reading only until one reaches below the range costs a few
    requests per run, where a full read would cost every page again; the overlap is de-duplicated
    by the merge. The order is only assumed (contract section 9), so it is checked on every row:
    a listing that does not show it is read whole, and the range bounds what is kept.
    """
    name = "prepaid_transactions"
    since = declare(window, lookback, hand_cursor_start(name, lookback))

    @dlt.resource(name=name, primary_key="uuid", write_disposition="merge", parallelized=True)
    def prepaid(created_at: CreatedAt = since) -> Iterator[Any]:
        reach = Reach(created_at)
        pages = read_listing(shared, name, ENDPOINTS[name], {}, concurrency, batch_rows=1)
        yield FIRST_PAGE_ASKED
        order = NewestFirst()
        for records in pages:
            kept = within(created_at, records)
            flat, items = to_dlt_items(PREPAID_TRANSACTIONS, name, kept, shared.stats)
            reach.take(flat)
            yield from items
            if order.holds(records) and reached_below(created_at, records):
                break
        pages.close()
        if window is None:
            forget_hand_cursor()

    return prepaid


@dataclass(frozen=True)
class ContactsPlan:
    """Whether this run sweeps, one in how many runs does (0: never), and whom events named."""

    sweep: bool
    every_runs: int
    max_retire_share: float
    refetch: Collection[str]


def _contacts(
    shared: SharedClient, plan: ContactsPlan, lookback: int, concurrency: int, window: Window
) -> DltResource:
    """Contacts as scd2 history: balance, tier and profile versions, deletions as closed rows.

    Only a complete sweep may retire contacts it did not see, and only those Piggy confirms gone
    (`piggy_source.sweep`); a partial read (new contacts only, named contacts, a backfill window)
    is scoped so that it versions only the contacts it read, and a contact the sweep sent to
    quarantine was seen, not deleted, so its version stays open.
    """
    complete = plan.sweep and window is None
    endpoint = ENDPOINTS["contacts"]
    since = declare(window, lookback, hand_cursor_start("contacts", lookback))

    @dlt.resource(
        name="contacts",
        primary_key="uuid",
        parallelized=True,
        write_disposition=contacts_disposition(complete),
    )
    def contacts(created_at: CreatedAt = since) -> Iterator[Any]:
        reach = Reach(created_at)
        params = {"sort": "created_at", **({} if complete else api_filters(created_at))}
        listing = Listing(endpoint.path)
        seen = Sweep(listing, plan.max_retire_share)
        unread: set[str | None] = set()
        pages = read_listing(shared, "contacts", endpoint, params, concurrency, listing)
        yield FIRST_PAGE_ASKED
        for records in pages:
            flat, items = contact_items(seen.fresh(records), shared.stats, unread)
            reach.take(flat)
            yield from items
        if complete:
            yield from finish_sweep(shared, seen, unread, concurrency)
        elif window is None:
            yield from refetch_named(shared, plan.refetch, seen.seen, concurrency)
        if window is None:
            forget_hand_cursor()
            count_run(complete, plan.every_runs)

    return contacts


def _entity(shared: SharedClient, name: str, concurrency: int, every_runs: int) -> DltResource:
    """A mutable entity without a date filter: read in full and merged on its key; a paged list
    on one run in `every_runs` (a settings list is one request, read every run)."""
    spec = ENTITY_TABLES[name]
    key = spec.columns[0].name
    scheduled = ENDPOINTS[name].page_size_param is not None

    @dlt.resource(name=name, primary_key=key, write_disposition="merge", parallelized=True)
    def entity() -> Iterator[Any]:
        if scheduled and not list_schedule.full_read_due(every_runs):
            return
        pages = read_listing(shared, name, ENDPOINTS[name], {}, concurrency)
        yield FIRST_PAGE_ASKED
        for records in pages:
            yield from to_dlt_items(spec, name, records, shared.stats)[1]

    return entity
