"""A client for the `/_sandbox/...` control API, for tests and tools that drive a sandbox.

It speaks HTTP only, so it works the same against a sandbox in this process or in another one.
"""

from __future__ import annotations

import httpx


class SandboxControlError(Exception):
    """The control API refused a call; the message is the sandbox's own."""


class SandboxControl:
    def __init__(self, base_url: str, admin_token: str | None = None,
                 timeout: float = 600.0) -> None:
        headers = {"X-Sandbox-Admin-Token": admin_token} if admin_token else {}
        self.base_url = base_url.rstrip("/")
        self._headers = headers
        self._timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None,
              params: dict | None = None) -> dict:
        try:
            response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=body,
                                     params=params, headers=self._headers,
                                     timeout=self._timeout)
        except httpx.TransportError as exc:
            raise SandboxControlError(f"no sandbox answers at {self.base_url} ({exc})") from None
        payload = response.json()
        if response.status_code >= 400:
            raise SandboxControlError(_describe(payload))
        return payload["data"]

    def status(self) -> dict:
        """Clock, scale, seed, settings and request totals per endpoint."""
        return self._call("GET", "/status")

    def totals(self) -> dict[str, int]:
        return self.status()["requests"]

    def reset_totals(self) -> None:
        self._call("POST", "/totals/reset")

    def configure(self, **settings: object) -> dict:
        """Change latency, budget, faults or malformed records while serving."""
        return self._call("POST", "/settings", settings)

    def advance(self, days: float = 1.0, **activity: int) -> dict:
        """Move the clock and create activity: signups, earns, redemptions, cashback, deletes..."""
        return self._call("POST", "/advance", {"days": days, **activity})

    def malformed(self, resource: str | None = None) -> list[dict]:
        """Every record the malformed-record mode currently corrupts, with how."""
        return self._call("GET", "/malformed", params={"resource": resource} if resource else None)

    def add_webhook(self, url: str, secret: str, events: list[str] | None = None) -> list[dict]:
        return self._call("POST", "/webhooks", {"url": url, "secret": secret, "events": events})

    def deliveries(self, wait: bool = True) -> list[dict]:
        """Webhook deliveries so far (after the queue drains, unless `wait=False`)."""
        return self._call("GET", "/webhooks/deliveries", params={"wait": int(wait)})

    def expire_tokens(self) -> None:
        self._call("POST", "/tokens/expire")

    def invariants(self) -> dict:
        """Counts of contacts whose balances or tiers disagree with the ledgers (all zero)."""
        return self._call("GET", "/invariants")


def _describe(payload: dict) -> str:
    """The error message plus each field's complaint, on one line."""
    details = "; ".join(f"{field}: {' '.join(problem) if isinstance(problem, list) else problem}"
                        for field, problem in (payload.get("errors") or {}).items())
    message = str(payload.get("message", "the sandbox refused the call"))
    return f"{message} ({details})" if details else message
