"""`[privacy]` settings: the erasure key (a secret) and how long deleted members are kept.

The erasure log names a member by an HMAC-SHA256 of their uuid under `erasure_key`, so the log
holds nothing that identifies anyone to a reader without the key, while the load filter (which
has it) can still recognise an erased member coming back. Losing the key means erased members
can no longer be recognised at load time, so a missing key is never replaced silently: the user
is given a fresh one to store.
"""

import hashlib
import hmac
import secrets

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.errors import CliError

SECTION = "privacy"


@configspec
class PrivacyConfiguration(BaseConfiguration):
    """`[privacy]`: `erasure_key` in secrets.toml, `erase_deleted_after_days` in config.toml."""

    erasure_key: TSecretStrValue | None = None
    erase_deleted_after_days: int = 30


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
    return config


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
