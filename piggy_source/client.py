"""HTTP to the Piggy API: one pooled `httpx.AsyncClient` on one event loop in a background thread.

dlt runs resources as sync generators, possibly in parallel threads; they all submit requests to
this one loop, so they share one connection pool, one token and one `AsyncLimiter`: the request
budget holds for the whole run, not per resource. Retries (429, 5xx, timeouts, dropped connections,
truncated bodies) are tenacity's, with exponential backoff and jitter, and a `Retry-After` (seconds
or an HTTP-date) pauses every request, not only the one that was told; one longer than
`max_retry_after_seconds` ends the run instead.
"""

import asyncio
import threading
import time
from concurrent.futures import Future
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from piggy_source.auth import TokenProvider
from piggy_source.base_url import checked_base_url
from piggy_source.exceptions import PiggyApiError, PiggyConnectionError, RetryableResponse
from piggy_source.responses import decode, refuse_long_wait, retry_after_seconds
from piggy_source.settings import (
    API_PREFIX,
    DEFAULT_MAX_RETRY_AFTER_SECONDS,
    RATE_LIMIT_WINDOW_SECONDS,
)
from piggy_source.stats import RunStats

RETRYABLE = (RetryableResponse, httpx.TimeoutException, httpx.TransportError)
BUDGET_SAFETY = 0.9
"""Spend 90% of a learned limit: a window that started before our first request is shared."""


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
        self._budget_fixed = requests_per_minute is not None
        self._learned_window = rate_limit_window_seconds
        self._limiter: AsyncLimiter | None = None
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
            self._set_budget(requests_per_minute, 60.0)
        limits = httpx.Limits(max_connections=self._max_connections)
        headers = {"Accept": "application/json"}
        return httpx.AsyncClient(timeout=self._timeout, limits=limits, headers=headers)

    def _set_budget(self, requests: float, window_seconds: float) -> None:
        """Spread the budget evenly: one request per interval, never a burst of the whole window."""
        self._limiter = AsyncLimiter(1, window_seconds / max(requests, 1e-6))

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
        return never_connected and isinstance(state.outcome.exception(), httpx.ConnectError)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception()
        if isinstance(error, RetryableResponse) and error.retry_after is not None:
            return error.retry_after
        return wait_random_exponential(multiplier=0.5, max=30)(state)

    async def _pace(self) -> None:
        delay = self._resume_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if self._limiter is not None:
            await self._limiter.acquire()

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
        await self._pace()
        self._stats.add(resource, requests=1)
        auth = {"Authorization": f"Bearer {token}"}
        response = await self._http.get(
            f"{self.base_url}{API_PREFIX}{path}", params=params, headers=auth
        )
        self._connected = True
        self._learn_budget(response)
        return response

    def _learn_budget(self, response: httpx.Response) -> None:
        if self._budget_fixed or self._limiter is not None:
            return
        limit = response.headers.get("X-RateLimit-Limit", "")
        if limit.isdigit() and int(limit) > 0:
            self._set_budget(int(limit) * BUDGET_SAFETY, self._learned_window)

    def _decode(self, resource: str, path: str, response: httpx.Response) -> dict:
        if response.status_code == 429:
            self._stats.add(resource, throttled=1)
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            refuse_long_wait(path, retry_after, self._max_retry_after)
            if retry_after is not None:
                self._resume_at = max(self._resume_at, time.monotonic() + retry_after)
            raise RetryableResponse(f"HTTP 429 on {path}", retry_after, throttled=True)
        return decode(path, response)
