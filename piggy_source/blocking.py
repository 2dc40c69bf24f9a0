"""Blocking calls on the source's `PiggyClient`, for callers that are not dlt resources.

`PiggyClient` runs every request on its own event loop: one connection pool, one token, one
request budget, tenacity's retries with a capped `Retry-After` (seconds or an HTTP-date) and a
token renewed before it expires and after a 401. Payouts and other synchronous callers wait on it
through this facade instead of growing an HTTP client of their own. Reads are retried by the
client; a write goes out once and a lost answer is reported as such (`NoAnswer`), never retried.
"""

from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from piggy_source.auth import TokenProvider
from piggy_source.client import PiggyClient
from piggy_source.exceptions import PiggyApiError
from piggy_source.stats import RunStats


@dataclass(frozen=True)
class Reply:
    """What Piggy answered to a write: its status and its JSON body (or the first 500 bytes)."""

    status_code: int
    body: Any


class NoAnswer(Exception):
    """A write got no answer (timeout, dropped connection, cut-off body): it may have happened."""


class BlockingPiggy:
    """One `PiggyClient`, waited on; every request counts under `resource` in `stats`."""

    def __init__(self, client: PiggyClient, resource: str, stats: RunStats) -> None:
        self.client = client
        self.resource = resource
        self.stats = stats

    @classmethod
    def open(
        cls,
        base_url: str,
        tokens: TokenProvider,
        resource: str,
        **client_options: Any,
    ) -> "BlockingPiggy":
        """A facade over a client of its own, with the source's client options."""
        stats = RunStats()
        return cls(PiggyClient(base_url, tokens, stats, **client_options), resource, stats)

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The `{data, meta}` body of `GET {api}{path}`, retried as the source retries; None
        when Piggy answers 404 (an unknown uuid). Other failures raise the source's errors."""
        try:
            return self.client.get(self.resource, path, params)
        except PiggyApiError as exc:
            if exc.status_code == 404:
                return None
            raise

    def post_once(self, path: str, body: dict[str, Any]) -> Reply:
        """`POST {api}{path}`, sent once; raises `NoAnswer` when no whole answer came back."""
        try:
            response = self.client.submit_post(self.resource, path, body).result()
        except httpx.TransportError as exc:
            raise NoAnswer(type(exc).__name__) from None
        try:
            return Reply(response.status_code, orjson.loads(response.content))
        except orjson.JSONDecodeError:
            return Reply(response.status_code, {"raw": response.text[:500]})

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "BlockingPiggy":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
