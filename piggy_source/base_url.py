"""The base URL a user configures is the API's host, nothing more.

Piggy's docs show full endpoint URLs (`https://api.piggy.eu/api/v3/oauth/clients/contacts`), so
users paste a base URL that already holds `/api/v3`; every path then doubles it and Piggy answers a
bilingual 404 that does not say why. Caught here, before any request, with the fix.
"""

from urllib.parse import urlsplit

from piggy_source.exceptions import PiggyConfigError


def checked_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash, or one line saying what to set instead."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PiggyConfigError(
            f"SOURCES__PIGGY__BASE_URL {base_url!r} is not a URL: use e.g. https://api.piggy.eu"
        )
    if parts.path.rstrip("/"):
        host = f"{parts.scheme}://{parts.netloc}"
        raise PiggyConfigError(
            f"SOURCES__PIGGY__BASE_URL {base_url!r} has a path: set the host only, {host} "
            "(piggy-elt adds /api/v3/oauth/clients itself)"
        )
    return base_url.strip().rstrip("/")
