"""Clients for the sandbox tests: plain httpx, authenticated with the sandbox's token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from piggy_sandbox import Sandbox


def client_for(sandbox: Sandbox, **options: object) -> httpx.Client:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    options.setdefault("timeout", 10.0)
    return httpx.Client(base_url=sandbox.api_url, headers=headers, **options)


@pytest.fixture(scope="session")
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """A client of the shared, read-only session sandbox."""
    with client_for(sandbox) as client:
        yield client


@pytest.fixture
def connect() -> Iterator[Callable[..., httpx.Client]]:
    """`connect(sandbox)` -> a client closed at the end of the test."""
    clients: list[httpx.Client] = []

    def open_client(sandbox: Sandbox, **options: object) -> httpx.Client:
        clients.append(client_for(sandbox, **options))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


def _read_all(client: httpx.Client, path: str, size_param: str = "limit", size: int = 100,
             **params: object) -> list[dict]:
    """Every record of a paged list, following `last_page` (or a short page)."""
    records: list[dict] = []
    page = 1
    while True:
        response = client.get(path, params={**params, "page": page, size_param: size})
        response.raise_for_status()
        body = response.json()
        records.extend(body["data"])
        meta = body["meta"]
        last = meta.get("last_page")
        if (last is not None and page >= last) or len(body["data"]) < size:
            return records
        page += 1


@pytest.fixture(scope="session")
def read_all() -> Callable[..., list[dict]]:
    """`read_all(client, path, size_param="limit", size=100, **params)` -> every record."""
    return _read_all
