"""What a Piggy answer means: its body, a retryable failure, or an error said in one line.

Kept apart from the client's connection, pacing and retry loop so that each reads on its own.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import orjson

from piggy_source.exceptions import (
    PiggyApiError,
    PiggyAuthError,
    PiggyRateLimitError,
    RetryableResponse,
)


def decode(path: str, response: httpx.Response) -> dict:
    """The `{data, meta}` body of an answer other than a 429; raises for any other outcome."""
    status = response.status_code
    if status >= 500:
        raise RetryableResponse(f"HTTP {status} on {path}")
    if status == 401:
        raise PiggyAuthError(
            f"Piggy refused the API key (HTTP 401 on {path}): set a valid token in "
            "SOURCES__PIGGY__API_KEY (or valid SOURCES__PIGGY__CLIENT_ID/CLIENT_SECRET)"
        )
    if status >= 400:
        raise api_error(path, response)
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise RetryableResponse(f"truncated or unreadable body on {path}") from None
    if not isinstance(body, dict) or "data" not in body:
        raise RetryableResponse(f"response without a data envelope on {path}")
    return body


def refuse_long_wait(path: str, retry_after: float | None, ceiling: float) -> None:
    """A wait beyond the ceiling is not worth sleeping through: the run ends and says so."""
    if retry_after is None or retry_after <= ceiling:
        return
    raise PiggyRateLimitError(
        f"Piggy asked to wait {retry_after:.0f} s (HTTP 429 with Retry-After on {path}), "
        f"more than {ceiling:g} s, the sources.piggy.max_retry_after_seconds "
        "ceiling: run again later, or raise SOURCES__PIGGY__MAX_RETRY_AFTER_SECONDS"
    )


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """Both forms of `Retry-After` (RFC 9110): delta-seconds, or an HTTP-date to wait until."""
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def api_error(path: str, response: httpx.Response) -> PiggyApiError:
    """Piggy's error body names a `code`; the message is shown cut short, never matched on."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = body.get("code") if isinstance(body.get("code"), int) else None
    message = str(body.get("message") or response.reason_phrase)[:200]
    return PiggyApiError(
        f"Piggy answered HTTP {response.status_code} (code {code}) on {path}: {message}",
        status_code=response.status_code,
        code=code,
    )
