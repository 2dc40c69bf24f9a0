"""HTTP to the Piggy API: one pooled `httpx.AsyncClient` on one event loop in a background thread.

dlt runs resources as sync generators, possibly in parallel threads; they all submit requests to
this one loop, so they share one connection pool, one token and one request budget: the budget
holds for the whole run, not per resource. The budget is the one each answer states
(`X-RateLimit-Remaining`, see `piggy_source.budget`), spent whole; a configured
`requests_per_minute` instead spreads requests evenly (a share of a token others spend too).
Retries (429, 5xx, timeouts, dropped connections, truncated bodies) are tenacity's, with
exponential backoff and jitter, and a `Retry-After` (seconds or an HTTP-date) pauses every
request, not only the one that was told; one longer than `max_retry_after_seconds` ends the run
instead.
"""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from piggy_source.auth import TokenProvider
from piggy_source.base_url import checked_base_url
from piggy_source.budget import Budget, EvenBudget, WindowBudget
from piggy_source.exceptions import PiggyApiError, PiggyConnectionError, RetryableResponse
from piggy_source.responses import decode, refuse_long_wait, retry_after_seconds
from piggy_source.settings import (
    API_PREFIX,
    DEFAULT_MAX_RETRY_AFTER_SECONDS,
    RATE_LIMIT_WINDOW_SECONDS,
)
from piggy_source.stats import RunStats

RETRYABLE = (RetryableResponse, httpx.TimeoutException, httpx.TransportError)


class PiggyClient:
    """Submit GETs from any thread; each returns a future of the decoded `{data, meta}` body."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenProvider,
        stats: RunStats,
        requests_per_minute: float | None = None,
        rate_limit_window_seconds: float = RATE_LIMIT_WINDOW_SECONDS,
        timeout_seconds: float = 30.0,
        max_attempts: int = 8,
        max_connections: int = 16,
        max_retry_after_seconds: float = DEFAULT_MAX_RETRY_AFTER_SECONDS,
    ) -> None:
        self.base_url = checked_base_url(base_url)
        self._max_retry_after = max_retry_after_seconds
        self._tokens = tokens
        self._stats = stats
        self._timeout = timeout_seconds
        self._max_attempts = max_attempts
        self._max_connections = max_connections
        self._budget: Budget = WindowBudget(rate_limit_window_seconds)
        self._resume_at = 0.0
        self._connected = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="piggy-http", daemon=True
        )
        self._thread.start()
        self._http: httpx.AsyncClient = self._call(self._open(requests_per_minute))

    def submit(self, resource: str, path: str, params: dict[str, Any] | None = None) -> Future:
        """Schedule `GET {api}/{path}` on the loop; the future holds the body or the error."""
        coroutine = self._get(resource, path, params or {})
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def get(self, resource: str, path: str, params: dict[str, Any] | None = None) -> dict:
        return self.submit(resource, path, params).result()

    def submit_post(self, resource: str, path: str, body: dict[str, Any]) -> Future:
        """Schedule one `POST {api}/{path}`, paced and authorised like a read but never retried:
        a write whose answer was lost may have happened. The future holds the response, whatever
        its status, or the transport error. A 401 books nothing, so after renewing the token the
        write goes out once more."""
        return asyncio.run_coroutine_threadsafe(self._post(resource, path, body), self._loop)

    def close(self) -> None:
        """Close the pool and stop the loop thread; safe to call twice."""
        if self._loop.is_closed():
            return
        self._call(self._http.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self, requests_per_minute: float | None) -> httpx.AsyncClient:
        if requests_per_minute:
            self._budget = EvenBudget(requests_per_minute)
        limits = httpx.Limits(max_connections=self._max_connections)
        headers = {"Accept": "application/json"}
        return httpx.AsyncClient(timeout=self._timeout, limits=limits, headers=headers)

    async def _get(self, resource: str, path: str, params: dict[str, Any]) -> dict:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(RETRYABLE),
            stop=self._should_stop,
            wait=self._wait,
            before_sleep=lambda _: self._stats.add(resource, retries=1),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(resource, path, params)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise PiggyConnectionError(
                f"could not reach Piggy at {self.base_url} ({type(exc).__name__} on {path}): "
                "check SOURCES__PIGGY__BASE_URL and the network"
            ) from None
        except RetryableResponse as exc:
            raise PiggyApiError(
                f"Piggy kept failing on {path} after {self._max_attempts} attempts ({exc})",
                status_code=503,
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _should_stop(self, state: RetryCallState) -> bool:
        """Stop at the attempt limit; a host never reached fails fast (wrong base URL)."""
        if stop_after_attempt(self._max_attempts)(state):
            return True
        never_connected = not self._connected and state.attempt_number >= 2
        error = state.outcome.exception() if state.outcome else None
        return never_connected and isinstance(error, httpx.ConnectError)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableResponse) and error.retry_after is not None:
            return error.retry_after
        return wait_random_exponential(multiplier=0.5, max=30)(state)

    async def _pace(self) -> None:
        delay = self._resume_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _attempt(self, resource: str, path: str, params: dict[str, Any]) -> dict:
        token = await self._tokens.token(self._http)
        response = await self._send(resource, path, params, token)
        if response.status_code == 401 and self._tokens.can_renew:
            await self._tokens.renew(self._http, stale=token)
            token = await self._tokens.token(self._http)
            response = await self._send(resource, path, params, token)
        return self._decode(resource, path, response)

    async def _send(
        self, resource: str, path: str, params: dict[str, Any], token: str
    ) -> httpx.Response:
        auth = {"Authorization": f"Bearer {token}"}
        url = f"{self.base_url}{API_PREFIX}{path}"
        response = await self._within_budget(
            resource, partial(self._http.get, url, params=params, headers=auth)
        )
        self._connected = True
        return response

    async def _within_budget(
        self, resource: str, request: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        """Send once the budget has room; tell it what the answer said, or that none came."""
        await self._pace()
        sent_at = await self._budget.acquire()
        self._stats.add(resource, requests=1)
        response: httpx.Response | None = None
        try:
            response = await request()
        finally:
            await self._settle(sent_at, response)
        return response

    async def _settle(self, sent_at: float, response: httpx.Response | None) -> None:
        """A 429's `Retry-After` within the ceiling is the server's word on when its window
        closes; a longer one ends the run (`_decode`), so the budget never waits on it."""
        if response is None:
            await self._budget.settle(sent_at, None)
            return
        retry_after = None
        if response.status_code == 429:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > self._max_retry_after:
                retry_after = None
        await self._budget.settle(sent_at, response.headers, retry_after)

    async def _post(self, resource: str, path: str, body: dict[str, Any]) -> httpx.Response:
        for _ in range(2):
            token = await self._tokens.token(self._http)
            auth = {"Authorization": f"Bearer {token}"}
            url = f"{self.base_url}{API_PREFIX}{path}"
            response = await self._within_budget(
                resource, partial(self._http.post, url, json=body, headers=auth)
            )
            if response.status_code != 401 or not self._tokens.can_renew:
                break
            await self._tokens.renew(self._http, stale=token)
        return response

    def _decode(self, resource: str, path: str, response: httpx.Response) -> dict:
        if response.status_code == 429:
            self._stats.add(resource, throttled=1)
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            refuse_long_wait(path, retry_after, self._max_retry_after)
            if retry_after is not None:
                self._resume_at = max(self._resume_at, time.monotonic() + retry_after)
            raise RetryableResponse(f"HTTP 429 on {path}", retry_after, throttled=True)
        return decode(path, response)
