"""Payout settings as dlt configspecs: `[payouts]`, `[payouts.slack]` and the source's Piggy keys.

The Piggy base URL and credentials are the source's own (`[sources.piggy]`, the same default base
URL as `piggy-elt run`), so one token serves reading and acting. Secrets are typed
`TSecretStrValue`: dlt then records `<secret>` instead of their value in the traces it writes
(`<pipeline>_actions/trace.pickle`), and their `repr` hides them.
"""

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.exports.audit import os_user
from pipelines.payouts.errors import PayoutError
from pipelines.payouts.requests import RequestLimits


@configspec
class SlackSettings(BaseConfiguration):
    """`[payouts.slack]`: the webhook URL is a secret (whoever holds it can post)."""

    webhook_url: TSecretStrValue | None = None


@configspec
class PayoutSettings(BaseConfiguration):
    """`[payouts]`: where to pay from, who runs it, what a request file may hold."""

    shop_uuid: str | None = None
    review_dir: str = "exports/payout_review"
    actor: str | None = None
    max_amount_cents: int = RequestLimits.max_amount_cents
    max_line_bytes: int = RequestLimits.max_line_bytes
    max_clock_skew_seconds: int = RequestLimits.max_clock_skew_seconds
    slack: SlackSettings | None = None

    @property
    def request_limits(self) -> RequestLimits:
        return RequestLimits(
            self.max_amount_cents, self.max_line_bytes, self.max_clock_skew_seconds
        )

    @property
    def slack_webhook_url(self) -> str | None:
        return (self.slack.webhook_url if self.slack else None) or None


def load_settings(actor: str | None = None) -> PayoutSettings:
    """Resolve the settings; the actor (who ran it, for the audit) defaults to the OS user."""
    settings = resolve_configuration(PayoutSettings(), sections=("payouts",))
    settings.actor = actor or settings.actor or os_user()
    return settings


def require_shop(settings: PayoutSettings) -> str:
    """The shop every payout is booked on; Piggy requires one on `POST /prepaid-transactions`."""
    if not settings.shop_uuid:
        raise PayoutError(
            "payouts.shop_uuid is not set: name the Piggy shop payouts are booked on in "
            "[payouts] shop_uuid (.dlt/config.toml) or PAYOUTS__SHOP_UUID"
        )
    return settings.shop_uuid
