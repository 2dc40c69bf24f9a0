"""Payout failures the user can act on; each message is one line and never holds a secret."""

from pipelines.errors import CliError


class PayoutError(CliError):
    """A payout command could not run as configured (missing setting, bad input file)."""
