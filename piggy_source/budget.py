"""The request budget as Piggy states it: `X-RateLimit-Remaining` in a window of known length.

Piggy runs on Laravel, whose throttle counts a token's requests in a fixed window
(`rate_limit_window_seconds`, a minute) that opens with the first request after the last one
closed; every answer says how many requests the window has left. Spending exactly that spends the
whole budget without a 429: requests go out as soon as they are asked for while the answers say
some remain, and once they say none remain, they wait until the window has certainly closed.

Until the first answer nothing is known, so one request goes out alone: the window may be
nearly spent already. Two facts make the rest safe with many requests in flight. The lowest
`Remaining` of the window counts every request the server saw before it, and any it saw after are
still unanswered, so `lowest - in flight` never overstates what is left. And a window opened no
later than the answer that first showed it, so it has closed by `that answer + window`, whether it
opened with our first request or earlier (another process on the same token).
"""

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Protocol

from aiolimiter import AsyncLimiter


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


class Budget(Protocol):
    async def acquire(self) -> float: ...

    async def settle(
        self, sent_at: float, headers: Mapping[str, str] | None, retry_after: float | None = None
    ) -> None: ...


class EvenBudget:
    """A configured `requests_per_minute`: one request per interval, never a burst.

    A configured budget is usually a share of a token other processes spend too (a load and the
    webhook worker), and one process cannot see their spending in its own answers; so only the
    configured pace holds, and a 429 is left to `Retry-After`.
    """

    def __init__(self, requests_per_minute: float) -> None:
        self._limiter = AsyncLimiter(1, 60.0 / max(requests_per_minute, 1e-6))

    async def acquire(self) -> float:
        await self._limiter.acquire()
        return time.monotonic()

    async def settle(
        self, sent_at: float, headers: Mapping[str, str] | None, retry_after: float | None = None
    ) -> None:
        """Nothing to learn: the pace is fixed."""


class WindowBudget:
    """Gate requests on what the current window has left; lives on the client's event loop."""

    def __init__(self, window_seconds: float) -> None:
        self._window = window_seconds
        self._limit: int | None = None
        self._lowest: int | None = None
        """Lowest `Remaining` answered in this window; None while the API has not said."""
        self._answered = False
        self._closes_at: float | None = None
        self._epoch = 0.0
        """When our view of the current window began: answers to requests sent before it belong
        to an older window and are not read."""
        self._in_flight = 0
        self._changed = asyncio.Condition()

    @property
    def limit(self) -> int | None:
        """`X-RateLimit-Limit` as last answered."""
        return self._limit

    async def acquire(self) -> float:
        """Wait until the window has room for one more request; return the moment it is sent."""
        async with self._changed:
            while not self._has_room():
                timeout = None if self._closes_at is None else self._closes_at - time.monotonic()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            self._in_flight += 1
            return time.monotonic()

    async def settle(
        self, sent_at: float, headers: Mapping[str, str] | None, retry_after: float | None = None
    ) -> None:
        """Take an answer's headers (None: no answer came); wake whoever waits for room.

        `retry_after`, from a 429, is the server's own word on when the window closes.
        """
        async with self._changed:
            self._in_flight -= 1
            self._answered = self._answered or headers is not None
            if headers is not None and sent_at >= self._epoch:
                self._read(headers, retry_after)
            self._changed.notify_all()

    def _read(self, headers: Mapping[str, str], retry_after: float | None) -> None:
        limit = _header_int(headers, "X-RateLimit-Limit")
        if limit:
            self._limit = limit
        remaining = _header_int(headers, "X-RateLimit-Remaining")
        now = time.monotonic()
        if retry_after is not None:
            self._closes_at = now + retry_after
            remaining = 0
        if remaining is None:
            return
        if self._closes_at is None:
            self._closes_at = now + self._window
        self._lowest = remaining if self._lowest is None else min(self._lowest, remaining)

    def _has_room(self) -> bool:
        now = time.monotonic()
        if self._closes_at is not None and now >= self._closes_at:
            self._epoch, self._closes_at = now, None
            self._lowest = self._limit
        if not self._answered:
            return self._in_flight == 0
        return self._lowest is None or self._lowest - self._in_flight > 0
