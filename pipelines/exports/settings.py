"""Export settings as dlt configspecs: `[exports]`, `[exports.webhook]` and `[exports.crm]`.

Defaults and types live in the specs and nowhere else. The webhook secret and the CRM key are typed
`TSecretStrValue`: dlt then records `<secret>` instead of their value in the traces it writes
(`<pipeline>_actions/trace.pickle`). Receiver URLs and keys are read here and nowhere else;
`Receiver.__repr__` hides them, and error messages name a setting by its key only, so a secret
never reaches a log or the terminal.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dlt.common.configuration import configspec, is_secret_hint, resolve_configuration
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.exports.errors import ExportError
from pipelines.exports.push import Receiver

WEBHOOK, CRM = "webhook", "crm"
SECTION = "exports"
SIGNING_SECRET = re.compile(r"whsec_[A-Za-z0-9+/]+={0,2}")
MIN_SECRET_BYTES = 24
SpecT = TypeVar("SpecT", bound=BaseConfiguration)
LOWER_BOUNDS = {"batch_size": 1, "attempts": 1, "max_age_hours": 0, "backoff_seconds": 0}


@configspec
class WebhookTarget(BaseConfiguration):
    """`[exports.webhook]`: change events, signed the Standard Webhooks way with `secret`."""

    url: str | None = None
    secret: TSecretStrValue | None = None


@configspec
class CrmTarget(BaseConfiguration):
    """`[exports.crm]`: profile upserts keyed by email, authenticated by a bearer `api_key`."""

    url: str | None = None
    api_key: TSecretStrValue | None = None


@configspec
class ExportsConfiguration(BaseConfiguration):
    """`[exports]`; `segments` unset means every segment the dbt project declares."""

    segments: list[str] | None = None
    output_dir: str = "exports"
    max_age_hours: float = 26.0
    required_resources: list[str] = field(
        default_factory=lambda: ["contacts", "loyalty_transactions"]
    )
    batch_size: int = 500
    attempts: int = 5
    backoff_seconds: float = 0.5


@dataclass
class ExportSettings:
    """Everything one `piggy-elt export` needs to know, checked."""

    segments: list[str] | None
    output_dir: Path
    max_age_hours: float
    required_resources: list[str]
    batch_size: int
    receivers: dict[str, Receiver]


def load_settings() -> ExportSettings:
    """Resolve and check `[exports]` and its two targets; a target without its secret refuses."""
    config = _resolve(ExportsConfiguration(), SECTION)
    for name, minimum in LOWER_BOUNDS.items():
        value = getattr(config, name)
        if value < minimum:
            raise ExportError(
                f"{SECTION}.{name} must be at least {minimum}, got {value}: fix {_where(name)}"
            )
    receivers = {}
    webhook = _resolve(WebhookTarget(), SECTION, WEBHOOK)
    if webhook.url:
        secret = _signing_secret(webhook.secret)
        receivers[WEBHOOK] = Receiver(
            WEBHOOK, webhook.url, secret, None, config.attempts, config.backoff_seconds
        )
    crm = _resolve(CrmTarget(), SECTION, CRM)
    if crm.url:
        api_key = _required(crm.api_key, CRM, "api_key")
        receivers[CRM] = Receiver(
            CRM, crm.url, None, api_key, config.attempts, config.backoff_seconds
        )
    return ExportSettings(
        segments=config.segments or None,
        output_dir=Path(config.output_dir),
        max_age_hours=config.max_age_hours,
        required_resources=config.required_resources,
        batch_size=config.batch_size,
        receivers=receivers,
    )


def _resolve(spec: SpecT, *sections: str) -> SpecT:
    """One spec under its section; a value of the wrong type is named with where to fix it."""
    try:
        return resolve_configuration(spec, sections=sections)
    except ConfigValueCannotBeCoercedException as exc:
        shown = "a value" if is_secret_hint(exc.hint) else repr(exc.field_value)
        kind = getattr(exc.hint, "__name__", str(exc.hint))
        key = ".".join((*sections, exc.field_name))
        where = _where(exc.field_name, *sections[1:])
        raise ExportError(f"{key} must be of type {kind}, got {shown}: fix {where}") from None


def _where(name: str, *subsections: str, secret: bool = False) -> str:
    """Where a user sets a key: the toml table and file, and the environment variable."""
    table = ".".join((SECTION, *subsections))
    env = "__".join((SECTION, *subsections, name)).upper()
    toml = ".dlt/secrets.toml" if secret else ".dlt/config.toml"
    return f"[{table}] {name} in {toml} or the environment variable {env}"


def _required(value: str | None, target: str, name: str) -> str:
    if not value:
        raise ExportError(
            f"{SECTION}.{target} is configured but its {name} is missing: set "
            f"{_where(name, target, secret=True)}"
        )
    return str(value)


def _signing_secret(value: str | None) -> str:
    """A Standard Webhooks secret: `whsec_` and at least 24 random bytes in base64."""
    secret = _required(value, WEBHOOK, "secret")
    if SIGNING_SECRET.fullmatch(secret):
        try:
            key = base64.b64decode(secret.removeprefix("whsec_") + "==")
        except binascii.Error:
            key = b""
        if len(key) >= MIN_SECRET_BYTES:
            return secret
    raise ExportError(
        f"{SECTION}.{WEBHOOK}.secret must be `whsec_` followed by {MIN_SECRET_BYTES} or more "
        'random bytes in base64 (make one with: python -c "import base64, os; '
        "print('whsec_' + base64.b64encode(os.urandom(32)).decode())\"): set "
        f"{_where('secret', WEBHOOK, secret=True)}"
    )
