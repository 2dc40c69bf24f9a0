"""Piggy's prepaid (cashback) wallet: credit a contact, list a contact's wallet transactions.

A credit is sent once and never retried here: when its answer is lost (timeout, dropped connection,
5xx) Piggy may or may not have booked it, and only a look at the contact's transactions can tell.
That look (`transactions_after`) is a plain read, retried with backoff like every read.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from piggy_source.auth import TokenProvider
from piggy_source.settings import API_PREFIX
from pipelines.exports.freshness import as_utc
from pipelines.payouts.errors import PayoutError
from pipelines.payouts.reconcile import WalletMark
from pipelines.payouts.settings import PayoutSettings

PAGE_SIZE = 30
SETUP_ERROR_CODES = {1008, 7002, 7011}
"""Shop not found, account inactive, no access to the account (contract section 8)."""


@dataclass(frozen=True)
class Answer:
    """What Piggy said (or that it said nothing: `status_code` None).

    Neither booked nor refused (no answer, 429, 5xx) means unknown: only the contact's wallet
    transactions can tell whether the credit was booked.
    """

    status_code: int | None
    body: Any
    error: str | None = None

    @property
    def booked(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def refused(self) -> bool:
        """A 4xx other than 429: Piggy looked at the request and will not book it."""
        code = self.status_code
        return code is not None and 400 <= code < 500 and code != 429

    @property
    def blocks_every_payout(self) -> bool:
        """Refused for a reason of the setup (key, account, shop), not of this one request."""
        code = self.body.get("code") if isinstance(self.body, dict) else None
        return self.status_code in (401, 403) or code in SETUP_ERROR_CODES


class RetryableRead(Exception):
    """A 429 or 5xx on a read; reads are safe to repeat."""


class Wallet:
    """Sync calls on one httpx client; the bearer token comes from the source's token provider."""

    def __init__(self, settings: PayoutSettings, timeout_seconds: float = 30.0) -> None:
        self._root = settings.base_url.rstrip("/") + API_PREFIX
        tokens = TokenProvider(
            settings.base_url, settings.api_key, settings.client_id, settings.client_secret
        )
        self._token = asyncio.run(_fetch_token(tokens, timeout_seconds))
        self._http = httpx.Client(
            timeout=timeout_seconds,
            headers={"Accept": "application/json", "Authorization": f"Bearer {self._token}"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Wallet":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def credit(self, contact_uuid: str, amount_cents: int, shop_uuid: str) -> Answer:
        """`POST /prepaid-transactions`, exactly one attempt."""
        payload = {
            "contact_uuid": contact_uuid,
            "amount_in_cents": amount_cents,
            "shop_uuid": shop_uuid,
        }
        try:
            response = self._http.post(f"{self._root}/prepaid-transactions", json=payload)
        except httpx.TransportError as exc:
            return Answer(None, None, f"no answer ({type(exc).__name__})")
        return Answer(response.status_code, _json(response))

    def mark(self, contact_uuid: str) -> WalletMark:
        """The contact's wallet as it stands, to tell later bookings from earlier ones."""
        newest_first: list[dict[str, Any]] = []
        for rows in self._pages(contact_uuid):
            newest_first += rows
            if as_utc(rows[-1]["created_at"]) < as_utc(newest_first[0]["created_at"]):
                break
        return WalletMark.of(newest_first)

    def transactions_after(self, contact_uuid: str, mark: WalletMark) -> list[dict[str, Any]]:
        """The contact's wallet transactions the mark did not see, newest first."""
        found: list[dict[str, Any]] = []
        for rows in self._pages(contact_uuid):
            found += [row for row in rows if mark.is_after(row)]
            oldest = as_utc(rows[-1]["created_at"])
            if mark.newest_at is not None and oldest < mark.newest_at:
                break
        return found

    def _pages(self, contact_uuid: str) -> Iterator[list[dict[str, Any]]]:
        """Non-empty pages of the contact's wallet, newest first (Piggy's default order)."""
        page, last_page = 1, 1
        while page <= last_page:
            try:
                body = self._read_page(contact_uuid, page)
            except (RetryableRead, httpx.TransportError) as exc:
                raise PayoutError(
                    f"Piggy kept failing while reading the wallet of contact {contact_uuid} "
                    f"({type(exc).__name__}); run approve --apply again, open intents are "
                    "reconciled first"
                ) from None
            rows = body.get("data") or []
            if not rows:
                return
            yield rows
            last_page = int((body.get("meta") or {}).get("last_page") or page)
            page += 1

    @retry(
        retry=retry_if_exception_type((RetryableRead, httpx.TransportError)),
        stop=stop_after_attempt(6),
        wait=wait_exponential(multiplier=0.5, max=20),
        reraise=True,
    )
    def _read_page(self, contact_uuid: str, page: int) -> dict[str, Any]:
        params = {"contact_uuid": contact_uuid, "page": page, "limit": PAGE_SIZE}
        response = self._http.get(f"{self._root}/prepaid-transactions", params=params)
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableRead(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise PayoutError(
                f"Piggy answered HTTP {response.status_code} when reading the wallet of contact "
                f"{contact_uuid}: check SOURCES__PIGGY__API_KEY and the contact"
            )
        return response.json()


async def _fetch_token(tokens: TokenProvider, timeout_seconds: float) -> str:
    async with httpx.AsyncClient(timeout=timeout_seconds) as http:
        return await tokens.token(http)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"raw": response.text[:500]}
