"""Register the receiver with Piggy: one `POST /webhook-subscriptions` per needed event type.

One secret, made here, signs every subscription, so the receiver needs one setting; when Piggy
answers with a secret of its own instead, that is the one returned.
"""

import asyncio
import secrets

import httpx

from piggy_source.auth import TokenProvider
from piggy_source.settings import API_PREFIX
from pipelines.piggy_connection import PiggyConnection
from pipelines.webhooks.errors import WebhookSetupError
from pipelines.webhooks.events import SUBSCRIBED_TYPES


def subscribe(connection: PiggyConnection, url: str) -> list[str]:
    """Subscribe `url` to every event that can change a profile; the signing secrets used."""
    if not url.startswith(("https://", "http://")):
        raise WebhookSetupError(f"--url must be an http(s) URL, got {url!r}")
    return asyncio.run(_subscribe(connection, url, secrets.token_hex(32)))


async def _subscribe(connection: PiggyConnection, url: str, secret: str) -> list[str]:
    tokens = TokenProvider(
        connection.base_url,
        connection.api_key or None,
        connection.client_id or None,
        connection.client_secret or None,
    )
    endpoint = f"{connection.base_url.rstrip('/')}{API_PREFIX}/webhook-subscriptions"
    used: list[str] = []
    async with httpx.AsyncClient(timeout=connection.timeout_seconds) as http:
        for event_type in SUBSCRIBED_TYPES:
            body = {
                "event_type": event_type,
                "url": url,
                "secret": secret,
                "name": f"piggy-elt {event_type}",
            }
            headers = {
                "Authorization": f"Bearer {await tokens.token(http)}",
                "Accept": "application/json",
            }
            try:
                response = await http.post(endpoint, json=body, headers=headers)
            except httpx.TransportError as exc:
                raise WebhookSetupError(
                    f"could not reach Piggy at {connection.base_url} ({type(exc).__name__}): "
                    "check SOURCES__PIGGY__BASE_URL"
                ) from None
            if response.status_code >= 300:
                raise WebhookSetupError(
                    f"Piggy refused the {event_type} subscription (HTTP {response.status_code}): "
                    "check the API key's rights and the URL"
                )
            given = (response.json().get("data") or {}).get("secret") or secret
            if given not in used:
                used.append(given)
    return used
