"""Scenario 1: a flaky API costs nothing. With 10% 5xx, 5% 429 (half without Retry-After), 2%
responses slower than the client's timeout and 1% truncated bodies, a full load and an incremental
load end with exactly the warehouse a clean run of the same account gets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from warehouse_checks import Warehouse, differences, duplicate_keys

FAULT_MIX = ("500",) * 4 + ("502",) * 3 + ("503",) * 3 + ("slow",) * 2 + ("truncate",)
"""Each kind is drawn evenly from this list, so at a 13% fault rate: 10% 5xx, 2% slow, 1%
truncated."""
FAULT_RATE = 0.13
CLIENT_TIMEOUT_SECONDS = 1.0
SLOW_SECONDS = 1.6
BUDGET_PER_SECOND = 30
"""The sandbox refuses requests beyond this many per second (429); the client is told not to
pace itself, so it meets the limit about one request in twenty."""


@contextmanager
def flaky(sandbox, period: float = 0.4) -> Iterator[None]:
    """Faults and a tight budget on; `Retry-After` sent and withheld in turns."""
    control = sandbox.control
    control.configure(fault_rate=FAULT_RATE, fault_kinds=list(FAULT_MIX),
                      rate_limit=BUDGET_PER_SECOND, rate_window=1.0, retry_after=True)
    stop = threading.Event()

    def alternate() -> None:
        send = True
        while not stop.wait(period):
            send = not send
            control.configure(retry_after=send)

    flipper = threading.Thread(target=alternate, daemon=True)
    flipper.start()
    try:
        yield
    finally:
        stop.set()
        flipper.join()
        control.configure(fault_rate=0.0, rate_limit=None, retry_after=True)


def test_full_and_incremental_loads_through_faults_equal_a_clean_run(make_sandbox, tmp_path):
    sandbox = make_sandbox(scale=300, fault_seed=11, slow_seconds=SLOW_SECONDS)
    clean = Warehouse(tmp_path / "clean", sandbox)
    faulty = Warehouse(tmp_path / "faulty", sandbox, timeout_seconds=CLIENT_TIMEOUT_SECONDS,
                       requests_per_minute=1_000_000)
    sandbox.control.reset_totals()
    clean.load()
    summaries = []
    with flaky(sandbox):
        summaries.append(faulty.load())
    assert not differences(clean.fingerprint(), faulty.fingerprint())

    sandbox.control.advance(days=2, signups=15, earns=60, redemptions=10, cashback=10,
                            tier_changes=5, deletes=3)
    clean.load()
    with flaky(sandbox):
        summaries.append(faulty.load())

    expected, actual = clean.fingerprint(), faulty.fingerprint()
    assert not differences(expected, actual), differences(expected, actual)
    assert expected["loyalty_transactions"].rows > 1000
    assert duplicate_keys(faulty.path) == {}
    injected = sandbox.control.status()["faults"]
    assert all(injected.get(kind, 0) > 0 for kind in ("500", "502", "503", "slow", "truncate")), (
        injected)
    requests = sum(stats.requests for s in summaries for stats in s.resources.values())
    throttled = sum(stats.throttled for s in summaries for stats in s.resources.values())
    retries = sum(stats.retries for s in summaries for stats in s.resources.values())
    print(f"faulty loads: {requests} requests, {throttled} answered 429, {retries} retries, "
          f"injected {dict(injected)}")
    assert throttled > 0 and retries > 0
