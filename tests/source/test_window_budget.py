"""The learned budget: what `X-RateLimit-Remaining` says is spent whole, and never more.

Offline, `WindowBudget` is driven with answers written by hand; against the sandbox, a window
another client has nearly spent is met with no 429 where the old pacing (90% of the limit, spread
evenly from the first request) drew them.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import wait

from piggy_source.auth import TokenProvider
from piggy_source.budget import WindowBudget
from piggy_source.client import PiggyClient
from piggy_source.stats import RunStats


def answer(limit: int, remaining: int) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}


async def admitted(budget: WindowBudget, count: int) -> list[float]:
    """Ask for `count` requests at once; return the send moments of those let through at once."""
    tasks = [asyncio.create_task(budget.acquire()) for _ in range(count)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    done = [task.result() for task in tasks if task.done()]
    for task in tasks:
        if not task.done():
            task.cancel()
    return done


def test_the_first_request_goes_out_alone_then_all_that_remains_at_once():
    async def scenario():
        budget = WindowBudget(window_seconds=60)
        first = await admitted(budget, 5)
        assert len(first) == 1, "nothing is known before the first answer"
        await budget.settle(first[0], answer(10, 9))
        assert len(await admitted(budget, 20)) == 9, "the whole window, no more"

    asyncio.run(scenario())


def test_requests_in_flight_count_against_what_remains():
    async def scenario():
        budget = WindowBudget(window_seconds=60)
        (sent,) = await admitted(budget, 1)
        await budget.settle(sent, answer(100, 6))
        in_flight = await admitted(budget, 4)
        assert len(in_flight) == 4
        await budget.settle(in_flight[0], answer(100, 5))
        assert len(await admitted(budget, 10)) == 2, "5 remain, 3 of them already on their way"

    asyncio.run(scenario())


def test_a_spent_window_waits_until_it_has_closed_then_starts_afresh():
    async def scenario():
        budget = WindowBudget(window_seconds=0.3)
        (sent,) = await admitted(budget, 1)
        await budget.settle(sent, answer(3, 0))
        assert await admitted(budget, 1) == []
        late = await asyncio.wait_for(budget.acquire(), timeout=5)
        assert late - sent >= 0.3, "sent before the window could have closed"
        assert len(await admitted(budget, 5)) == 2, "a new window of 3, one already on its way"

    asyncio.run(scenario())


def test_an_answer_from_the_window_before_does_not_spend_the_new_one():
    async def scenario():
        budget = WindowBudget(window_seconds=0.2)
        (first,) = await admitted(budget, 1)
        await budget.settle(first, answer(4, 3))
        stale = await admitted(budget, 1)
        await asyncio.sleep(0.25)
        assert len(await admitted(budget, 1)) == 1, "the closed window reopens in full"
        await budget.settle(stale[0], answer(4, 0))
        assert len(await admitted(budget, 5)) == 3, "the stale 0 spent nothing: 4, 1 on its way"

    asyncio.run(scenario())


def test_a_retry_after_is_the_servers_word_on_when_the_window_closes():
    async def scenario():
        budget = WindowBudget(window_seconds=3600)
        (sent,) = await admitted(budget, 1)
        await budget.settle(sent, answer(5, 0), retry_after=0.2)
        late = await asyncio.wait_for(budget.acquire(), timeout=5)
        assert late - sent < 60, "waited for the assumed window, not the server's word"

    asyncio.run(scenario())


def test_a_window_another_client_nearly_spent_draws_no_429(make_sandbox):
    """Old pacing (90% of the limit spread evenly from our first request) sent on into the few
    requests left and drew 429s; the remaining count says to wait for the window to close."""
    sandbox = make_sandbox(scale=20, rate_limit=30, rate_window=2.0)
    other = PiggyClient(sandbox.base_url, TokenProvider(sandbox.base_url, api_key=sandbox.token),
                        RunStats(), requests_per_minute=60_000)
    try:
        wait([other.submit("tiers", "/tiers") for _ in range(26)])
    finally:
        other.close()
    stats = RunStats()
    client = PiggyClient(sandbox.base_url, TokenProvider(sandbox.base_url, api_key=sandbox.token),
                         stats, rate_limit_window_seconds=2.0)
    try:
        answers = [client.submit("tiers", "/tiers") for _ in range(40)]
        assert all(future.result()["data"] for future in answers)
    finally:
        client.close()
    assert stats.of("tiers").requests == 40
    assert stats.of("tiers").throttled == 0
