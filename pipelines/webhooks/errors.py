"""Errors of the webhooks commands; each message is the one line that says what to change."""

from pipelines.errors import CliError


class WebhookSetupError(CliError):
    """A missing or malformed setting (no secret, no CRM target, a bound out of range)."""
