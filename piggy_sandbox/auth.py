"""Who may call: the personal access token and OAuth2 client-credential tokens with an expiry."""

from __future__ import annotations

import hmac
import secrets
import threading
import time

from piggy_sandbox.errors import ApiError


class Auth:
    """Checks bearer tokens; issues client-credential tokens that stop working after their ttl."""

    def __init__(self, token: str, client_id: str, client_secret: str, token_ttl: int) -> None:
        self.token, self.client_id, self.client_secret = token, client_id, client_secret
        self.token_ttl = token_ttl
        self._issued: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, form: dict[str, str]) -> dict[str, object]:
        if form.get("grant_type") != "client_credentials":
            raise ApiError(400, 1003, "The grant_type must be client_credentials.",
                           {"grant_type": ["Only client_credentials is supported."]})
        same_id = hmac.compare_digest(str(form.get("client_id", "")), self.client_id)
        same_secret = hmac.compare_digest(str(form.get("client_secret", "")), self.client_secret)
        if not (same_id and same_secret):
            raise ApiError(401, 401, "Client authentication failed.")
        access = f"sbx_{secrets.token_urlsafe(24)}"
        with self._lock:
            self._issued[access] = time.monotonic() + self.token_ttl
        return {"token_type": "Bearer", "expires_in": self.token_ttl, "access_token": access}

    def expire_all(self) -> None:
        """Make every issued token stale at once, to test a client's re-authentication."""
        with self._lock:
            for access in self._issued:
                self._issued[access] = 0.0

    def check(self, header: str | None) -> str:
        """The caller's token, or 401 with the error body when it is missing, bad or expired."""
        if not header or not header.lower().startswith("bearer "):
            raise ApiError(401, 401, "Unauthenticated.")
        presented = header[7:].strip()
        if hmac.compare_digest(presented, self.token):
            return presented
        with self._lock:
            expiry = self._issued.get(presented)
        if expiry is None:
            raise ApiError(401, 401, "Unauthenticated.")
        if time.monotonic() >= expiry:
            raise ApiError(401, 401, "The access token has expired.")
        return presented
