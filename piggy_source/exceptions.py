"""Errors the source raises on purpose: each message says what to fix, in one line.

Messages name the endpoint, the HTTP status and Piggy's error code, never a token or a secret, so
they are safe to print and to keep in dlt's traces.
"""


class PiggyError(Exception):
    """Base of every error the user can act on; the CLI prints its message without a traceback."""


class PiggyConfigError(PiggyError):
    """A setting is missing or malformed (no credentials, a bad base URL, a bad date)."""


class PiggyAuthError(PiggyError):
    """Piggy refused the credentials (HTTP 401): the token or client secret must be replaced."""


class PiggyConnectionError(PiggyError):
    """The API could not be reached at all: the base URL or the network is wrong."""


class PiggyApiError(PiggyError):
    """Piggy answered a request with an error that retrying cannot fix (4xx other than 401/429)."""

    def __init__(self, message: str, status_code: int, code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code


class RetryableResponse(Exception):
    """A response worth retrying (429, 5xx, a truncated body); tenacity catches it, users never do.

    `retry_after` carries the server's `Retry-After` in seconds when it sent one.
    """

    def __init__(self, reason: str, retry_after: float | None = None, throttled: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.throttled = throttled


class PiggyRateLimitError(PiggyError):
    """Piggy asked for a pause (`Retry-After`) longer than the source is configured to wait."""


class PiggyPagingError(PiggyError):
    """A listing's pages cannot be trusted: they repeat, or never end, or contradict their meta."""


class PiggySweepError(PiggyError):
    """A contacts sweep is incomplete, or would retire too many contacts: nothing is loaded."""
