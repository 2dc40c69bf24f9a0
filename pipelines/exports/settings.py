"""Export settings from dlt config (`[exports]` in .dlt/config.toml) and secrets (secrets.toml/env).

Receiver URLs and keys are read here and nowhere else; `Receiver.__repr__` hides them, and error
messages name a target by its name only, so a secret never reaches a log or the terminal.
"""

from dataclasses import dataclass, field
from pathlib import Path

import dlt

from pipelines.exports.errors import ExportError
from pipelines.exports.push import Receiver

DEFAULT_SEGMENTS = [
    "seg_points_expiring_14d",
    "seg_vip_candidates",
    "seg_lapsed_redeemers",
    "seg_high_value_at_risk",
]
DEFAULT_REQUIRED_RESOURCES = ["contacts", "loyalty_transactions"]
WEBHOOK, CRM = "webhook", "crm"


@dataclass
class ExportSettings:
    """Everything one `piggy-elt export` needs to know."""

    segments: list[str] = field(default_factory=lambda: list(DEFAULT_SEGMENTS))
    output_dir: Path = Path("exports")
    max_age_hours: float = 26.0
    required_resources: list[str] = field(default_factory=lambda: list(DEFAULT_REQUIRED_RESOURCES))
    batch_size: int = 500
    receivers: dict[str, Receiver] = field(default_factory=dict)


def load_settings() -> ExportSettings:
    """Read `[exports]`, `[exports.webhook]`, `[exports.crm]`; defaults for all but secrets."""
    defaults = ExportSettings()
    settings = ExportSettings(
        segments=dlt.config.get("exports.segments", list) or defaults.segments,
        output_dir=Path(dlt.config.get("exports.output_dir", str) or defaults.output_dir),
        max_age_hours=_number("exports.max_age_hours", defaults.max_age_hours),
        required_resources=dlt.config.get("exports.required_resources", list)
        or defaults.required_resources,
        batch_size=int(_number("exports.batch_size", defaults.batch_size)),
    )
    attempts = int(_number("exports.attempts", 5))
    backoff = _number("exports.backoff_seconds", 0.5)
    webhook_url = dlt.config.get("exports.webhook.url", str)
    if webhook_url:
        secret = _required_secret("exports.webhook.secret", "EXPORTS__WEBHOOK__SECRET")
        settings.receivers[WEBHOOK] = Receiver(
            WEBHOOK, webhook_url, secret, None, attempts, backoff
        )
    crm_url = dlt.config.get("exports.crm.url", str)
    if crm_url:
        api_key = _required_secret("exports.crm.api_key", "EXPORTS__CRM__API_KEY")
        settings.receivers[CRM] = Receiver(CRM, crm_url, None, api_key, attempts, backoff)
    if settings.batch_size < 1:
        raise ExportError("exports.batch_size must be a positive number of members per batch")
    return settings


def _number(key: str, default: float) -> float:
    value = dlt.config.get(key)
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ExportError(f"{key} must be a number, got {value!r}") from None


def _required_secret(key: str, env_name: str) -> str:
    value = dlt.secrets.get(key, str)
    if not value:
        section, name = key.rsplit(".", 1)
        raise ExportError(
            f"{section} is configured but its {name} is missing: set [{section}] {name} in "
            f".dlt/secrets.toml or the environment variable {env_name}"
        )
    return str(value)
