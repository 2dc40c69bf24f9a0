"""Payout settings: `[payouts]` in config, the Slack URL in secrets, Piggy's from the source.

The Piggy base URL and credentials are the source's own (`[sources.piggy]`), so one token serves
reading and acting. `Settings.__repr__` hides every secret.
"""

from dataclasses import dataclass, field
from pathlib import Path

import dlt

from pipelines.exports.audit import os_user
from pipelines.payouts.errors import PayoutError


@dataclass
class PayoutSettings:
    """What `piggy-elt payouts` needs: where to pay from, who runs it, where to announce."""

    base_url: str
    shop_uuid: str | None = None
    api_key: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    review_dir: Path = Path("exports/payout_review")
    slack_webhook_url: str | None = field(default=None, repr=False)
    actor: str = "unknown"


def load_settings(actor: str | None = None) -> PayoutSettings:
    """Read the settings; the actor (who ran it, for the audit) defaults to the OS user."""
    base_url = dlt.config.get("sources.piggy.base_url", str)
    if not base_url:
        raise PayoutError("sources.piggy.base_url is not set (.dlt/config.toml or env)")
    return PayoutSettings(
        base_url=base_url,
        shop_uuid=dlt.config.get("payouts.shop_uuid", str),
        api_key=dlt.secrets.get("sources.piggy.api_key", str),
        client_id=dlt.config.get("sources.piggy.client_id", str),
        client_secret=dlt.secrets.get("sources.piggy.client_secret", str),
        review_dir=Path(dlt.config.get("payouts.review_dir", str) or "exports/payout_review"),
        slack_webhook_url=dlt.secrets.get("payouts.slack.webhook_url", str),
        actor=actor or dlt.config.get("payouts.actor", str) or os_user(),
    )


def require_shop(settings: PayoutSettings) -> str:
    """The shop every payout is booked on; Piggy requires one on `POST /prepaid-transactions`."""
    if not settings.shop_uuid:
        raise PayoutError(
            "payouts.shop_uuid is not set: name the Piggy shop payouts are booked on in "
            "[payouts] shop_uuid (.dlt/config.toml) or PAYOUTS__SHOP_UUID"
        )
    return settings.shop_uuid
