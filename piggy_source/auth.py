"""Bearer tokens: a fixed personal access token, or OAuth2 client credentials renewed in time.

Piggy issues no refresh tokens, so client credentials are exchanged again shortly before
`expires_in` runs out, and once more when the API answers 401 (a token revoked early). Tokens live
only in memory: they are never logged, returned in errors or written to state.
"""

import asyncio
import time

import httpx

from piggy_source.exceptions import PiggyAuthError, PiggyConfigError, RetryableResponse
from piggy_source.settings import TOKEN_PATH, TOKEN_RENEWAL_MARGIN_SECONDS


class TokenProvider:
    """Hands out a valid bearer token; `renew()` forces a new one after a 401."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        if not api_key and not (client_id and client_secret):
            raise PiggyConfigError(
                "no Piggy credentials: set SOURCES__PIGGY__API_KEY (a personal access token) or "
                "SOURCES__PIGGY__CLIENT_ID and SOURCES__PIGGY__CLIENT_SECRET, "
                "or add them to .dlt/secrets.toml"
            )
        self._base_url = base_url.rstrip("/")
        self._static_token = api_key
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = api_key
        self._expires_at = float("inf")
        self._lock = asyncio.Lock()
        self.renewals = 0

    @property
    def can_renew(self) -> bool:
        """Only client credentials can be exchanged for a new token."""
        return self._static_token is None

    async def token(self, http: httpx.AsyncClient) -> str:
        """The current token, renewed first when it is about to expire."""
        if self._token is None or time.monotonic() >= self._expires_at:
            await self.renew(http, stale=self._token)
        assert self._token is not None
        return self._token

    async def renew(self, http: httpx.AsyncClient, stale: str | None) -> None:
        """Exchange the client credentials once, even when many requests saw the same 401."""
        if not self.can_renew:
            return
        async with self._lock:
            if self._token is not None and self._token != stale:
                return
            self._token, lifetime = await self._exchange(http)
            self._expires_at = time.monotonic() + max(0.0, lifetime - _margin(lifetime))
            self.renewals += 1

    async def _exchange(self, http: httpx.AsyncClient) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        response = await http.post(f"{self._base_url}{TOKEN_PATH}", data=form)
        if response.status_code in (400, 401, 403):
            raise PiggyAuthError(
                f"Piggy refused the client credentials (HTTP {response.status_code} on "
                f"{TOKEN_PATH}): check SOURCES__PIGGY__CLIENT_ID and SOURCES__PIGGY__CLIENT_SECRET"
            )
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableResponse(f"HTTP {response.status_code} on {TOKEN_PATH}")
        try:
            body = response.json()
            return str(body["access_token"]), float(body.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError) as exc:
            raise RetryableResponse(f"unreadable token response on {TOKEN_PATH}") from exc


def _margin(lifetime: float) -> float:
    """Renew a minute early, or at a tenth of the lifetime for short-lived tokens."""
    return min(TOKEN_RENEWAL_MARGIN_SECONDS, lifetime / 10)
