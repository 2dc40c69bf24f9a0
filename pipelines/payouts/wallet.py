"""Piggy's prepaid (cashback) wallet: credit a contact, read a contact's wallet on our shop.

A credit is sent once and never retried here: when its answer is lost (timeout, dropped connection,
5xx) Piggy may or may not have booked it, and only a look at the contact's transactions can tell.
That look is a plain read, retried with backoff like every read.

The prepaid listing has no `sort` and Piggy does not document its default order, so a wallet is
always read whole (every page up to the `last_page` the first page announced) and nothing here
depends on the order rows come in. A contact's wallet on one shop is small: a few pages at most.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from piggy_source.auth import TokenProvider
from piggy_source.settings import API_PREFIX
from pipelines.payouts.errors import PayoutError
from pipelines.piggy_connection import PiggyConnection

PAGE_SIZE = 30
MAX_WALLET_PAGES = 100
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
    """Sync calls on one httpx client for one payouts shop; the token comes from the source's
    token provider."""

    def __init__(
        self, connection: PiggyConnection, shop_uuid: str, timeout_seconds: float = 30.0
    ) -> None:
        self.shop_uuid = shop_uuid
        self._root = connection.base_url.rstrip("/") + API_PREFIX
        tokens = TokenProvider(
            connection.base_url,
            connection.api_key or None,
            connection.client_id or None,
            connection.client_secret or None,
        )
        token = asyncio.run(_fetch_token(tokens, timeout_seconds))
        self._http = httpx.Client(
            timeout=timeout_seconds,
            headers={"Accept": "application/json", "Authorization": f"Bearer {token}"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Wallet":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def credit(self, contact_uuid: str, amount_cents: int) -> Answer:
        """`POST /prepaid-transactions`, exactly one attempt."""
        try:
            response = self._http.post(
                f"{self._root}/prepaid-transactions", json=self.payload(contact_uuid, amount_cents)
            )
        except httpx.TransportError as exc:
            return Answer(None, None, f"no answer ({type(exc).__name__})")
        return Answer(response.status_code, _json(response))

    def payload(self, contact_uuid: str, amount_cents: int) -> dict[str, Any]:
        return {
            "contact_uuid": contact_uuid,
            "amount_in_cents": int(amount_cents),
            "shop_uuid": self.shop_uuid,
        }

    def transactions(self, contact_uuid: str) -> list[dict[str, Any]]:
        """Every transaction of the contact's wallet on our shop, in whatever order Piggy sent."""
        return [row for rows in self._pages(contact_uuid) for row in rows]

    def balance(self, contact_uuid: str) -> int | None:
        """The contact's prepaid balance now, in cents; None when Piggy does not say, or does
        not know the contact: the credit then goes out and Piggy's refusal is recorded."""
        body = self._read(f"/contacts/{contact_uuid}", {}, f"contact {contact_uuid}")
        if body is None:
            return None
        balance = ((body.get("data") or {}).get("prepaid_balance") or {}).get("balance_in_cents")
        return None if balance is None else int(balance)

    def _pages(self, contact_uuid: str) -> Iterator[list[dict[str, Any]]]:
        """Every page up to the `last_page` announced by the first, so order never matters."""
        page, last_page = 1, 1
        params = {"contact_uuid": contact_uuid, "shop_uuid": self.shop_uuid, "limit": PAGE_SIZE}
        while page <= last_page:
            what = f"the wallet of contact {contact_uuid}"
            body = self._read("/prepaid-transactions", {**params, "page": page}, what) or {}
            rows = body.get("data") or []
            if not rows:
                return
            yield rows
            if page == 1:
                last_page = int((body.get("meta") or {}).get("last_page") or 1)
                if last_page > MAX_WALLET_PAGES:
                    raise PayoutError(
                        f"Piggy announced {last_page} pages for {what} on the payouts shop "
                        f"(more than {MAX_WALLET_PAGES}): check payouts.shop_uuid names a shop "
                        "used for payouts only"
                    )
            page += 1

    def _read(self, path: str, params: dict[str, Any], what: str) -> dict[str, Any] | None:
        try:
            return self._get(path, params, what)
        except (RetryableRead, httpx.TransportError) as exc:
            raise PayoutError(
                f"Piggy kept failing while reading {what} ({type(exc).__name__}); run "
                "approve --apply again, open intents are reconciled first"
            ) from None

    @retry(
        retry=retry_if_exception_type((RetryableRead, httpx.TransportError)),
        stop=stop_after_attempt(6),
        wait=wait_exponential(multiplier=0.5, max=20),
        reraise=True,
    )
    def _get(self, path: str, params: dict[str, Any], what: str) -> dict[str, Any] | None:
        """The answer's JSON; None for a 404 (an unknown contact), which a listing never gives."""
        response = self._http.get(f"{self._root}{path}", params=params)
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableRead(f"HTTP {response.status_code}")
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise PayoutError(
                f"Piggy answered HTTP {response.status_code} when reading {what}: check "
                "SOURCES__PIGGY__API_KEY, payouts.shop_uuid and the contact"
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
