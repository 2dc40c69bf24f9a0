"""The HTTP client against the sandbox: throttling, Retry-After, budget, tokens, faults."""

from __future__ import annotations

import time

import pytest
from source_helpers import api_totals

from piggy_source.auth import TokenProvider
from piggy_source.client import PiggyClient
from piggy_source.exceptions import PiggyAuthError
from piggy_source.stats import RunStats


def open_client(sandbox, stats: RunStats, **options) -> PiggyClient:
    credentials = options.pop("credentials", {"api_key": sandbox.token})
    tokens = TokenProvider(sandbox.base_url, **credentials)
    return PiggyClient(sandbox.base_url, tokens, stats, **options)


def test_a_429_with_retry_after_waits_that_long_then_succeeds(make_sandbox):
    sandbox = make_sandbox(rate_limit=2, rate_window=2.0)
    stats = RunStats()
    client = open_client(sandbox, stats, requests_per_minute=60_000)
    try:
        started = time.monotonic()
        for _ in range(3):
            assert client.get("tiers", "/tiers")["data"]
        elapsed = time.monotonic() - started
    finally:
        client.close()
    tiers = stats.of("tiers")
    assert (tiers.throttled, tiers.retries) == (1, 1), "one wait of Retry-After is enough"
    assert elapsed >= 1.0


def test_a_429_without_retry_after_backs_off_until_it_succeeds(make_sandbox):
    sandbox = make_sandbox(rate_limit=2, rate_window=1.0, retry_after=False)
    stats = RunStats()
    client = open_client(sandbox, stats, requests_per_minute=60_000)
    try:
        for _ in range(4):
            assert client.get("tiers", "/tiers")["data"]
    finally:
        client.close()
    assert stats.of("tiers").throttled >= 1
    assert stats.of("tiers").retries == stats.of("tiers").throttled


def test_a_configured_budget_is_never_exceeded(make_sandbox, warehouse):
    sandbox = make_sandbox(rate_limit=16, rate_window=1.0)
    wh = warehouse(sandbox)
    summary = wh.load(resources=["loyalty_transactions", "contacts", "rewards"],
                      requests_per_minute=14 * 60)
    assert sum(s.throttled for s in summary.resources.values()) == 0
    assert sum(s.requests for s in summary.resources.values()) > 2 * 16
    totals = api_totals(sandbox, ["loyalty_transactions"])
    assert wh.counts()["loyalty_transactions"] == totals["loyalty_transactions"]


def test_a_budget_learned_from_rate_limit_headers_is_never_exceeded(make_sandbox, warehouse):
    sandbox = make_sandbox(rate_limit=10, rate_window=1.0)
    wh = warehouse(sandbox)
    summary = wh.load(resources=["loyalty_transactions"], rate_limit_window_seconds=1.0)
    stats = summary.resources["loyalty_transactions"]
    assert stats.requests > 2 * 10 and stats.throttled == 0
    assert summary.duration_seconds >= stats.requests / 10 - 1


def test_client_credentials_renew_after_a_401_once(make_sandbox):
    sandbox = make_sandbox()
    stats = RunStats()
    credentials = {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret}
    client = open_client(sandbox, stats, credentials=credentials)
    try:
        client.get("tiers", "/tiers")
        sandbox.control.expire_tokens()
        assert client.get("tiers", "/tiers")["data"]
    finally:
        client.close()
    assert sandbox.control.totals()["POST /oauth/token"] == 2
    assert stats.of("tiers").requests == 3  # the refused one, then the retry with a new token


def test_client_credentials_renew_before_expiry(make_sandbox):
    sandbox = make_sandbox(token_ttl=1)
    stats = RunStats()
    credentials = {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret}
    client = open_client(sandbox, stats, credentials=credentials)
    try:
        client.get("tiers", "/tiers")
        time.sleep(1.0)
        client.get("tiers", "/tiers")
    finally:
        client.close()
    assert sandbox.control.totals()["POST /oauth/token"] == 2
    assert stats.of("tiers").requests == 2, "the token was renewed before it could be refused"


def test_wrong_client_secret_is_an_auth_error(make_sandbox):
    sandbox = make_sandbox()
    credentials = {"client_id": sandbox.client_id, "client_secret": "not-the-secret"}
    client = open_client(sandbox, RunStats(), credentials=credentials)
    try:
        with pytest.raises(PiggyAuthError, match="CLIENT_SECRET") as caught:
            client.get("tiers", "/tiers")
    finally:
        client.close()
    assert "not-the-secret" not in str(caught.value)


def test_faults_change_nothing_in_the_warehouse(sandbox, make_sandbox, warehouse):
    clean = warehouse(sandbox, "clean")
    clean.load()
    faulty_sandbox = make_sandbox()
    faulty_sandbox.control.configure(fault_rate=0.15, slow_seconds=1.5)
    faulty = warehouse(faulty_sandbox, "faulty")
    summary = faulty.load(timeout_seconds=1.0)
    assert sum(s.retries for s in summary.resources.values()) > 0
    assert faulty.counts() == clean.counts()
    for table in ("loyalty_transactions", "contacts", "vouchers"):
        sql = f"SELECT count(DISTINCT uuid) FROM piggy_raw.{table}"
        assert faulty.scalar(sql) == clean.scalar(sql)
