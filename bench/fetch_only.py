"""The CPU path's baseline: the whole points ledger read the source's own way, nothing loaded.

It uses `piggy_source`'s client (pooled httpx, orjson decoding) and its page iterator with the
concurrent window a real run is configured with (`sources.piggy.concurrency`), so the same pages
are fetched and parsed exactly as in a real run. Dividing
a full load's rows/s by this one's says what turning pages into rows in a warehouse costs, apart
from what the API (here the sandbox) can serve.
"""

from __future__ import annotations

import time
from typing import Any

import dlt

from piggy_source.auth import TokenProvider
from piggy_source.client import PiggyClient
from piggy_source.paging import iter_pages
from piggy_source.settings import DEFAULT_CONCURRENCY, ENDPOINTS
from piggy_source.stats import RunStats

LEDGER = "loyalty_transactions"


def fetch_ledger(base_url: str, token: str) -> dict[str, Any]:
    """Fetch and decode every ledger page; report wall time, requests and rows seen."""
    endpoint = ENDPOINTS[LEDGER]
    page_size = endpoint.max_page_size
    stats = RunStats()
    client = PiggyClient(base_url, TokenProvider(base_url, api_key=token), stats)
    params = {endpoint.page_size_param: page_size, "sort": "created_at"}

    def fetch(page: int) -> Any:
        return client.submit(LEDGER, endpoint.path, {**params, "page": page})

    rows = 0
    started = time.perf_counter()
    try:
        for _, body in iter_pages(fetch, page_size, configured_concurrency()):
            rows += len(body.get("data") or [])
    finally:
        client.close()
    wall = time.perf_counter() - started
    requests = stats.of(LEDGER).requests
    return {"wall_seconds": wall, "requests": requests, "rows": {LEDGER: rows}}


def configured_concurrency() -> int:
    """The window the source itself would use: dlt config or env, else the source's default."""
    return dlt.config.get("sources.piggy.concurrency", int) or DEFAULT_CONCURRENCY
