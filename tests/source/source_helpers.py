"""Loading a sandbox into a private DuckDB file, and reading both sides back."""

from __future__ import annotations

from pathlib import Path

import duckdb
import httpx

from piggy_source.settings import API_PREFIX, ENDPOINTS
from pipelines.loading import LoadSummary, run_load

RAW_TABLES = {name: name for name in ENDPOINTS}
SECRET = "not-a-real-token-4f1c"
"""A made-up API key for CLI runs that must fail before any request, and never print it."""


def api_totals(sandbox, names=tuple(ENDPOINTS)) -> dict[str, int]:
    """How many records the sandbox serves per resource: meta `total`, or the whole list."""
    totals = {}
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    for name in names:
        endpoint = ENDPOINTS[name]
        body = httpx.get(f"{sandbox.base_url}{API_PREFIX}{endpoint.path}", headers=headers,
                         params={"page": 1}, timeout=60).json()
        meta, data = body["meta"], body["data"]
        if isinstance(meta, dict) and "total" in meta:
            totals[name] = int(meta["total"])
        else:
            totals[name] = 1 if isinstance(data, dict) else len(data)
    return totals


class Warehouse:
    """A private pipeline (own dlt dir, own DuckDB file) loading one sandbox."""

    def __init__(self, root: Path, sandbox) -> None:
        self.root = root
        self.sandbox = sandbox
        self.path = root / "piggy.duckdb"

    def load(self, **options) -> LoadSummary:
        options.setdefault("api_key", self.sandbox.token)
        return run_load(base_url=self.sandbox.base_url, duckdb_path=self.path,
                        pipelines_dir=self.root / "dlt", **options)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]

    def counts(self) -> dict[str, int]:
        rows = self.query("SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = 'piggy_raw' AND table_name NOT LIKE '_dlt%'")
        return {name: self.scalar(f"SELECT count(*) FROM piggy_raw.{name}") for (name,) in rows}

    def current_contacts(self) -> int:
        return self.scalar("SELECT count(*) FROM piggy_raw.contacts WHERE _dlt_valid_to IS NULL")


def api_records(sandbox, name: str, **params) -> list[dict]:
    """Every record of a paged listing, read independently of the source's client."""
    endpoint = ENDPOINTS[name]
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    records, page = [], 1
    while True:
        query = {**params, "page": page, endpoint.page_size_param: endpoint.max_page_size}
        body = httpx.get(f"{sandbox.base_url}{API_PREFIX}{endpoint.path}", headers=headers,
                         params=query, timeout=60).json()
        records.extend(body["data"])
        if page >= int(body["meta"]["last_page"]) or not body["data"]:
            return records
        page += 1
