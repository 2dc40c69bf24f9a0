"""Export failures the user can act on; each message is one line and never holds a secret."""

from pipelines.errors import CliError, RefusedError


class ExportError(CliError):
    """An export could not run as configured (missing segment, bad setting)."""


class StaleDataError(ExportError, RefusedError):
    """The warehouse is older than the configured limit; exporting would send outdated members.

    A refusal (exit code 4), not a failure: nothing is wrong until the data is refreshed."""


class TargetError(ExportError):
    """A target kept refusing a batch; nothing is recorded, so the next export resends it."""


class EmailSettingChanged(ExportError, RefusedError):
    """The segments were built under the other `privacy.email_in_models`: exporting them could
    send plain addresses the user chose to keep in, so it waits for `piggy-elt transform` (4)."""
