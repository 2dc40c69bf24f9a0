"""The Piggy API v3 endpoints the source reads: path, page shape and page-size limits.

Page-size parameters and maxima differ per endpoint (contract section 3); asking for more than the
maximum is answered with 422, so each endpoint carries its own.
"""

from dataclasses import dataclass

DEFAULT_BASE_URL = "https://api.piggy.eu"
API_PREFIX = "/api/v3/oauth/clients"
TOKEN_PATH = "/oauth/token"


@dataclass(frozen=True)
class Endpoint:
    """How to read one resource: `page_size_param` is None for endpoints answering one list."""

    path: str
    page_size_param: str | None = None
    max_page_size: int = 0
    date_filter: bool = False
    single_object: bool = False


ENDPOINTS: dict[str, Endpoint] = {
    "loyalty_transactions": Endpoint("/loyalty-transactions", "limit", 100, date_filter=True),
    "vouchers": Endpoint("/vouchers", "limit", 500),
    "rewards": Endpoint("/rewards"),
    "prepaid_transactions": Endpoint("/prepaid-transactions", "limit", 30),
    "giftcard_transactions": Endpoint("/giftcard-transactions", "perPage", 100, date_filter=True),
    "contacts": Endpoint("/contacts", "limit", 100, date_filter=True),
    "giftcards": Endpoint("/giftcards", "limit", 100),
    "visits": Endpoint("/visits", "limit", 500),
    "referrals": Endpoint("/referrals", "limit", 100),
    "promotions": Endpoint("/promotions"),
    "tiers": Endpoint("/tiers"),
    "perks": Endpoint("/perks"),
    "units": Endpoint("/units"),
    "loyalty_program": Endpoint("/loyalty-program", single_object=True),
    "shops": Endpoint("/shops"),
    "giftcard_programs": Endpoint("/giftcard-programs"),
    "contact_attributes": Endpoint("/contact-attributes"),
    "subscription_types": Endpoint("/subscription-types"),
}
"""In priority order: the redemption-related ledgers first, so a tight budget serves them first."""

RESOURCE_NAMES: tuple[str, ...] = tuple(ENDPOINTS)

DEFAULT_LOOKBACK_SECONDS = 300
DEFAULT_CONCURRENCY = 12
"""Pages of one listing in flight at once. The shared limiter, not this, keeps the run within the
budget; this only has to cover budget x latency (5,000 requests/min at 100 ms needs about 9)."""
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_MAX_RETRY_AFTER_SECONDS = 300.0
"""The longest `Retry-After` waited out: a few minutes spans Laravel's one-minute throttle window
with room to spare; a longer pause (a daily quota, a misconfigured gateway) ends the run instead."""
DEFAULT_MAX_RETIRE_SHARE = 0.1
"""The largest share of open contacts one sweep may retire: a tenth is far beyond a day's real
deletions (the sandbox models 0.02% a day), and far below what a lost page or a lying proxy
removes. A genuine mass deletion is loaded by one run with the share raised."""
TOKEN_RENEWAL_MARGIN_SECONDS = 60.0
RATE_LIMIT_WINDOW_SECONDS = 60.0
"""The window a learned `X-RateLimit-Limit` counts over: Piggy runs on Laravel, whose throttle
counts per minute. Configurable (`rate_limit_window_seconds`) for accounts throttled otherwise."""
