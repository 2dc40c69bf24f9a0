"""The generic connector we compare against: dlt's own `rest_api` source, configured fairly.

It gets everything a careful user would give it from dlt's documentation: its page-number paginator
reading `meta.last_page` (the contract's shape A), the same endpoints, page sizes and token as
`piggy_source`, a merge on `uuid`, the ledger's `created_at[gte]` cursor sorted by `created_at`,
dlt's default retrying session (it honours 429 and `Retry-After`), resources extracted in
parallel (`parallelized=True`) and parquet load files like ours. What it cannot do is fetch the
pages of one listing concurrently or pace itself to the budget: that is what the figure measures.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import dlt
from dlt.sources.rest_api import rest_api_source

from bench.dlt_trace import step_seconds

API_PREFIX = "/api/v3/oauth/clients/"
PAGE_SIZE = 100
LEDGER_START = "2000-01-01T00:00:00+00:00"
RESOURCE_TABLES = {"contacts": "contacts", "loyalty_transactions": "loyalty_transactions"}
PARALLELIZED = True
LOADER_FILE_FORMAT = "parquet"
SETTINGS = {
    "paginator": "page_number, base_page 1, total_path meta.last_page",
    "page_size": PAGE_SIZE,
    "parallelized": PARALLELIZED,
    "loader_file_format": LOADER_FILE_FORMAT,
    "write_disposition": "merge on uuid",
}
"""How the comparison was configured, written next to the figures."""


def rest_api_config(base_url: str, token: str) -> dict[str, Any]:
    """Contacts and the points ledger, described the way dlt's rest_api documentation teaches."""
    return {
        "client": {
            "base_url": base_url.rstrip("/") + API_PREFIX,
            "auth": {"type": "bearer", "token": token},
            "headers": {"Accept": "application/json"},
            "paginator": {
                "type": "page_number",
                "base_page": 1,
                "page_param": "page",
                "total_path": "meta.last_page",
            },
        },
        "resource_defaults": {
            "primary_key": "uuid",
            "write_disposition": "merge",
            "endpoint": {"data_selector": "data", "params": {"limit": PAGE_SIZE}},
        },
        "resources": [
            {"name": "contacts", "endpoint": {"path": "contacts"}},
            {
                "name": "loyalty_transactions",
                "endpoint": {
                    "path": "loyalty-transactions",
                    "params": {"limit": PAGE_SIZE, "sort": "created_at"},
                    "incremental": {
                        "start_param": "created_at[gte]",
                        "cursor_path": "created_at",
                        "initial_value": LEDGER_START,
                    },
                },
            },
        ],
    }


def run_rest_api_load(base_url: str, token: str, duckdb_path: Path) -> dict[str, Any]:
    """Load both resources into a fresh DuckDB file; report wall time and row counts.

    Its requests are counted by the sandbox, as ours are, so neither side counts its own.
    """
    source = rest_api_source(rest_api_config(base_url, token), parallelized=PARALLELIZED)
    pipeline = dlt.pipeline(
        pipeline_name="bench_rest_api",
        destination=dlt.destinations.duckdb(str(duckdb_path)),
        dataset_name="rest_api",
    )
    started = time.perf_counter()
    pipeline.run(source, loader_file_format=LOADER_FILE_FORMAT)
    wall = time.perf_counter() - started
    row_counts = pipeline.last_trace.last_normalize_info.row_counts
    rows = {name: int(row_counts.get(table, 0)) for name, table in RESOURCE_TABLES.items()}
    return {
        "wall_seconds": wall,
        "step_seconds": step_seconds(pipeline),
        "requests": None,
        "rows": rows,
    }
