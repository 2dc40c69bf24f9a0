"""A `Retry-After` is honoured in both its forms, up to a ceiling; beyond it the read fails in
one line naming the wait the server asked for, instead of sleeping for a day."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from lying_proxy import Answer, lying_proxy

from piggy_source.auth import TokenProvider
from piggy_source.client import PiggyClient
from piggy_source.exceptions import PiggyRateLimitError
from piggy_source.stats import RunStats


def open_client(sandbox, base_url: str | None = None, **options) -> PiggyClient:
    base_url = base_url or sandbox.base_url
    return PiggyClient(
        base_url,
        TokenProvider(base_url, api_key=sandbox.token),
        RunStats(),
        requests_per_minute=60_000,
        **options,
    )


def throttle_once(retry_after: str) -> tuple[list[float], callable]:
    """A rewrite that answers the first request 429 with `retry_after`, then lets all through."""
    answered: list[float] = []
    lock = threading.Lock()

    def rewrite(answer: Answer) -> None:
        with lock:
            answered.append(time.monotonic())
            if len(answered) == 1:
                answer.status = 429
                answer.body = {"message": "Too Many Attempts.", "code": 429, "status_code": 429}
                answer.headers["Retry-After"] = retry_after

    return answered, rewrite


@pytest.mark.timeout(60)
def test_a_day_long_retry_after_fails_at_once_naming_the_wait(make_sandbox):
    sandbox = make_sandbox(scale=20, rate_limit=1, rate_window=86400)
    client = open_client(sandbox)
    try:
        client.get("tiers", "/tiers")
        started = time.monotonic()
        with pytest.raises(PiggyRateLimitError) as caught:
            client.get("tiers", "/tiers")
        elapsed = time.monotonic() - started
    finally:
        client.close()
    message = str(caught.value)
    assert elapsed < 5 and "\n" not in message
    assert "86400" in message or "86399" in message, message
    assert "max_retry_after_seconds" in message and "/tiers" in message


@pytest.mark.timeout(60)
def test_the_ceiling_is_configurable(make_sandbox):
    sandbox = make_sandbox(scale=20, rate_limit=1, rate_window=3)
    client = open_client(sandbox, max_retry_after_seconds=1)
    try:
        client.get("tiers", "/tiers")
        with pytest.raises(PiggyRateLimitError, match="more than 1 s"):
            client.get("tiers", "/tiers")
    finally:
        client.close()
    patient = open_client(sandbox, max_retry_after_seconds=10)
    try:
        assert patient.get("tiers", "/tiers")["data"]
    finally:
        patient.close()


@pytest.mark.timeout(60)
def test_a_retry_after_given_as_an_http_date_is_waited_for(make_sandbox):
    sandbox = make_sandbox(scale=20)
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    answered, rewrite = throttle_once(format_datetime(moment, usegmt=True))
    with lying_proxy(sandbox, rewrite) as proxy:
        client = open_client(sandbox, proxy.base_url)
        try:
            assert client.get("tiers", "/tiers")["data"]
        finally:
            client.close()
    assert len(answered) == 2
    assert answered[1] - answered[0] >= 1.5, "the retry came before the date the server named"


@pytest.mark.timeout(60)
def test_an_http_date_beyond_the_ceiling_fails_in_one_line(make_sandbox):
    sandbox = make_sandbox(scale=20)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    answered, rewrite = throttle_once(format_datetime(tomorrow, usegmt=True))
    with lying_proxy(sandbox, rewrite) as proxy:
        client = open_client(sandbox, proxy.base_url)
        try:
            with pytest.raises(PiggyRateLimitError, match=r"wait 86[34]\d\d s") as caught:
                client.get("tiers", "/tiers")
        finally:
            client.close()
    assert len(answered) == 1 and "\n" not in str(caught.value)
