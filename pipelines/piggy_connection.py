"""Where and as whom every action calls Piggy: the source's own `[sources.piggy]` settings.

Payouts, the webhook worker and any other caller read the same section as `piggy-elt run`, so one
token, one base URL default and one request budget serve reading and acting. Secrets are typed
with dlt's secret type: dlt then records `<secret>` instead of their value in the traces it writes,
and their `repr` hides them.
"""

from typing import Any

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from piggy_source.auth import TokenProvider
from piggy_source.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_AFTER_SECONDS,
    RATE_LIMIT_WINDOW_SECONDS,
)

SECTIONS = ("sources", "piggy")


@configspec
class PiggyConnection(BaseConfiguration):
    """`[sources.piggy]`: the API, the credentials and the request budget shared with the source."""

    base_url: str = DEFAULT_BASE_URL
    api_key: TSecretStrValue | None = None
    client_id: str | None = None
    client_secret: TSecretStrValue | None = None
    requests_per_minute: float | None = None
    rate_limit_window_seconds: float = RATE_LIMIT_WINDOW_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    timeout_seconds: float = 30.0
    max_retry_after_seconds: float = DEFAULT_MAX_RETRY_AFTER_SECONDS


def load_connection() -> PiggyConnection:
    """The connection as configured (toml or `SOURCES__PIGGY__*`), with the source's defaults."""
    return resolve_configuration(PiggyConnection(), sections=SECTIONS)


def token_provider(connection: PiggyConnection) -> TokenProvider:
    """The source's token provider for these credentials (renews an OAuth token as it expires)."""
    return TokenProvider(
        connection.base_url,
        connection.api_key or None,
        connection.client_id or None,
        connection.client_secret or None,
    )


def client_options(connection: PiggyConnection) -> dict[str, Any]:
    """The source client's budget, retry and timeout options, as configured."""
    return {
        "requests_per_minute": connection.requests_per_minute,
        "rate_limit_window_seconds": connection.rate_limit_window_seconds,
        "timeout_seconds": connection.timeout_seconds,
        "max_attempts": connection.max_attempts,
        "max_retry_after_seconds": connection.max_retry_after_seconds,
    }
