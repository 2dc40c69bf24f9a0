"""The payouts' wallet calls Piggy through the source's client: a token Piggy expired early is
renewed, server errors are retried, and a 429's `Retry-After` is waited out, not hammered."""

import httpx

from pipelines.payouts.wallet import Wallet
from pipelines.piggy_connection import PiggyConnection


def oauth_connection(sandbox) -> PiggyConnection:
    """Client credentials (renewable tokens) and a fixed budget, so the sandbox's own limit is
    met as a 429 rather than learned from its headers."""
    return PiggyConnection(
        base_url=sandbox.base_url,
        client_id=sandbox.config.client_id,
        client_secret=sandbox.config.client_secret,
        requests_per_minute=6000,
    )


def api(sandbox, method: str, path: str, **kwargs) -> dict:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/json"}
    response = httpx.request(method, sandbox.api_url + path, headers=headers, **kwargs)
    response.raise_for_status()
    return response.json()


def a_contact_with_a_credit(sandbox) -> tuple[str, str, str]:
    """A contact, the payouts shop, and the uuid of a credit booked on it for the contact."""
    shop = api(sandbox, "GET", "/shops")["data"][0]["uuid"]
    contact = api(sandbox, "GET", "/contacts", params={"limit": 1})["data"][0]["uuid"]
    payload = {"contact_uuid": contact, "amount_in_cents": 321, "shop_uuid": shop}
    booked = api(sandbox, "POST", "/prepaid-transactions", json=payload)["data"]["uuid"]
    return contact, shop, booked


def test_a_wallet_read_renews_an_expired_token_through_server_errors(make_sandbox):
    sandbox = make_sandbox(scale=50)
    contact, shop, booked = a_contact_with_a_credit(sandbox)
    sandbox.control.configure(fault_rate=0.5, fault_kinds=["500", "503"])

    with Wallet(oauth_connection(sandbox), shop) as wallet:
        first = wallet.transactions(contact)
        sandbox.control.expire_tokens()
        again = wallet.transactions(contact)
        retries = wallet.stats.retries

    assert [t["uuid"] for t in first] == [booked]
    assert again == first
    assert sandbox.control.totals()["POST /oauth/token"] == 2, "one token, then one renewal"
    assert sandbox.control.status()["faults"], "the reads met server errors"
    assert retries >= 1


def test_a_wallet_read_waits_out_retry_after_instead_of_asking_again(make_sandbox):
    sandbox = make_sandbox(scale=50)
    contact, shop, _ = a_contact_with_a_credit(sandbox)
    sandbox.control.configure(rate_limit=2, rate_window=3.0)

    with Wallet(oauth_connection(sandbox), shop) as wallet:
        balances = [wallet.balance(contact) for _ in range(3)]
        stats = wallet.stats

    assert balances[0] is not None and balances == [balances[0]] * 3
    assert stats.throttled == 1, "the third read was told to wait, waited, and was answered"
    assert stats.retries == 1
    assert stats.requests == 4
