"""Receiver settings as dlt configspecs: `[webhooks]`, the exports' `[exports.crm]` target and
the source's `[sources.piggy]` connection, so one token and one budget setting serve every reader.

Secrets are typed with dlt's secret types: dlt then never prints their values, and their `repr`
hides them. `webhooks.secrets` is a list so a secret can be rotated without losing deliveries
signed with the old one; `WEBHOOKS__SECRET` is the one-secret shorthand.
"""

import json
from pathlib import Path
from typing import TypeVar

import dlt
from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue, TSecretValue

from pipelines.piggy_connection import SECTIONS, PiggyConnection
from pipelines.webhooks.errors import WebhookSetupError

SpecT = TypeVar("SpecT", bound=BaseConfiguration)
DEFAULT_PORT = 8766
SECTION = "webhooks"
LOWER_BOUNDS = {
    "max_body_bytes": 1024,
    "push_attempts": 1,
    "backoff_seconds": 0,
    "max_backoff_seconds": 0,
    "batch_size": 1,
    "retention_days": 0,
}


@configspec
class WebhooksConfiguration(BaseConfiguration):
    """`[webhooks]`: what the receiver accepts and how hard the worker tries before giving up."""

    secret: TSecretStrValue | None = None
    secrets: TSecretValue | None = None
    max_body_bytes: int = 262_144
    push_attempts: int = 12
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 300.0
    batch_size: int = 200
    retention_days: float = 7.0
    journal_dir: str | None = None

    def signing_secrets(self) -> list[str]:
        """Every accepted secret, in the configured order; having none at all is refused."""
        listed = self.secrets
        if isinstance(listed, str):
            listed = _list_or_one(listed)
        found = [str(s) for s in (listed or []) if str(s).strip()]
        if self.secret:
            found.append(str(self.secret))
        if not found:
            raise WebhookSetupError(
                'no webhook secret: set [webhooks] secrets = ["..."] in .dlt/secrets.toml or '
                "the environment variable WEBHOOKS__SECRET (`piggy-elt webhooks subscribe` "
                "prints one)"
            )
        return found

    def journal_path(self) -> Path:
        """`<dlt data dir>/webhooks/journal.sqlite`: next to dlt's pipelines folder."""
        folder = Path(self.journal_dir or Path(dlt.current.run_context().data_dir) / SECTION)
        return folder / "journal.sqlite"


@configspec
class CrmTarget(BaseConfiguration):
    """`[exports.crm]`: the profile-upsert endpoint the exports push to, keyed by email."""

    url: str | None = None
    api_key: TSecretStrValue | None = None


def load_webhooks() -> WebhooksConfiguration:
    """`[webhooks]`, with each bound checked; a bad value names its key and where to fix it."""
    config = _resolve(WebhooksConfiguration(), SECTION)
    for name, minimum in LOWER_BOUNDS.items():
        if getattr(config, name) < minimum:
            raise WebhookSetupError(
                f"webhooks.{name} must be at least {minimum}: fix [webhooks] {name} in "
                f".dlt/config.toml or WEBHOOKS__{name.upper()}"
            )
    return config


def load_crm() -> CrmTarget:
    """The exports' CRM target; the worker has nowhere to push without one."""
    crm = _resolve(CrmTarget(), "exports", "crm")
    if not crm.url or not crm.api_key:
        raise WebhookSetupError(
            "no CRM target: set [exports.crm] url in .dlt/config.toml and api_key in "
            ".dlt/secrets.toml (or EXPORTS__CRM__URL and EXPORTS__CRM__API_KEY)"
        )
    return crm


def load_connection() -> PiggyConnection:
    """The source's connection; a value of the wrong type names its key."""
    return _resolve(PiggyConnection(), *SECTIONS)


def _resolve(spec: SpecT, *sections: str) -> SpecT:
    try:
        return resolve_configuration(spec, sections=sections)
    except ConfigValueCannotBeCoercedException as exc:
        key = ".".join((*sections, exc.field_name))
        env = "__".join((*sections, exc.field_name)).upper()
        raise WebhookSetupError(f"{key} has a value of the wrong type: fix it, or {env}") from None


def _list_or_one(text: str) -> list[str]:
    """`WEBHOOKS__SECRETS='["new", "old"]'` from the environment, or a single secret."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return [text]
    return [str(item) for item in parsed] if isinstance(parsed, list) else [text]
