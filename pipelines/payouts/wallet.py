"""Piggy's prepaid (cashback) wallet: credit a contact, read a contact's wallet on our shop.

Both go through the source's `PiggyClient` (budget, retries, capped `Retry-After`, token renewal)
behind its blocking facade. A credit is sent once and never retried: when its answer is lost
(timeout, dropped connection, 5xx) Piggy may or may not have booked it, and only a look at the
contact's transactions can tell. That look is a plain read, retried like every read.

The prepaid listing has no `sort` and Piggy does not document its default order, so a wallet is
always read whole (every page up to the `last_page` the first page announced) and nothing here
depends on the order rows come in. A contact's wallet on one shop is small: a few pages at most.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from piggy_source.blocking import BlockingPiggy, NoAnswer
from piggy_source.exceptions import PiggyApiError, PiggyConnectionError
from piggy_source.paging import parse_meta
from piggy_source.stats import ResourceStats
from pipelines.payouts.errors import PayoutError
from pipelines.piggy_connection import PiggyConnection, client_options, token_provider

PAGE_SIZE = 30
MAX_WALLET_PAGES = 100
RESOURCE = "payouts"
"""The name the payouts' requests count under in the client's stats."""
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


class Wallet:
    """Calls for one payouts shop on the source's client (its budget, retries, `Retry-After`
    handling and token renewal), waited on through the blocking facade."""

    def __init__(self, connection: PiggyConnection, shop_uuid: str) -> None:
        self.shop_uuid = shop_uuid
        self._piggy = BlockingPiggy.open(
            connection.base_url, token_provider(connection), RESOURCE, **client_options(connection)
        )

    @property
    def stats(self) -> ResourceStats:
        """What the calls so far cost: requests, retries, 429s."""
        return self._piggy.stats.of(RESOURCE)

    def close(self) -> None:
        self._piggy.close()

    def __enter__(self) -> "Wallet":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def credit(self, contact_uuid: str, amount_cents: int) -> Answer:
        """`POST /prepaid-transactions`, exactly one attempt."""
        try:
            reply = self._piggy.post_once(
                "/prepaid-transactions", self.payload(contact_uuid, amount_cents)
            )
        except NoAnswer as exc:
            return Answer(None, None, f"no answer ({exc})")
        return Answer(reply.status_code, reply.body)

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
        what = f"the wallet of contact {contact_uuid}"
        while page <= last_page:
            body = self._read("/prepaid-transactions", {**params, "page": page}, what) or {}
            rows = body.get("data") or []
            if not rows:
                return
            yield rows
            if page == 1:
                last_page = parse_meta(body.get("meta")).last_page or 1
                if last_page > MAX_WALLET_PAGES:
                    raise PayoutError(
                        f"Piggy announced {last_page} pages for {what} on the payouts shop "
                        f"(more than {MAX_WALLET_PAGES}): check payouts.shop_uuid names a shop "
                        "used for payouts only"
                    )
            page += 1

    def _read(self, path: str, params: dict[str, Any], what: str) -> dict[str, Any] | None:
        """A read retried by the source's client; None for a 404 (an unknown contact)."""
        try:
            return self._piggy.get(path, params)
        except PiggyApiError as exc:
            raise PayoutError(
                f"Piggy answered HTTP {exc.status_code} when reading {what}: check "
                "SOURCES__PIGGY__API_KEY, payouts.shop_uuid and the contact"
            ) from None
        except PiggyConnectionError:
            raise PayoutError(
                f"Piggy could not be reached while reading {what}: check "
                "SOURCES__PIGGY__BASE_URL and the network, then run approve --apply again "
                "(open intents are reconciled first)"
            ) from None
