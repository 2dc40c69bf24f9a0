"""`[privacy]` settings: the erasure key (a secret), how long deleted members are kept, and
whether marts and segments keep the email or only its SHA-256.

The erasure log names a member by an HMAC-SHA256 of their uuid under `erasure_key`, so the log
holds nothing that identifies anyone to a reader without the key, while the load filter (which
has it) can still recognise an erased member coming back. Losing the key means erased members
can no longer be recognised at load time, so a missing key is never replaced silently: the user
is given a fresh one to store.

`email_in_models = "sha256"` is for users whose marketing tool matches audiences on hashed
emails: dbt then keeps only the SHA-256 of the normalised address in marts and segments, and
exports key members by it. It is a plain SHA-256, not keyed, because that is what Meta and
Google Customer Match take (DECISIONS.md).
"""

import hashlib
import hmac
import secrets

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.errors import CliError
from pipelines.exports.changes import EMAIL, EMAIL_SHA256

SECTION = "privacy"
EMAIL_COLUMNS = {"plain": EMAIL, "sha256": EMAIL_SHA256}
"""Each `email_in_models` value and the column that names a member to an email tool."""


def email_sha256(address: str) -> str:
    """SHA-256 (hex) of the trimmed, lower-cased address: what the `email_sha256` model columns
    hold (macro `email_in_models`), for the profiles sent from outside dbt."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


@configspec
class PrivacyConfiguration(BaseConfiguration):
    """`[privacy]`: `erasure_key` in secrets.toml, the others in config.toml."""

    erasure_key: TSecretStrValue | None = None
    erase_deleted_after_days: int = 30
    email_in_models: str = "plain"


class MissingErasureKey(CliError):
    """No `privacy.erasure_key`: the message carries a freshly generated one to store."""


def load_privacy() -> PrivacyConfiguration:
    try:
        config = resolve_configuration(PrivacyConfiguration(), sections=(SECTION,))
    except ConfigValueCannotBeCoercedException as exc:
        raise CliError(
            f"privacy.{exc.field_name} has a value of the wrong type: fix [privacy] "
            f"{exc.field_name} or PRIVACY__{exc.field_name.upper()}"
        ) from None
    if config.erase_deleted_after_days < 0:
        raise CliError(
            "privacy.erase_deleted_after_days must be 0 or more: fix [privacy] "
            "erase_deleted_after_days or PRIVACY__ERASE_DELETED_AFTER_DAYS"
        )
    if config.email_in_models not in EMAIL_COLUMNS:
        raise CliError(
            f"privacy.email_in_models must be one of {', '.join(EMAIL_COLUMNS)}, got "
            f"{config.email_in_models!r}: fix [privacy] email_in_models or "
            "PRIVACY__EMAIL_IN_MODELS"
        )
    return config


def model_variables(config: PrivacyConfiguration) -> dict[str, str]:
    """The dbt vars the setting becomes: the models read `email_in_models`."""
    return {"email_in_models": config.email_in_models}


def email_column(config: PrivacyConfiguration) -> str:
    """The segment column exports key a member by: `email`, or `email_sha256`."""
    return EMAIL_COLUMNS[config.email_in_models]


def erasure_key(config: PrivacyConfiguration) -> bytes:
    """The key, or a `MissingErasureKey` that tells the user a new one to keep."""
    if config.erasure_key:
        return str(config.erasure_key).encode()
    raise MissingErasureKey(
        "no privacy.erasure_key: add erasure_key = "
        f'"{secrets.token_urlsafe(32)}" under [privacy] in .dlt/secrets.toml (or set '
        "PRIVACY__ERASURE_KEY) and keep it: later loads need it to keep erased members erased"
    )


def member_hash(key: bytes, uuid: str) -> str:
    """The erasure log's name for a member: HMAC-SHA256 of the uuid under the erasure key."""
    return hmac.new(key, uuid.encode(), hashlib.sha256).hexdigest()
